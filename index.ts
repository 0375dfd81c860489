// Pulumi entry point: all logic lives in src/program (testable under mocks). The Python grammar
// (WebAssembly) loads first; Pulumi waits for an exported promise of the stack outputs. A bad
// config or an unexpected error ends in one RunError of findings, before any resource exists.
import { buildDeploymentPlan } from "./src/plan/buildDeploymentPlan";
import { loadPythonGrammar } from "./src/python/pythonParser";
import { programEntry } from "./src/program/programEntry";
import { readStackInputs } from "./src/program/stackInputs";
import { runProgram } from "./src/program/runProgram";

export = programEntry(async () => {
  await loadPythonGrammar();
  const outputs = runProgram(readStackInputs(), buildDeploymentPlan);
  return {
    endpoints: outputs.endpoints,
    gpuAllocation: outputs.gpuAllocation,
    containers: outputs.containers,
    monitoringTargets: outputs.monitoringTargets,
  };
});
