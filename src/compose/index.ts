export * from "./composeText";
export * from "./composeModel";
export * from "./composeService";
export * from "./composeProject";
export * from "./composeYaml";
export * from "./envFile";
export * from "./exportCompose";
