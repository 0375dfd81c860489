// Pulumi entry point: all logic lives in src/program (testable under mocks). The Python grammar
// (WebAssembly) loads first; Pulumi waits for an exported promise of the stack outputs.
import { buildDeploymentPlan } from "./src/plan/buildDeploymentPlan";
import { loadPythonGrammar } from "./src/python/pythonParser";
import { readStackInputs } from "./src/program/stackInputs";
import { runProgram } from "./src/program/runProgram";

export = loadPythonGrammar().then(() => {
  const outputs = runProgram(readStackInputs(), buildDeploymentPlan);
  return {
    endpoints: outputs.endpoints,
    gpuAllocation: outputs.gpuAllocation,
    containers: outputs.containers,
    monitoringTargets: outputs.monitoringTargets,
  };
});
