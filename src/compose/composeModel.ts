/**
 * The subset of the Compose file format the exporter writes: the compose specification
 * without `version:`, as Debian's docker-compose 1.29.2 validates it (its compose_spec.json)
 * and as Compose v2 reads it. Strings are ComposeString (see composeText.ts).
 */
import { ComposeString } from "./composeText";

export type DependencyCondition = "service_healthy" | "service_completed_successfully";

export interface ComposeHealthcheck {
  readonly test: readonly string[];
  readonly interval: string;
  readonly timeout: string;
  readonly retries: number;
  readonly start_period: string;
  /**
   * docker-compose 1.29 has no `start_interval` (Compose v2.20+ with Docker 25+ has); an
   * `x-` key keeps the stack's value in the file, and compose ignores it.
   */
  readonly "x-start_interval"?: string;
}

/** A device reservation: `device_ids`, or `count: all` (`--gpus all`); the specification allows one of them. */
export interface ComposeDevice {
  readonly driver: string;
  readonly device_ids?: readonly string[];
  readonly count?: "all";
  readonly capabilities: readonly string[];
}

export type ComposeMount =
  | { readonly type: "volume"; readonly source: string; readonly target: string; readonly read_only: boolean }
  | { readonly type: "bind"; readonly source: string; readonly target: string; readonly read_only: boolean };

export interface ComposeUlimit {
  readonly soft: number;
  readonly hard: number;
}

/** What the exporter records about a service that Docker has no setting for (compose ignores `x-` keys). */
export interface ServiceExtension {
  readonly key: string;
  readonly role: string;
  readonly lifecycle: string;
  /** Pulumi's `waitTimeout`: docker-compose waits for a dependency's health without a bound of its own. */
  readonly wait_timeout_seconds: number | null;
  /** Listening but never published (also in the hardening label). */
  readonly internal_ports: readonly number[];
  /** The planned VRAM budget of a GPU group (GPU_VRAM_BUDGET_MB in its environment). */
  readonly vram_mb: number | null;
}

/** How compose builds a group's image (imageMode build): the same context, Dockerfile, arguments and labels as Pulumi. */
export interface ComposeBuild {
  readonly context: string;
  readonly dockerfile: string;
  readonly args: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  /** Not Docker settings: the template, the content hash the tag comes from, and Pulumi's build timeout. */
  readonly "x-ai-system": { readonly template: string; readonly content_hash: string; readonly hashed_inputs: number; readonly timeout_minutes: number };
}

export interface ComposeService {
  readonly image?: string;
  readonly build?: ComposeBuild;
  readonly container_name?: string;
  readonly command?: readonly string[];
  readonly user?: string;
  readonly environment?: Readonly<Record<string, ComposeString>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly network_mode?: "none";
  readonly networks?: Readonly<Record<string, { readonly aliases: readonly string[] }>>;
  readonly extra_hosts?: readonly string[];
  readonly ports?: readonly string[];
  readonly volumes?: readonly ComposeMount[];
  readonly tmpfs?: readonly string[];
  /** `host:container` device paths. */
  readonly devices?: readonly string[];
  readonly group_add?: readonly string[];
  readonly healthcheck?: ComposeHealthcheck;
  readonly deploy?: { readonly resources: { readonly reservations: { readonly devices: readonly ComposeDevice[] } } };
  readonly cpus?: number;
  readonly mem_limit?: string;
  /** Memory plus swap; equal to mem_limit: no swap (the Pulumi input memorySwap). */
  readonly memswap_limit?: string;
  readonly shm_size?: string;
  readonly read_only?: boolean;
  readonly security_opt?: readonly string[];
  readonly cap_drop?: readonly string[];
  readonly cap_add?: readonly string[];
  readonly ipc?: string;
  readonly ulimits?: Readonly<Record<string, ComposeUlimit>>;
  readonly init?: boolean;
  readonly restart?: string;
  /** SIGTERM to SIGKILL (`docker-compose stop`/`down`, and the container's own StopTimeout). */
  readonly stop_grace_period?: string;
  readonly logging?: { readonly driver: string; readonly options: Readonly<Record<string, string>> };
  readonly depends_on?: Readonly<Record<string, { readonly condition: DependencyCondition }>>;
  readonly "x-ai-system"?: ServiceExtension;
}

/** The order keys are written in (the exporter fills them in any order). */
export const SERVICE_KEY_ORDER: readonly (keyof ComposeService)[] = [
  "image",
  "build",
  "container_name",
  "command",
  "user",
  "environment",
  "labels",
  "network_mode",
  "networks",
  "extra_hosts",
  "ports",
  "volumes",
  "tmpfs",
  "devices",
  "group_add",
  "healthcheck",
  "deploy",
  "cpus",
  "mem_limit",
  "memswap_limit",
  "shm_size",
  "read_only",
  "security_opt",
  "cap_drop",
  "cap_add",
  "ipc",
  "ulimits",
  "init",
  "restart",
  "stop_grace_period",
  "logging",
  "depends_on",
  "x-ai-system",
];

export interface ComposeVolume {
  readonly name: string;
}

export interface ComposeNetwork {
  readonly name: string;
  readonly driver: "bridge";
}

/** A file the exporter writes next to the compose files (uploads become read-only binds of these). */
export interface GeneratedFile {
  /** Relative to the output directory. */
  readonly path: string;
  readonly content: string;
}
