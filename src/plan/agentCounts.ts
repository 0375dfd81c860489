import { otherMachine } from "../config/machine";
import { DeploymentPlan } from "./deploymentPlan";

export interface AgentCounts {
  readonly mainpc: number;
  readonly pc2: number;
  /** Distinct agent names over both machines: an agent configured on both counts once. */
  readonly distinct: number;
  /** Agents configured on both machines (each runs twice, once per host); sorted. */
  readonly shared: readonly string[];
}

export function agentCounts(plan: DeploymentPlan): AgentCounts {
  const own = new Set(plan.agents.map((a) => a.name));
  const peer = new Set(plan.peerAgents.map((a) => a.name));
  const shared = [...own].filter((n) => peer.has(n)).sort();
  const n = { [plan.machine]: own.size, [otherMachine(plan.machine)]: peer.size } as Record<"mainpc" | "pc2", number>;
  return { mainpc: n.mainpc, pc2: n.pc2, distinct: new Set([...own, ...peer]).size, shared };
}

export function agentCountsText(plan: DeploymentPlan): string {
  const c = agentCounts(plan);
  const peer = otherMachine(plan.machine);
  const sharedText = c.shared.length === 0 ? "none on both machines" : `${c.shared.length} of them configured on both machines (counted once)`;
  return `${plan.agents.length} on ${plan.machine}, ${plan.peerAgents.length} on ${peer}; ${c.distinct} distinct agents, ${sharedText}`;
}
