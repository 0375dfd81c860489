import { ordinal } from "../config/ordinal";
import { AgentSpec } from "../config/effectiveConfig";
import { Finding, finding } from "../config/finding";
import { Machine } from "../config/machine";
import { CrossMachineDependency } from "./deploymentPlan";
import { findCycles } from "./graph";

export interface DependencyCheck {
  readonly findings: Finding[];
  readonly crossMachine: CrossMachineDependency[];
}

/**
 * Every dependency must name an agent of this machine or of the peer. Cross-machine
 * dependencies are allowed and listed; they cannot gate startup, since each host is its own
 * stack. Cycles among this machine's agents are errors: no agent in one can start first.
 */
export function checkAgentDependencies(machine: Machine, agents: readonly AgentSpec[], peer: readonly AgentSpec[], peerMachine: Machine): DependencyCheck {
  const findings: Finding[] = [];
  const crossMachine: CrossMachineDependency[] = [];
  const local = new Map(agents.map((a) => [a.name, a]));
  const remote = new Set(peer.map((a) => a.name));
  const graph = new Map<string, string[]>();
  for (const agent of agents) {
    const edges: string[] = [];
    for (const dependency of agent.dependencies) {
      if (local.has(dependency)) {
        edges.push(dependency);
      } else if (remote.has(dependency)) {
        crossMachine.push({ agent: agent.name, dependency, machine: peerMachine });
        findings.push(
          finding(
            "info",
            "cross-machine-dependency",
            `${agent.name} depends on ${dependency}, which runs on ${peerMachine}; startup cannot wait for it, so ${agent.name} must retry until ${peerMachine} is up`,
            agent.source,
          ),
        );
      } else {
        findings.push(
          finding(
            "error",
            "unknown-dependency",
            `${agent.name} depends on ${dependency}, which neither ${machine} nor ${peerMachine} runs; add ${dependency} or remove it from ${agent.name}'s dependencies`,
            agent.source,
          ),
        );
      }
    }
    graph.set(agent.name, edges);
  }
  for (const cycle of findCycles(graph)) {
    findings.push(
      finding(
        "error",
        "dependency-cycle",
        `dependency cycle ${cycle.join(" -> ")}: none of these agents can start first; remove one of these dependencies`,
        local.get(cycle[0]!)!.source,
      ),
    );
  }
  return { findings, crossMachine: crossMachine.sort((a, b) => ordinal(a.agent, b.agent) || ordinal(a.dependency, b.dependency)) };
}
