import { AgentSpec, EffectiveConfig, GpuRequest } from "../config/effectiveConfig";
import { Finding } from "../config/finding";
import { Machine } from "../config/machine";
import { SourceLocation } from "../config/sourceLocation";
import type { HostPlatform } from "../render/hostPlatform";
import type { MemoryBudget } from "./hostChecks";
import type { Preflight } from "./preflight";

/** One container: a docker group with its agents resolved and its place in the startup order. */
export interface ContainerPlan {
  /** The docker group name, e.g. `core-platform`; unique per machine. */
  readonly name: string;
  readonly machine: Machine;
  /** Sorted by name. */
  readonly agents: readonly AgentSpec[];
  readonly gpu: GpuRequest | null;
  readonly cpus: number;
  readonly memoryMb: number;
  readonly shmMb: number;
  readonly image: string;
  readonly command: readonly string[] | null;
  /** Containers on the same machine that must be healthy first; sorted. */
  readonly dependsOn: readonly string[];
  /** 1-based health-gated step; a container's wave is 1 + the highest wave it depends on. */
  readonly wave: number;
  /** The agents whose health the container's health waits for (see healthGate.ts); sorted. */
  readonly gatingAgents: readonly string[];
  /** Host ports this container publishes (`port` and `healthCheckPort` of the agents another host depends on or `publish` names); sorted. */
  readonly publishedPorts: readonly number[];
  /** Agents that need the host's microphone and speakers (`audio: true`, or their code imports a sound library); sorted. */
  readonly audioAgents: readonly string[];
  readonly source: SourceLocation;
}

export interface CrossMachineDependency {
  readonly agent: string;
  readonly dependency: string;
  /** The machine that runs the dependency. */
  readonly machine: Machine;
}

export interface LegacyComparison {
  /** Config-root-relative legacy file compared against. */
  readonly file: string;
  /** Agents of the legacy file that the effective v3 view of this machine lacks; sorted. */
  readonly missingFromV3: readonly string[];
  /** Agents of the effective v3 view of this machine that the legacy file lacks; sorted. */
  readonly notInLegacy: readonly string[];
  readonly legacyCount: number;
}

export interface VramBudget {
  readonly capacityMb: number;
  readonly headroomMb: number;
  readonly allocatedMb: number;
  readonly allowOvercommit: boolean;
}

export interface DeploymentPlan {
  readonly machine: Machine;
  readonly platform: HostPlatform;
  /** The host's memory against every container's limit (hostMemoryMb). */
  readonly memory: MemoryBudget;
  readonly config: EffectiveConfig;
  /** This machine's agents, sorted by name. */
  readonly agents: readonly AgentSpec[];
  /** The other machine's agents (for host entries and cross-machine dependencies), sorted. */
  readonly peerAgents: readonly AgentSpec[];
  readonly legacy: LegacyComparison | null;
  readonly crossMachineDependencies: readonly CrossMachineDependency[];
  /** Sorted by wave, then name. Empty when the config has no container plan. */
  readonly containers: readonly ContainerPlan[];
  /** Number of health-gated steps (the highest wave); 0 without containers. */
  readonly waves: number;
  /** Nodes on the longest path of the container dependency graph; equals `waves` by construction. */
  readonly longestPath: number;
  readonly vram: VramBudget;
  /** Whether each agent's code can start, and what that means for the containers. */
  readonly preflight: Preflight;
  /** Every finding for this machine, sorted (errors first). */
  readonly findings: readonly Finding[];
}
