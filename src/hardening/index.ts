export * from "./containerView";
export * from "./viewFromSpec";
export * from "./viewFromDockerInputs";
export * from "./redisAcl";
export * from "./natsConfig";
export * from "./cisChecks";
export * from "./evaluate";
export * from "./machineReport";
