import { Machine, MACHINES, otherMachine } from "../config/machine";
import { ordinal } from "../config/ordinal";
import { INFRASTRUCTURE_PORTS } from "../plan/infrastructurePorts";
import { DeploymentPlan } from "../plan/deploymentPlan";
import { natsLeafRole } from "../render/natsServer";
import { agentHostName, machineAgentHostName } from "../render/names";
import { code, codeList, table, text } from "./markdown";
import { ReportInput } from "./reportInput";

/** What crosses the LAN between the hosts: infrastructure ports, agent ports, names, dependencies. */
export function networkSection(input: ReportInput): string[] {
  const { plans } = input;
  return [
    "## Cross-host communication",
    "",
    "Each host runs its own NATS (JetStream) and Redis on its Docker network. The NATS servers are joined by one leaf-node connection, so error subjects (`errors.>`) published on either host reach subscribers on both.",
    "",
    "### Infrastructure ports",
    "",
    table(["Host", "Service", "Port", "Reached as", "Used by"], MACHINES.flatMap((m) => infrastructureRows(m)), ["left", "left", "right", "left", "left"]),
    "",
    `NATS monitoring (${INFRASTRUCTURE_PORTS.natsMonitoring}, ${code("/healthz")}) is not published: it has no authentication.`,
    "",
    "### Published agent ports",
    "",
    "An agent's port and health_check_port are published on its host's LAN address only when an agent of the other host depends on it, or its docker group's `publish` names it (`publish: true`: all of the group's agents); the HTTP health port stays inside the Docker network. NATS's client port 4222 and Redis 6379 are published only with the stack setting publishServices. Moving an agent with a published port to another group: stop its old container first (`docker stop ai-system-<old group>`), or Docker refuses the new one with \"port is already allocated\".",
    "",
    ...MACHINES.flatMap((m) => publishedPorts(plans[m])),
    "### Names",
    "",
    "In Docker mode an agent finds a peer by DNS as `<machine>-<name lower-cased>` or `<name lower-cased>`. Each container has both names of each of its agents as network aliases; the other host's agents are /etc/hosts entries pointing at that host's LAN address (the bare name only where no local agent has it).",
    "",
    ...MACHINES.flatMap((m) => agentNames(plans[m])),
    "### Dependencies across hosts",
    "",
    ...crossHostDependencies(input),
  ];
}

function infrastructureRows(machine: Machine): string[][] {
  const ports = INFRASTRUCTURE_PORTS;
  const peer = otherMachine(machine);
  const rows = [[machine, "NATS client", String(ports.natsClient), code(`nats:${ports.natsClient}`), `agents of ${machine}`]];
  if (natsLeafRole(machine) === "hub") {
    rows.push([machine, "NATS leaf node", String(ports.natsLeafnode), `${machine}'s LAN address`, `${peer}'s NATS server, which dials it`]);
  }
  rows.push([machine, "Redis", String(ports.redis), code(`redis:${ports.redis}`), `agents of ${machine} (${code(`REDIS_URL=redis://redis:${ports.redis}/0`)})`]);
  return rows;
}

function publishedPorts(plan: DeploymentPlan): string[] {
  if (plan.containers.length === 0) return [`${plan.machine}: no container plan, so no agent port is published.`, ""];
  return [
    `${plan.machine}:`,
    "",
    table(["Container", "Published ports"], plan.containers.map((c) => [code(c.name), c.publishedPorts.length === 0 ? "none" : c.publishedPorts.join(", ")]), ["left", "left"]),
    "",
  ];
}

function agentNames(plan: DeploymentPlan): string[] {
  const peer = otherMachine(plan.machine);
  const peerBare = new Set(plan.peerAgents.map((a) => agentHostName(a.name)));
  const container = new Map(plan.containers.flatMap((c) => c.agents.map((a) => [a.name, c.name] as const)));
  const rows = plan.agents.map((a) => {
    const fromPeer = [machineAgentHostName(plan.machine, a.name), ...(peerBare.has(agentHostName(a.name)) ? [] : [agentHostName(a.name)])];
    const home = container.get(a.name);
    return [
      text(a.name),
      home ? code(home) : "-",
      home ? codeList([machineAgentHostName(plan.machine, a.name), agentHostName(a.name)]) : "-",
      codeList(fromPeer),
      `${a.port}, ${a.healthCheckPort}`,
    ];
  });
  return [
    `${plan.machine}:`,
    "",
    table(["Agent", "Container", `Aliases on ${plan.machine}'s network`, `Names on ${peer} (to ${plan.machine}'s LAN address)`, "Ports over the LAN"], rows),
    "",
  ];
}

function crossHostDependencies(input: ReportInput): string[] {
  const rows = MACHINES.flatMap((m) =>
    input.plans[m].crossMachineDependencies.map((d) => [text(d.agent), m, text(d.dependency), d.machine]),
  ).sort((a, b) => ordinal(a[1]!, b[1]!) || ordinal(a[0]!, b[0]!) || ordinal(a[2]!, b[2]!));
  if (rows.length === 0) return ["No agent depends on an agent of the other host.", ""];
  return [
    "These agents need the other host up; their host's startup order cannot wait for it, so they must retry until the peer answers.",
    "",
    table(["Agent", "Host", "Depends on", "Which runs on"], rows),
    "",
  ];
}
