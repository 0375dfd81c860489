import { hasErrors } from "../config/finding";
import { ContainerReport } from "../hardening/evaluate";
import { DeploymentPlan } from "../plan/deploymentPlan";
import { PrepareOutcome, prepareProjectMachine } from "../pipeline/prepareMachine";

/** The hardening of the containers a plan renders to, or why there is none to report. */
export type HardeningSummary =
  | { readonly kind: "reports"; readonly settingsFiles: readonly string[]; readonly reports: readonly ContainerReport[] }
  | { readonly kind: "skipped"; readonly reason: string };

/** What the plan command says about hardening, from the machine prepareMachine prepared or refused. */
export function hardeningSummary(outcome: PrepareOutcome): HardeningSummary {
  const settingsFiles = ["Pulumi.yaml", `Pulumi.${outcome.machine}.yaml`];
  if (outcome.ok) return { kind: "reports", settingsFiles, reports: outcome.hardening };
  switch (outcome.stage) {
    case "hardening":
      return { kind: "reports", settingsFiles, reports: outcome.hardening ?? [] };
    case "settings":
      return { kind: "skipped", reason: `the stack settings in ${settingsFiles.join(", ")} are invalid: ${outcome.findings.map((f) => f.message).join("; ")}` };
    case "plan":
      return { kind: "skipped", reason: outcome.plan !== null && hasErrors(outcome.plan.findings) ? "the plan has errors" : "the plan has no containers" };
    case "images":
      return { kind: "skipped", reason: "the group images cannot be built" };
    case "render":
      return { kind: "skipped", reason: `the plan cannot be rendered: ${outcome.findings.filter((f) => f.code === "render").map((f) => f.message).join("; ")}` };
    case "internal":
      return { kind: "skipped", reason: "of an unexpected error" };
  }
}

/**
 * Prepares the plan's machine with its stack settings from the project files (Pulumi.yaml
 * defaults and Pulumi.<machine>.yaml; no secrets, no Pulumi), as a deploy does, and reports the
 * hardening of its rendered containers: the same checks a deploy runs before it creates anything.
 */
export function planHardening(plan: DeploymentPlan, projectDir: string): HardeningSummary {
  return hardeningSummary(prepareProjectMachine(projectDir, plan.machine, plan.config.configRoot, { plan }));
}

export function hardeningFailed(summary: HardeningSummary): boolean {
  return summary.kind === "reports" && summary.reports.some((r) => r.failures.length > 0);
}
