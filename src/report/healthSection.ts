import { MACHINES } from "../config/machine";
import { ordinal } from "../config/ordinal";
import { INFRASTRUCTURE_PORTS } from "../plan/infrastructurePorts";
import { DeploymentPlan } from "../plan/deploymentPlan";
import { groupContainerName, NATS_CONTAINER_NAME } from "../render/names";
import { code, codeList, table } from "./markdown";
import { ReportInput } from "./reportInput";

/** How health is checked and what each container's health gates. */
export function healthSection(input: ReportInput): string[] {
  return [
    "## Health checks",
    "",
    "Every agent serves `GET /health` (200 and a JSON status) and `GET /metrics` on its HTTP port, health_check_port + 1, inside its container. A container's Docker healthcheck passes only when every agent in it answers `/health` with a 2xx, and `pulumi up` waits for a container to be healthy before it creates the containers that wait for it, wave by wave. NATS is healthy when `/healthz` on its monitoring port answers; Redis when `redis-cli ping` answers PONG. Timings are stack settings: `healthcheckIntervalSeconds`, `healthcheckTimeoutSeconds`, `healthcheckRetries`, `healthcheckStartPeriodSeconds`, and `waitTimeout` for how long `pulumi up` waits.",
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
    [...new Set(c.agents.map((a) => a.httpHealthPort))].sort((a, b) => a - b).join(", ") || "no agents",
    codeList((gates.get(c.name) ?? []).sort(ordinal)),
  ]);
  const first = plan.containers[0]!;
  const probe = first.agents[0];
  out.push(table(["Wave", "Container", "Healthy when /health answers on ports", "Gates (start after it is healthy)"], rows, ["right", "left", "left", "left"]), "");
  out.push("Check by hand on the host:", "", "```sh");
  out.push(`docker inspect --format '{{.State.Health.Status}}' ${groupContainerName(first.name)}`);
  if (probe) {
    out.push(`docker exec ${groupContainerName(first.name)} python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:${probe.httpHealthPort}/health').read().decode())"`);
  }
  out.push(`docker exec ${NATS_CONTAINER_NAME} wget -qO- http://127.0.0.1:${INFRASTRUCTURE_PORTS.natsMonitoring}/healthz`, "```", "");
  return out;
}
