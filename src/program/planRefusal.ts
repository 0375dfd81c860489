import { Finding, formatFindings, hasErrors } from "../config/finding";
import { DeploymentPlan } from "../plan/deploymentPlan";

/** A headline followed by the findings, one per line, as `formatFinding` prints them (at most REPORTED_FINDINGS_CAP). */
export function formatRefusal(headline: string, findings: readonly Finding[]): string {
  return [headline, ...formatFindings(findings)].join("\n");
}

/**
 * Why a plan must not be deployed, or null when it may be: any error finding, or no container
 * at all (an empty stack would tear down whatever the last deploy created).
 */
export function planRefusal(plan: DeploymentPlan): string | null {
  if (hasErrors(plan.findings)) {
    const errors = plan.findings.filter((f) => f.severity === "error").length;
    return formatRefusal(
      `The ${plan.machine} plan has ${errors} error${errors === 1 ? "" : "s"}; nothing was deployed. Fix these and run again:`,
      plan.findings,
    );
  }
  if (plan.containers.length === 0) {
    return formatRefusal(
      `The ${plan.machine} plan has no containers, so nothing was deployed: add docker_groups.${plan.machine} to the config (usually config/overrides/docker.yaml).`,
      plan.findings,
    );
  }
  return null;
}
