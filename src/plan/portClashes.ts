import { ordinal } from "../config/ordinal";
import { AgentSpec } from "../config/effectiveConfig";
import { Finding, finding } from "../config/finding";

/** The three ports the base agent class binds (see the agent-runtime contract). */
export type PortRole = "port" | "health_check_port" | "HTTP health port";

export interface PortBinding {
  readonly port: number;
  readonly role: PortRole;
  readonly agent: AgentSpec;
}

export function agentBindings(agent: AgentSpec): PortBinding[] {
  return [
    { port: agent.port, role: "port", agent },
    { port: agent.healthCheckPort, role: "health_check_port", agent },
    { port: agent.httpHealthPort, role: "HTTP health port", agent },
  ];
}

/** A set of agents that share one network namespace: a container, or a whole machine. */
export interface Namespace {
  /** For messages: "container core-platform" or "mainpc (one namespace until containers are planned)". */
  readonly description: string;
  readonly agents: readonly AgentSpec[];
}

/**
 * `port-clash`: two bindings of one port inside one namespace. Each clash is reported once, at
 * the agent that comes later in name order, naming every binding involved.
 */
export function findPortClashes(namespace: Namespace): Finding[] {
  const byPort = new Map<number, PortBinding[]>();
  for (const agent of namespace.agents) {
    for (const binding of agentBindings(agent)) byPort.set(binding.port, [...(byPort.get(binding.port) ?? []), binding]);
  }
  const findings: Finding[] = [];
  for (const [port, bindings] of [...byPort].sort((a, b) => a[0] - b[0])) {
    if (bindings.length < 2) continue;
    const sorted = [...bindings].sort((a, b) => ordinal(a.agent.name, b.agent.name));
    const last = sorted[sorted.length - 1]!;
    findings.push(
      finding(
        "error",
        "port-clash",
        `port ${port} is bound ${bindings.length} times in ${namespace.description}: ${sorted.map(describeBinding).join(", ")}; give ${last.agent.name} a free port (each agent binds port, health_check_port and health_check_port + 1)`,
        last.agent.source,
      ),
    );
  }
  return findings;
}

export function describeBinding(binding: PortBinding): string {
  return `${binding.agent.name}'s ${binding.role}`;
}
