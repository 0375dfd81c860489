export * from "./settingDefinitions";
export * from "./stackSettings";
export * from "./planEnvironment";
export * from "./planRefusal";
export * from "./deployMachine";
export * from "./stackInputs";
export * from "./runProgram";
export * from "./projectStackSettings";
