export * from "./secretValues";
export * from "./containerArgs";
export * from "./dataVolume";
export * from "./hostNetwork";
export * from "./natsServer";
export * from "./redisServer";
export * from "./agentGroup";
export * from "./machineStack";
