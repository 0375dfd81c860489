import { DeploymentPlan } from "./deploymentPlan";

/** The lines every output leads with: whether the agents' code can start, and what that blocks. */
export function preflightSummary(plan: DeploymentPlan): string[] {
  const p = plan.preflight;
  if (p.skipped !== null) return [`Preflight: not run: ${p.skipped}`];
  const total = p.agents.length;
  const byImport = p.agents.filter((a) => a.problem?.code === "broken-import").length;
  const gating = p.agents.filter((a) => a.readiness !== "ready" && a.gates.length > 0).length;
  const out = [
    `Preflight (scripts exist in the config root and compile as Python 3.11, with every monorepo module they import at start-up): ` +
      `${p.counts.ready} of ${total} ${plan.machine} agents ready, ${p.counts.missing} missing scripts, ${p.counts.broken} broken ` +
      `(${p.counts.broken - byImport} do not compile, ${byImport} import a module that does not); ${gating} of those gate a container`,
  ];
  if (plan.containers.length === 0) {
    out.push("  No container plan yet (docker_groups): start there; per-container consequences follow once it exists");
  } else {
    out.push(`  Containers that can never become healthy: ${p.neverHealthy.join(", ") || "none"}`);
    out.push(`  Waves never created: ${p.wavesNeverCreated.join(", ") || "none"} (of ${plan.waves})`);
  }
  return out;
}
