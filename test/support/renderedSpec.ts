import { formatFinding } from "../../src/config/finding";
import { DeploymentPlan } from "../../src/plan/deploymentPlan";
import { DeploymentSettings } from "../../src/render/deploymentSettings";
import { renderMachine } from "../../src/render/machineSpec";
import { GroupImageSpec, MachineSpec } from "../../src/render/spec";
import { sampleConfigFiles } from "./samplePlan";

/** The spec renderMachine renders; fails the test with its findings when it refuses. */
export function renderedSpec(plan: DeploymentPlan, settings: DeploymentSettings, images?: readonly GroupImageSpec[]): MachineSpec {
  const outcome = renderMachine(plan, settings, sampleConfigFiles(), images);
  if (!outcome.ok) throw new Error(`renderMachine refused:\n${outcome.findings.map(formatFinding).join("\n")}`);
  return outcome.spec;
}

/** The messages of the render findings that refuse the plan (none when it renders). */
export function renderRefusals(plan: DeploymentPlan, settings: DeploymentSettings, images?: readonly GroupImageSpec[]): string[] {
  const outcome = renderMachine(plan, settings, sampleConfigFiles(), images);
  return outcome.ok ? [] : outcome.findings.map((f) => `${f.code}: ${f.message}`);
}
