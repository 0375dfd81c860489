import { AgentSpec } from "../config/effectiveConfig";
import { ordinal } from "../config/ordinal";

/**
 * Which agents a container's health waits for (stack setting `healthGate`):
 * - `dependencies` (default): the required agents, and every agent that an agent in another
 *   container (on either machine) depends on, since that one cannot work without it;
 * - `required`: the required agents only;
 * - `none`: no agent; the container is healthy as soon as its launcher answers, so everything
 *   is created without waiting (for bringing up a broken system to look at it).
 * Optional agents that nobody elsewhere needs never gate: they are restarted with back-off.
 */
export const HEALTH_GATES = ["dependencies", "required", "none"] as const;
export type HealthGate = (typeof HEALTH_GATES)[number];
export const DEFAULT_HEALTH_GATE: HealthGate = "dependencies";

/** The names of `members` that gate their container, sorted. `everyone` is every agent of both machines, placed or not. */
export function gatingAgents(gate: HealthGate, members: readonly AgentSpec[], everyone: readonly AgentSpec[]): string[] {
  return members
    .filter((a) => gateReasons(gate, a, members, everyone).length > 0)
    .map((a) => a.name)
    .sort(ordinal);
}

/**
 * Why `agent` (one of `members`) gates their container, the one rule behind `gatingAgents`:
 * `required` first, then each agent outside `members` that depends on it (`machine/name` when on
 * the other machine), sorted; empty when it does not gate. Preflight says these in its findings.
 */
export function gateReasons(gate: HealthGate, agent: AgentSpec, members: readonly AgentSpec[], everyone: readonly AgentSpec[]): string[] {
  if (gate === "none") return [];
  const key = (a: AgentSpec): string => `${a.machine}/${a.name}`;
  const inside = new Set(members.map(key));
  const dependents: string[] = [];
  if (gate === "dependencies") {
    for (const other of everyone) {
      if (inside.has(key(other)) || !other.dependencies.includes(agent.name)) continue;
      // A name means the agent on the dependent's own machine first, then the other one.
      const target = everyone.find((a) => a.name === agent.name && a.machine === other.machine) ?? everyone.find((a) => a.name === agent.name);
      if (target !== undefined && key(target) === key(agent)) dependents.push(other.machine === agent.machine ? other.name : key(other));
    }
  }
  return [...(agent.required ? ["required"] : []), ...[...new Set(dependents)].sort(ordinal)];
}
