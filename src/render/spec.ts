/**
 * Plain-data description of what one machine runs: the output of the pure renderers and the
 * input of the Pulumi components (and of the docker-compose exporter), with the agent groups'
 * images beside it (GroupImageSpec, from src/images). Nothing here imports Pulumi; secrets are
 * references that the consumer resolves.
 */
import { Machine } from "../config/machine";

/** Stack secrets (`pulumi config set --secret ...`). */
export type SecretName = "redisPassword" | "natsPassword" | "natsLeafPassword" | "natsLeafCa" | "natsLeafCert" | "natsLeafKey";
export const SECRET_NAMES: readonly SecretName[] = ["natsLeafCa", "natsLeafCert", "natsLeafKey", "natsLeafPassword", "natsPassword", "redisPassword"];

/**
 * How a secret is spliced into text: `raw` as is, `url` percent-encoded (URL userinfo),
 * `natsString` as a double-quoted NATS config string (nats-server re-parses `$VAR` values from
 * the environment as config text, so an unquoted `#` or leading digit would change the value),
 * `sha256` as the hex SHA-256 of the value (Redis ACL `#<hash>` passwords: the Redis container
 * never holds the agents' passwords), `base64` (a PEM file in one environment line).
 */
export type SecretEncoding = "raw" | "url" | "natsString" | "sha256" | "base64";

export interface SecretRef {
  readonly secret: SecretName;
  readonly encoding: SecretEncoding;
  /**
   * A per-identity password derived from the stack secret (src/render/derivedSecret.ts): each
   * container group logs in to NATS and Redis as itself, and Pulumi and the compose env file
   * derive the same value from the one secret the operator sets.
   */
  readonly derive?: string;
}

export type TextPart = string | SecretRef;

/** Plain text, or text with secrets spliced in (e.g. a URL that carries a password). */
export type SpecText = string | { readonly parts: readonly TextPart[] };

export interface EnvVar {
  readonly name: string;
  readonly value: SpecText;
}

export interface PortSpec {
  readonly internal: number;
  readonly external: number;
  /** Host address the port is bound to (the machine's LAN address). */
  readonly ip: string;
  readonly protocol: "tcp";
}

export interface HostEntry {
  readonly host: string;
  readonly ip: string;
}

export type MountSpec =
  | { readonly type: "volume"; readonly volume: string; readonly target: string; readonly readOnly: boolean }
  | { readonly type: "bind"; readonly source: string; readonly target: string; readonly readOnly: boolean };

/** Durations are canonical Go duration strings (the provider normalises them; see goDuration). */
export interface HealthcheckSpec {
  readonly tests: readonly string[];
  readonly interval: string;
  readonly timeout: string;
  readonly startPeriod: string;
  /** null: not sent (engines before API 1.44 refuse it); the provider then sends and reads back "0s". */
  readonly startInterval: string | null;
  readonly retries: number;
}

export interface GpuSpec {
  readonly driver: "nvidia";
  /** Empty with `count: -1` (every GPU, `--gpus all`): the form Docker Desktop on WSL 2 honours. */
  readonly deviceIds: readonly string[];
  /** -1: all GPUs; null: exactly `deviceIds`. */
  readonly count: -1 | null;
  readonly capabilities: readonly string[];
  readonly vramMb: number;
}

export interface UploadSpec {
  readonly file: string;
  readonly content: string;
}

/** One file of the monorepo's config/ directory, as the agents read it under /app/config. */
export interface ConfigFile {
  /** Relative to the config directory, `/`-separated (`overrides/mainpc.yaml`). */
  readonly path: string;
  /** UTF-8 text. */
  readonly content: string;
}

export interface LogSpec {
  readonly driver: "json-file";
  readonly options: { readonly "max-size": string; readonly "max-file": string };
}

/** What a container is for; the hardening checks that apply depend on it. */
export type ContainerRole = "agent-group" | "nats" | "redis" | "volume-init";

