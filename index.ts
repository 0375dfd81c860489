// Pulumi entry point: all logic lives in src/program (testable under mocks).
import { buildDeploymentPlan } from "./src/plan/buildDeploymentPlan";
import { readStackInputs } from "./src/program/stackInputs";
import { runProgram } from "./src/program/runProgram";

const outputs = runProgram(readStackInputs(), buildDeploymentPlan);

export const endpoints = outputs.endpoints;
export const gpuAllocation = outputs.gpuAllocation;
export const containers = outputs.containers;
export const monitoringTargets = outputs.monitoringTargets;
