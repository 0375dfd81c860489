export * from "./contentHash";
export * from "./groupImage";
export * from "./readImageInputs";
export * from "./resolveGroupImages";
