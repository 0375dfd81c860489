import { hasErrors } from "../config/finding";
import { ContainerReport } from "../hardening/evaluate";
import { machineHardening } from "../hardening/machineReport";
import { DeploymentPlan } from "../plan/deploymentPlan";
import { projectStackSettings } from "../program/projectStackSettings";
import { renderMachine } from "../render/machineSpec";
import { RenderError } from "../render/renderError";

/** The hardening of the containers a plan renders to, or why there is none to report. */
export type HardeningSummary =
  | { readonly kind: "reports"; readonly settingsFiles: readonly string[]; readonly reports: readonly ContainerReport[] }
  | { readonly kind: "skipped"; readonly reason: string };

/**
 * Renders the plan's containers with the machine's stack settings from the project files
 * (Pulumi.yaml defaults and Pulumi.<machine>.yaml; no secrets, no Pulumi) and runs every
 * hardening check on them: the same checks a deploy runs before it creates anything.
 */
export function planHardening(plan: DeploymentPlan, projectDir: string): HardeningSummary {
  if (hasErrors(plan.findings)) return { kind: "skipped", reason: "the plan has errors" };
  if (plan.containers.length === 0) return { kind: "skipped", reason: "the plan has no containers" };
  const settingsFiles = ["Pulumi.yaml", `Pulumi.${plan.machine}.yaml`];
  const parsed = projectStackSettings(projectDir, plan.machine, plan.config.configRoot);
  if (!parsed.ok) return { kind: "skipped", reason: `the stack settings in ${settingsFiles.join(", ")} are invalid: ${parsed.findings.map((f) => f.message).join("; ")}` };
  try {
    return { kind: "reports", settingsFiles, reports: machineHardening(renderMachine(plan, parsed.settings)) };
  } catch (error) {
    if (error instanceof RenderError) return { kind: "skipped", reason: `the plan cannot be rendered: ${error.message}` };
    throw error;
  }
}

export function hardeningFailed(summary: HardeningSummary): boolean {
  return summary.kind === "reports" && summary.reports.some((r) => r.failures.length > 0);
}