/**
 * Every hardening check id (src/hardening/cisChecks.ts), in the order the checks run and reports
 * list them: CIS Docker Benchmark container-runtime recommendations by their number, and the
 * service-level checks by name. The type is derived from the list, so both say the same.
 */
export const HARDENING_CHECK_IDS = [
  "4.1",
  "5.4",
  "5.5",
  "5.6",
  "5.10",
  "5.11",
  "5.12",
  "5.13",
  "5.14",
  "5.15",
  "5.16",
  "5.17",
  "5.21",
  "5.22",
  "5.26",
  "5.29",
  "5.32",
  "log-rotation",
  "needed-ports",
  "redis-acl",
  "nats-auth",
  "nats-monitoring",
] as const;

export type HardeningCheckId = (typeof HARDENING_CHECK_IDS)[number];

/** A deliberate deviation from one check, with the reason (also put on the container as a label). */
export interface HardeningException {
  readonly id: HardeningCheckId;
  readonly reason: string;
}

/** A tmpfs mount; `options` as Docker takes them (`rw,nosuid,nodev,size=512m,mode=1777`). */
export interface TmpfsSpec {
  readonly target: string;
  readonly options: string;
}

/** Capabilities: `drop` is always `ALL`; `add` names each one put back (documented by an exception). */
export interface CapabilitySpec {
  readonly drop: readonly string[];
  readonly add: readonly string[];
}

/**
 * `service`: runs until stopped, healthchecked, restarted by Docker, and created only once healthy.
 * `once`: runs to completion (attached) before its dependants are created; never restarted.
 */
export type Lifecycle = "service" | "once";

export interface ContainerSpec {
  /** Stable key: the docker group name, or `nats` / `nats-store-init` / `redis`. */
  readonly key: string;
  readonly role: ContainerRole;
  /** Docker container name (fixed, hence delete-before-replace). */
  readonly name: string;
  readonly image: string;
  /** null keeps the image's command. */
  readonly command: readonly string[] | null;
  /** Numeric `uid:gid` the first process runs as (a name could not be proven non-root). */
  readonly user: string;
  /** Sorted by name. */
  readonly env: readonly EnvVar[];
  /** false: no network at all (`networkMode: none`); true: the machine's bridge network with `aliases`. */
  readonly attachNetwork: boolean;
  /** Network aliases on the host network; sorted. */
  readonly aliases: readonly string[];
  /** Extra /etc/hosts entries; sorted by host. */
  readonly hosts: readonly HostEntry[];
  /** Sorted by external port. */
  readonly ports: readonly PortSpec[];
  /** Ports the container listens on that must never be published (HTTP health, monitoring); sorted. */
  readonly internalPorts: readonly number[];
  /** Sorted by target. */
  readonly mounts: readonly MountSpec[];
  /** Sorted by target. */
  readonly tmpfs: readonly TmpfsSpec[];
  /** Host devices passed at the same path (`/dev/snd` for audio on Linux); sorted. */
  readonly devices: readonly string[];
  /** Supplementary group ids of the first process (the audio group with /dev/snd); sorted. */
  readonly groupAdd: readonly string[];
  readonly uploads: readonly UploadSpec[];
  readonly lifecycle: Lifecycle;
  /** null only for `once` containers. */
  readonly healthcheck: HealthcheckSpec | null;
  readonly gpu: GpuSpec | null;
  readonly cpus: number;
  readonly memoryMb: number;
  /** null: Docker's default (or the host's /dev/shm with `ipc: host`). */
  readonly shmMb: number | null;
  readonly readOnlyRootfs: boolean;
  readonly noNewPrivileges: boolean;
  readonly capabilities: CapabilitySpec;
  /** `private`: own IPC namespace; `host` only for NVIDIA MPS clients (a documented exception). */
  readonly ipc: "private" | "host";
  /** RLIMIT_NPROC (soft and hard) of the container's uid: @pulumi/docker 5.2.0 has no pids limit. */
  readonly processLimit: number;
  /** Docker's init (tini) as PID 1, reaping orphaned processes. */
  readonly init: boolean;
  /** `no` only for `once` containers. */
  readonly restart: "unless-stopped" | "no";
  readonly log: LogSpec;
  /** null only for `once` containers. */
  readonly waitTimeoutSeconds: number | null;
  /** Documented deviations from hardening checks; sorted by id. */
  readonly exceptions: readonly HardeningException[];
  /** Keys of containers that must be healthy first (groups, then `nats`, `redis`). */
  readonly dependsOn: readonly string[];
}

