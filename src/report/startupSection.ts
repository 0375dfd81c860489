import { MACHINES } from "../config/machine";
import { ordinal } from "../config/ordinal";
import { DeploymentPlan } from "../plan/deploymentPlan";
import { code, codeList, table } from "./markdown";
import { startupFlowchart } from "./mermaid";
import { ReportInput } from "./reportInput";

/** Per host: the health-gated waves as a table and as a Mermaid flowchart. */
export function startupSection(input: ReportInput): string[] {
  return [
    "## Startup order",
    "",
    "Containers start in health-gated waves: a container starts once every container it waits for is healthy (an agent in it depends on an agent there). NATS and Redis start first: every agent container also waits for both to be healthy. An arrow points from a container to the containers that wait for it.",
    "",
    ...MACHINES.flatMap((m) => hostStartup(input.plans[m])),
  ];
}

/** One row per wave: its containers and everything they wait for. */
export function waveRows(plan: DeploymentPlan): string[][] {
  const rows: string[][] = [];
  for (let wave = 1; wave <= plan.waves; wave++) {
    const members = plan.containers.filter((c) => c.wave === wave);
    const waitsFor = [...new Set(members.flatMap((c) => c.dependsOn))].sort(ordinal);
    rows.push([String(wave), codeList(members.map((c) => c.name)), codeList(waitsFor, "NATS and Redis only")]);
  }
  return rows;
}

function hostStartup(plan: DeploymentPlan): string[] {
  const out = [`### ${plan.machine}: ${plan.waves} wave${plan.waves === 1 ? "" : "s"}`, ""];
  const chart = startupFlowchart(plan);
  if (chart === null) {
    out.push(`No container plan for ${plan.machine}, so no startup order (add ${code(`docker_groups.${plan.machine}`)}).`, "");
    return out;
  }
  out.push(table(["Wave", "Containers", "Waits for"], waveRows(plan), ["right", "left", "left"]), "", "```mermaid", chart, "```", "");
  return out;
}
