import { otherMachine } from "../config/machine";
import { ContainerPlan, DeploymentPlan } from "../plan/deploymentPlan";
import { ordinal, sortedUnique } from "../config/ordinal";
import { NetworkSettings } from "./deploymentSettings";
import { agentHostName, machineAgentHostName } from "./names";
import { HostEntry } from "./spec";

/** `<name>` and `<machine>-<name>` (lower-cased) for every agent the container runs; sorted. */
export function renderAgentAliases(plan: DeploymentPlan, container: ContainerPlan): string[] {
  return sortedUnique(container.agents.flatMap((a) => [agentHostName(a.name), machineAgentHostName(plan.machine, a.name)]));
}

/**
 * /etc/hosts entries that send the other machine's agents to its LAN address: always as
 * `<peer>-<name>`, and as the bare `<name>` unless an agent of this machine has that name (then
 * the bare name must stay with the local container's network alias). Sorted by host.
 */
export function renderPeerHostEntries(plan: DeploymentPlan, settings: NetworkSettings): HostEntry[] {
  const peer = otherMachine(plan.machine);
  const ip = settings.lanIps[peer];
  const local = new Set(plan.agents.map((a) => agentHostName(a.name)));
  const hosts = new Set<string>();
  for (const agent of plan.peerAgents) {
    hosts.add(machineAgentHostName(peer, agent.name));
    const bare = agentHostName(agent.name);
    if (!local.has(bare)) hosts.add(bare);
  }
  return [...hosts].sort(ordinal).map((host) => ({ host, ip }));
}
