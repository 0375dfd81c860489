import { Machine } from "../config/machine";
import { HostPlatform } from "./hostPlatform";

export interface HealthcheckTimings {
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly retries: number;
  /** Failures during this period do not count (models load here). */
  readonly startPeriodSeconds: number;
  /** Probe interval during the start period, so a healthy group is seen early; null: the engine is older than API 1.44 and refuses it. */
  readonly startIntervalSeconds: number | null;
}

/** Numeric `uid:gid` each kind of container runs as. */
export interface ContainerUsers {
  /** The agent image's user (`ai`, 10001:10001). */
  readonly agent: string;
  /** nats:2.10-alpine has no non-root user: any unused uid, given the JetStream volume by an init container. */
  readonly nats: string;
  /** redis:7-alpine's `redis` user (999:1000), which owns the image's /data. */
  readonly redis: string;
}

/**
 * How GPU groups share a card. `none`: Docker gives each GPU container the whole card and the
 * budget is only passed to the agents (GPU_VRAM_BUDGET_MB). `mps`: each GPU container is an NVIDIA
 * MPS client of the host's control daemon, with CUDA_MPS_PINNED_DEVICE_MEM_LIMIT from its budget.
 */
export type GpuSharing =
  | { readonly mode: "none" }
  | {
      readonly mode: "mps";
      /** Host directory of the control daemon's pipes, bound at the same path in GPU containers. */
      readonly pipeDirectory: string;
      /** The control daemon's log directory (CUDA_MPS_LOG_DIRECTORY, read by the daemon). */
      readonly logDirectory: string;
      /** `uid:gid` of every GPU container: MPS serves only clients of the daemon's server uid. */
      readonly user: string;
    };

/**
 * Where the agent groups' images come from. `build`: each group's image is built on the Docker
 * host from the config root with docker/Dockerfile.cpu or .gpu, tagged by a hash of its content.
 * `prebuilt`: `[<registry>/]ai-system-<group>:<tag>` is pulled (or found on the host); nothing is built.
 */
export type ImageSettings =
  | {
      readonly mode: "build";
      /** GPU images: TORCH_VERSION (empty skips PyTorch) and TORCH_INDEX_URL build arguments. */
      readonly torchVersion: string;
      readonly torchIndexUrl: string;
      readonly buildTimeoutMinutes: number;
    }
  | {
      readonly mode: "prebuilt";
      /** Registry (and namespace) the images are pulled from; empty: plain `ai-system-<group>:<tag>` names. */
      readonly registry: string;
      readonly tag: string;
      /** Pins by group: such a group runs `<registry>/ai-system-<group>@sha256:...` (imageDigests). */
      readonly digests: Readonly<Record<string, string>>;
      /** User of the registry's credentials (imageRegistryUser); empty: anonymous pulls. */
      readonly registryUser: string;
    };

/** Infrastructure a stack setting may publish on the LAN. */
export type PublishedService = "nats" | "redis";

/** The stack settings the renderers need, already validated (see src/program/stackSettings.ts). */
export interface DeploymentSettings {
  readonly machine: Machine;
  /** What runs Docker on this host; decides how ports are published, GPUs requested and audio reached. */
  readonly platform: HostPlatform;
  /** Both hosts' LAN addresses: published ports bind to this machine's, host entries use the other's. */
  readonly lanIps: Readonly<Record<Machine, string>>;
  readonly networkName: string;
  /**
   * The monorepo's `config/` directory on the machine that runs pulumi: its files are read there
   * and delivered by content (src/render/configDelivery.ts); the path itself reaches no input.
   */
  readonly hostConfigDir: string;
  readonly natsImage: string;
  readonly redisImage: string;
  readonly natsLeafUser: string;
  readonly redisMemoryMb: number;
  readonly redisCpus: number;
  readonly natsMemoryMb: number;
  readonly natsCpus: number;
  readonly containerUsers: ContainerUsers;
  /** RLIMIT_NPROC of the agent uid, shared by every agent container of the host (threads count). */
  readonly agentProcessLimit: number;
  /** Size of the agents' /tmp (tmpfs, counted against the container's memory limit). */
  readonly agentTmpfsMb: number;
  readonly gpuSharing: GpuSharing;
  readonly portOffset: number;
  readonly waitTimeoutSeconds: number;
  /** Docker Engine API version of the host (`1.52`); decides which healthcheck fields it accepts. */
  readonly engineApiVersion: string;
  /** NATS's client port and Redis are published on the LAN only when listed (other machines' clients). */
  readonly publishServices: readonly PublishedService[];
  readonly healthcheck: HealthcheckTimings;
  readonly logMaxSize: string;
  readonly logMaxFiles: number;
  /** Extra environment for the plan and every agent container (`KEY=value` settings). */
  readonly extraEnvironment: Readonly<Record<string, string>>;
  readonly images: ImageSettings;
}

/*
 * The slices of DeploymentSettings each renderer takes, so a renderer sees only what it uses
 * (and a test builds only that). StackSettings has every field, so it passes as any slice.
 */

/** Which host (and what runs Docker there), its peer's address and the Docker network. */
export type NetworkSettings = Pick<DeploymentSettings, "machine" | "platform" | "lanIps" | "networkName">;

/** Container log rotation (json-file driver). */
export type LoggingSettings = Pick<DeploymentSettings, "logMaxSize" | "logMaxFiles">;

/** How GPU groups share a card. */
export type GpuSharingSettings = Pick<DeploymentSettings, "gpuSharing">;

/** What every server container shares: users, health probes, how long a deploy waits. */
type ServerSettings = NetworkSettings & LoggingSettings & Pick<DeploymentSettings, "containerUsers" | "healthcheck" | "waitTimeoutSeconds">;

/** The NATS server and its store init container. */
export type NatsSettings = ServerSettings & Pick<DeploymentSettings, "natsImage" | "natsLeafUser" | "natsMemoryMb" | "natsCpus" | "publishServices">;

/** The Redis server. */
export type RedisSettings = ServerSettings & Pick<DeploymentSettings, "redisImage" | "redisMemoryMb" | "redisCpus" | "publishServices">;

/** The agent-group containers (their images and GPU sharing are slices of their own). */
export type AgentRuntimeSettings = ServerSettings &
  GpuSharingSettings &
  Pick<DeploymentSettings, "agentProcessLimit" | "agentTmpfsMb" | "portOffset" | "extraEnvironment"> & { readonly images: ImageSettings };
