import { MACHINES } from "../config/machine";
import { ordinal } from "../config/ordinal";
import { INFRASTRUCTURE_PORTS } from "../plan/infrastructurePorts";
import { DeploymentPlan } from "../plan/deploymentPlan";
import { groupContainerName, NATS_CONTAINER_NAME } from "../render/names";
import { LAUNCHER_IMAGE_PATH } from "../launcher/launcherContract";
import { code, codeList, table } from "./markdown";
import { ReportInput } from "./reportInput";

/** How health is checked and what each container's health gates. */
export function healthSection(input: ReportInput): string[] {
  return [
    "## Health checks",
    "",
    "The group launcher in each container finds the TCP ports each agent really listens on (from /proc) and which of them answers `GET /health`; the config's ports are only hints (the user's BaseAgent serves HTTP on port + 2, and many scripts ignore the configured ports). A container's Docker healthcheck asks the launcher and passes only when every gating agent is healthy: the required agents and those an agent in another container depends on (stack setting `healthGate`). Optional agents that crash are restarted with back-off and never make the container unhealthy. `pulumi up` waits for a container to be healthy before it creates the containers that wait for it, wave by wave. NATS is healthy when `/healthz` on its monitoring port answers; Redis when `redis-cli ping` answers PONG. Timings are stack settings: `healthcheckIntervalSeconds`, `healthcheckTimeoutSeconds`, `healthcheckRetries`, `healthcheckStartPeriodSeconds`, and `waitTimeout` for how long `pulumi up` waits.",
    "",
    ...MACHINES.flatMap((m) => hostHealth(input.plans[m])),
  ];
}

function hostHealth(plan: DeploymentPlan): string[] {
  const out = [`### ${plan.machine}`, ""];
  if (plan.containers.length === 0) return [...out, `No container plan for ${plan.machine}, so no container healthchecks.`, ""];
  const gates = new Map<string, string[]>();
  for (const c of plan.containers) for (const d of c.dependsOn) gates.set(d, [...(gates.get(d) ?? []), c.name]);
  const rows = plan.containers.map((c) => [
    String(c.wave),
    code(c.name),
    codeList([...c.gatingAgents], "none (healthy once its launcher answers)"),
    codeList((gates.get(c.name) ?? []).sort(ordinal)),
  ]);
  const first = plan.containers[0]!;
  out.push(table(["Wave", "Container", "Healthy when these agents are", "Gates (start after it is healthy)"], rows, ["right", "left", "left", "left"]), "");
  out.push("Check by hand on the host:", "", "```sh");
  out.push(`docker inspect --format '{{.State.Health.Status}}' ${groupContainerName(first.name)}`);
  out.push(`docker exec ${groupContainerName(first.name)} python3 ${LAUNCHER_IMAGE_PATH} status`);
  out.push(`docker exec ${NATS_CONTAINER_NAME} wget -qO- http://127.0.0.1:${INFRASTRUCTURE_PORTS.natsMonitoring}/healthz`, "```", "");
  return out;
}