export interface VolumeSpec {
  readonly key: string;
  /** Docker volume name. */
  readonly name: string;
  /** Kept by `pulumi destroy` (data and models); remove with `docker volume rm <name>`. */
  readonly retainOnDelete: boolean;
}

export interface GpuAllocationRow {
  readonly name: string;
  readonly deviceIds: readonly string[];
  readonly vramMb: number;
}

export interface GpuAllocationTable {
  readonly capacityMb: number;
  readonly headroomMb: number;
  readonly allocatedMb: number;
  /** GPU containers, sorted by name. */
  readonly containers: readonly GpuAllocationRow[];
}

export interface Endpoints {
  readonly machine: Machine;
  readonly network: string;
  /** NATS clients from the LAN. */
  readonly natsUrl: string;
  /** NATS clients on the host network (what agents use). */
  readonly natsInternalUrl: string;
  readonly natsJetStreamDomain: string;
  /** `hub` listens for the other host's leaf connection; `leaf` dials the hub. */
  readonly natsLeafRole: "hub" | "leaf";
  readonly natsLeafUrl: string;
  /** Redis from the LAN, without credentials. */
  readonly redisUrl: string;
  readonly redisInternalUrl: string;
}

/** Which Dockerfile template an agent-group image is built from (docker/Dockerfile.<template>). */
export type ImageTemplate = "cpu" | "gpu";

/** How one group's image is built on the Docker host (imageMode build). */
export interface ImageBuildSpec {
  /** Build context: the config root (monorepo root), absolute, on the machine running pulumi. */
  readonly context: string;
  /** Absolute path of the Dockerfile template (this project's docker/Dockerfile.cpu or .gpu). */
  readonly dockerfile: string;
  readonly template: ImageTemplate;
  /** `--build-arg`s, by name (sorted). */
  readonly buildArgs: Readonly<Record<string, string>>;
  /** Labels put on the image, by name (sorted). */
  readonly labels: Readonly<Record<string, string>>;
  /** sha256 (hex) over everything the hash covers (src/images/contentHash.ts); the tag is its first 16 digits. */
  readonly contentHash: string;
  /** What the hash covers, as `<kind>:<name>` (sorted): the template, requirements, launcher, .dockerignore, code, build args. */
  readonly hashed: readonly string[];
  /** How long one build may take before pulumi gives up (the provider's default is 20 minutes). */
  readonly timeoutMinutes: number;
}

/**
 * The image of one agent group (key = the group = its container's key). Every group has its own
 * image running the group launcher: built from the config root (`build`), or prebuilt and pulled
 * (`build: null`). `reference` is the name the image has on the host.
 */
export interface GroupImageSpec {
  readonly key: string;
  /** `ai-system-<group>:<content tag>` when built; `[<registry>/]ai-system-<group>:<imageTag>` when prebuilt. */
  readonly reference: string;
  readonly build: ImageBuildSpec | null;
}

export interface MachineSpec {
  readonly machine: Machine;
  readonly networkName: string;
  /** Every named volume, sorted by key. */
  readonly volumes: readonly VolumeSpec[];
  /** Runs once before NATS: gives the JetStream volume to the NATS user. */
  readonly natsStoreInit: ContainerSpec;
  /** Runs once before the groups: writes the config files (by content) into the config volume. */
  readonly configInit: ContainerSpec;
  readonly nats: ContainerSpec;
  readonly redis: ContainerSpec;
  /** Agent-group containers in plan order (wave, then name). */
  readonly groups: readonly ContainerSpec[];
  readonly gpuAllocation: GpuAllocationTable;
  readonly endpoints: Endpoints;
}
