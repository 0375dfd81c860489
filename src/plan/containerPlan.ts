import { appendAll } from "../config/appendAll";
import { ordinal } from "../config/ordinal";
import { AgentSpec, DockerGroupSpec } from "../config/effectiveConfig";
import { Finding, finding } from "../config/finding";
import { Machine } from "../config/machine";
import { SourceLocation } from "../config/sourceLocation";
import { ContainerPlan, VramBudget } from "./deploymentPlan";
import { findCycles, longestPathLength, startupWaves } from "./graph";
import { PUBLISHED_INFRASTRUCTURE_PORTS } from "./infrastructurePorts";
import { DEFAULT_HEALTH_GATE, gatingAgents, HealthGate } from "./healthGate";
import { findPortClashes } from "./portClashes";

export interface ContainerPlanInput {
  readonly machine: Machine;
  readonly groups: readonly DockerGroupSpec[];
  readonly agents: readonly AgentSpec[];
  readonly peerAgents: readonly AgentSpec[];
  /** Which agents gate their container's health; `dependencies` when not given. */
  readonly healthGate?: HealthGate;
  readonly vram: { readonly capacityMb: number; readonly headroomMb: number; readonly allowOvercommit: boolean; readonly capacitySource: SourceLocation };
  /** Agents whose code imports a sound library (src/requirements/soundAgents.ts). */
  readonly soundAgents?: ReadonlySet<string>;
}

export interface ContainerPlanResult {
  readonly containers: ContainerPlan[];
  readonly waves: number;
  readonly longestPath: number;
  readonly vram: VramBudget;
  readonly findings: Finding[];
}

/**
 * Turns docker groups into containers: places every agent exactly once, orders containers
 * into health-gated waves (B waits for A when an agent of B depends on one of A), and checks
 * VRAM, ports inside each container and ports published on the host.
 */
