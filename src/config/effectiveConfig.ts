import { RequirementsSettings } from "./requirementsSettings";
import { Machine } from "./machine";
import { SourceLocation } from "./sourceLocation";

/** One agent as the machine will run it, after merging, substitution and filtering. */
export interface AgentSpec {
  readonly name: string;
  readonly machine: Machine;
  /** The v3 `agent_groups` key, or `pc2_services` for the list shape. */
  readonly group: string;
  readonly scriptPath: string;
  /** ZMQ request/reply port. */
  readonly port: number;
  /** ZMQ health port (defaults to port + 1). */
  readonly healthCheckPort: number;
  /** HTTP `/health` and `/metrics` port: always healthCheckPort + 1 (base agent class). */
  readonly httpHealthPort: number;
  readonly required: boolean;
  readonly dependencies: readonly string[];
  /** The agent's `config:` block, passed through untouched (after substitution and overrides). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly source: SourceLocation;
}

/** A v3 agent group and its group-level settings (`resource_multiplier`, `priority`, ...). */
export interface AgentGroupSpec {
  readonly name: string;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly agentNames: readonly string[];
  readonly source: SourceLocation;
}

export interface GpuRequest {
  readonly vramMb: number;
  /** Explicit device ids (`"0"`, or a GPU UUID): never "all", so budgets stay meaningful. */
  readonly deviceIds: readonly string[];
}

/** One container group from `docker_groups.<machine>.<group>`. */
export interface DockerGroupSpec {
  /** The container name (dockerGroupName.ts: `vision_dream_gpu` is container `vision-dream-gpu`). */
  readonly name: string;
  /** The key as written, when it differs from `name`. */
  readonly writtenAs?: string;
  readonly description?: string;
  readonly agents: readonly string[];
  readonly gpu: GpuRequest | null;
  readonly cpus: number;
  readonly memoryMb: number;
  readonly shmMb: number;
  readonly image: string;
  readonly command: readonly string[] | null;
  /**
   * Agents whose `port` and `health_check_port` are published on the host's LAN address besides
   * those another host's agents depend on: `all` (publish: true) or names (publish: [..]).
   */
  readonly publish: "all" | readonly string[];
  readonly source: SourceLocation;
  /** `audio: true`: every agent of the group gets the host's sound (besides those whose code imports a sound library). */
  readonly audio: boolean;
  /** Where each listed agent name was written, in list order. */
  readonly agentSources: readonly SourceLocation[];
}

/** `docker_defaults`: machine-independent container settings. */
export interface DockerDefaults {
  readonly image: string;
  readonly cpus: number;
  readonly memoryMb: number;
  readonly shmMb: number;
  readonly gpuHeadroomMb: number;
  readonly allowVramOvercommit: boolean;
}

export interface EffectiveConfig {
  readonly machine: Machine;
  /** Absolute path of the config root (the monorepo root). */
  readonly configRoot: string;
  /** The CONFIG_OVERRIDE applied, or null. */
  readonly override: string | null;
  /** Config-root-relative files actually read, in merge order. */
  readonly files: readonly string[];
  readonly version: string | null;
  /** `global_settings.environment` after substitution, values as strings. */
  readonly globalEnvironment: Readonly<Record<string, string>>;
  readonly groups: readonly AgentGroupSpec[];
  /** Sorted by name. */
  readonly agents: readonly AgentSpec[];
  /** `resource_limits.vram_gb` from the merged config, if stated. */
  readonly vramGb: number | null;
  /** null when the config has no `docker_groups.<machine>` section. */
  readonly dockerGroups: readonly DockerGroupSpec[] | null;
  readonly dockerGroupsSource: SourceLocation | null;
  readonly dockerDefaults: DockerDefaults;
  /** `docker_defaults.requirements`: pins, exclude, extra and map entries per level. */
  readonly requirements: RequirementsSettings;
  /** The whole merged tree as plain data, for keys this program does not model. */
  readonly tree: unknown;
  /**
   * File and line of any value in the merged tree, by path (`["agent_groups", "core_services"]`);
   * for a path that leaves the tree, the deepest node it reaches.
   */
  readonly locate: (path: readonly (string | number)[]) => SourceLocation;
}
