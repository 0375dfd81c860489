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
 * Who depends on each name, and where a name leads, over `everyone` (both machines). Built once
 * per list: gateReasons runs for every agent of a plan, and scanning `everyone` each time made a
 * 5,000-agent plan quadratic (about 30 s, bench).
 */
interface GateIndex {
  /** Agents whose dependencies name it, in `everyone` order. */
  readonly dependentsOf: ReadonlyMap<string, readonly AgentSpec[]>;
  /** The first agent of a name on a machine (`machine/name`), and the first of a name anywhere. */
  readonly byMachineName: ReadonlyMap<string, AgentSpec>;
  readonly byName: ReadonlyMap<string, AgentSpec>;
}

const key = (a: AgentSpec): string => `${a.machine}/${a.name}`;
const indexes = new WeakMap<readonly AgentSpec[], GateIndex>();
const memberKeys = new WeakMap<readonly AgentSpec[], ReadonlySet<string>>();

function gateIndex(everyone: readonly AgentSpec[]): GateIndex {
  let index = indexes.get(everyone);
  if (index !== undefined) return index;
  const dependentsOf = new Map<string, AgentSpec[]>();
  const byMachineName = new Map<string, AgentSpec>();
  const byName = new Map<string, AgentSpec>();
  for (const a of everyone) {
    if (!byMachineName.has(key(a))) byMachineName.set(key(a), a);
    if (!byName.has(a.name)) byName.set(a.name, a);
    for (const name of new Set(a.dependencies)) {
      const list = dependentsOf.get(name);
      if (list === undefined) dependentsOf.set(name, [a]);
      else list.push(a);
    }
  }
  index = { dependentsOf, byMachineName, byName };
  indexes.set(everyone, index);
  return index;
}

function keysOf(members: readonly AgentSpec[]): ReadonlySet<string> {
  let keys = memberKeys.get(members);
  if (keys === undefined) {
    keys = new Set(members.map(key));
    memberKeys.set(members, keys);
  }
  return keys;
}

/**
 * Why `agent` (one of `members`) gates their container, the one rule behind `gatingAgents`:
 * `required` first, then each agent outside `members` that depends on it (`machine/name` when on
 * the other machine), sorted; empty when it does not gate. Preflight says these in its findings.
 * The lists are read, never changed, so their indexes are kept with them.
 */
export function gateReasons(gate: HealthGate, agent: AgentSpec, members: readonly AgentSpec[], everyone: readonly AgentSpec[]): string[] {
  if (gate === "none") return [];
  const dependents: string[] = [];
  if (gate === "dependencies") {
    const inside = keysOf(members);
    const { dependentsOf, byMachineName, byName } = gateIndex(everyone);
    for (const other of dependentsOf.get(agent.name) ?? []) {
      if (inside.has(key(other))) continue;
      // A name means the agent on the dependent's own machine first, then the other one.
      const target = byMachineName.get(`${other.machine}/${agent.name}`) ?? byName.get(agent.name);
      if (target !== undefined && key(target) === key(agent)) dependents.push(other.machine === agent.machine ? other.name : key(other));
    }
  }
  return [...(agent.required ? ["required"] : []), ...[...new Set(dependents)].sort(ordinal)];
}