export function planContainers(input: ContainerPlanInput): ContainerPlanResult {
  const { machine } = input;
  const findings: Finding[] = [];
  const agentsByName = new Map(input.agents.map((a) => [a.name, a]));
  const peerNames = new Set(input.peerAgents.map((a) => a.name));
  const home = new Map<string, DockerGroupSpec>();
  const members = new Map<string, AgentSpec[]>(input.groups.map((g) => [g.name, []]));

  for (const group of input.groups) {
    group.agents.forEach((name, i) => {
      const at = group.agentSources[i] ?? group.source;
      const agent = agentsByName.get(name);
      if (!agent) {
        const where = peerNames.has(name) ? `${name} runs on the other machine, not ${machine}` : `${machine} runs no agent named ${name}`;
        findings.push(finding("error", "unknown-agent-in-group", `docker group ${group.name} lists ${name}, but ${where}; remove it or fix the name`, at));
        return;
      }
      const first = home.get(name);
      if (first) {
        findings.push(
          finding("error", "duplicate-assignment", `${name} is placed in docker groups ${first.name} and ${group.name}; an agent runs in exactly one container, remove one`, at),
        );
        return;
      }
      home.set(name, group);
      members.get(group.name)!.push(agent);
    });
  }
  for (const agent of input.agents) {
    if (!home.has(agent.name)) {
      findings.push(
        finding("error", "unassigned-agent", `${agent.name} (${machine}) is in no docker group, so it would not run; add it to the agents of one group under docker_groups.${machine}`, agent.source),
      );
    }
  }

  // Container graph: which containers each container waits for, and the agent edges behind it.
  const graph = new Map<string, string[]>();
  const reasons = new Map<string, string[]>();
  for (const group of input.groups) {
    const waitsFor = new Set<string>();
    for (const agent of members.get(group.name)!) {
      for (const dependency of agent.dependencies) {
        const target = home.get(dependency);
        if (!target || target.name === group.name) continue;
        waitsFor.add(target.name);
        const key = `${group.name}->${target.name}`;
        reasons.set(key, [...(reasons.get(key) ?? []), `${agent.name} (in ${group.name}) depends on ${dependency} (in ${target.name})`]);
      }
    }
    graph.set(group.name, [...waitsFor].sort());
  }
  for (const cycle of findCycles(graph)) {
    const why = cycle.slice(0, -1).flatMap((from, i) => reasons.get(`${from}->${cycle[i + 1]}`) ?? []);
    findings.push(
      finding(
        "error",
        "group-cycle",
        `docker groups ${cycle.join(" -> ")} wait for each other: ${why.join("; ")}; move one of these agents so the groups no longer depend on each other`,
        input.groups.find((g) => g.name === cycle[0])!.source,
      ),
    );
  }
  const waveOf = startupWaves(graph);
  const waves = Math.max(0, ...waveOf.values());
  const longestPath = longestPathLength(graph) ?? waves;

  // Published: what an agent on the other host depends on, and what a group's `publish` asks for.
  // A peer's dependency on a name it runs itself (each host has its own ObservabilityHub) stays there.
  const peerNeeds = new Set(input.peerAgents.flatMap((a) => a.dependencies).filter((d) => !peerNames.has(d)));
  for (const group of input.groups) {
    if (group.publish === "all") continue;
    for (const name of group.publish) {
      if (!members.get(group.name)!.some((a) => a.name === name)) {
        findings.push(
          finding("error", "invalid-value", `docker group ${group.name} publishes ${name}, which is not one of its agents; list agents of docker_groups.${machine}.${group.writtenAs ?? group.name}.agents, or write publish: true`, group.source),
        );
      }
    }
  }
  const everyone = [...input.agents, ...input.peerAgents];
  const containers: ContainerPlan[] = input.groups
    .map((group) => {
      const agents = [...members.get(group.name)!].sort((a, b) => ordinal(a.name, b.name));
      const published = agents.filter((a) => peerNeeds.has(a.name) || group.publish === "all" || group.publish.includes(a.name));
      return {
        name: group.name,
        machine,
        agents,
        gpu: group.gpu,
        cpus: group.cpus,
        memoryMb: group.memoryMb,
        shmMb: group.shmMb,
        image: group.image,
        command: group.command,
        dependsOn: graph.get(group.name)!,
        wave: waveOf.get(group.name)!,
        gatingAgents: gatingAgents(input.healthGate ?? DEFAULT_HEALTH_GATE, agents, everyone),
        publishedPorts: published.flatMap((a) => [a.port, a.healthCheckPort]).sort((x, y) => x - y),
        audioAgents: agents.filter((a) => group.audio || (input.soundAgents?.has(a.name) ?? false)).map((a) => a.name),
        source: group.source,
      };
    })
    .sort((a, b) => a.wave - b.wave || ordinal(a.name, b.name));

  for (const container of containers) {
    appendAll(findings, findPortClashes({ description: `container ${container.name}`, agents: container.agents }));
  }
  appendAll(findings, findHostPortClashes(machine, containers));

  // The user's own groups say GPU in their names (`vision_dream_gpu`) without a `gpu:` setting.
  for (const group of input.groups) {
    const written = group.writtenAs ?? group.name;
    if (group.gpu === null && written.split(/[-_]/).includes("gpu")) {
      findings.push(
        finding(
          "warning",
          "cpu-only-group",
          `docker group ${written} has no gpu: setting, so container ${group.name} runs on CPU only although its name says GPU; add gpu: {vram_mb: <MiB>, device_ids: ["0"]} if its agents need the GPU`,
          group.source,
        ),
      );
    }
  }

  const allocatedMb = containers.reduce((sum, c) => sum + (c.gpu?.vramMb ?? 0), 0);
  const { capacityMb, headroomMb, allowOvercommit } = input.vram;
  const usable = capacityMb - headroomMb;
  if (allocatedMb > usable) {
    const table = containers.filter((c) => c.gpu).map((c) => `${c.name} ${c.gpu!.vramMb}`).join(", ");
    findings.push(
      finding(
        allowOvercommit ? "warning" : "error",
        "vram-over-capacity",
        `GPU groups on ${machine} ask for ${allocatedMb} MiB (${table}) but ${usable} MiB is usable (${capacityMb} MiB capacity - ${headroomMb} MiB headroom); ` +
          (allowOvercommit ? "over-commit is allowed, so agents may fail to load models" : "lower vram_mb of some groups, or set docker_defaults.allow_vram_overcommit: true to accept the risk"),
        input.groups.find((g) => g.gpu)?.source ?? input.vram.capacitySource,
      ),
    );
  }
  return { containers, waves, longestPath, vram: { capacityMb, headroomMb, allocatedMb, allowOvercommit }, findings };
}

/**
 * `host-port-clash`: ports published on one host by different containers, or by an agent and
 * the host's NATS or Redis. Clashes inside one container are `port-clash` already.
 */
function findHostPortClashes(machine: Machine, containers: readonly ContainerPlan[]): Finding[] {
  const owners = new Map<number, { owner: string; container: string | null }[]>();
  for (const infra of PUBLISHED_INFRASTRUCTURE_PORTS) owners.set(infra.port, [{ owner: infra.owner, container: null }]);
  const findings: Finding[] = [];
  for (const container of containers) {
    for (const agent of container.agents) {
      for (const [port, role] of [
        [agent.port, "port"],
        [agent.healthCheckPort, "health_check_port"],
      ] as const) {
        // Ports that stay on the container's own network namespace cannot clash on the host.
        if (!container.publishedPorts.includes(port)) continue;
        const others = (owners.get(port) ?? []).filter((o) => o.container !== container.name);
        if (others.length > 0) {
          findings.push(
            finding(
              "error",
              "host-port-clash",
              `${machine} host port ${port} is published twice: ${agent.name}'s ${role} (container ${container.name}) and ${others.map((o) => o.owner).join(", ")}; give ${agent.name} a free ${role}`,
              agent.source,
            ),
          );
        }
        owners.set(port, [...(owners.get(port) ?? []), { owner: `${agent.name}'s ${role} (container ${container.name})`, container: container.name }]);
      }
    }
  }
  return findings;
}
