/**
 * Plain-data description of what one machine runs: the output of the pure renderers and the
 * only input of the Pulumi components (and of a later docker-compose exporter). Nothing here
 * imports Pulumi; secrets are references that the consumer resolves.
 */
import { Machine } from "../config/machine";

/** Stack secrets (`pulumi config set --secret ...`). */
export type SecretName = "redisPassword" | "natsPassword" | "natsLeafPassword";
export const SECRET_NAMES: readonly SecretName[] = ["natsLeafPassword", "natsPassword", "redisPassword"];

/**
 * How a secret is spliced into text: `raw` as is, `url` percent-encoded (URL userinfo),
 * `natsString` as a double-quoted NATS config string (nats-server re-parses `$VAR` values from
 * the environment as config text, so an unquoted `#` or leading digit would change the value).
 */
export type SecretEncoding = "raw" | "url" | "natsString";

export interface SecretRef {
  readonly secret: SecretName;
  readonly encoding: SecretEncoding;
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
  readonly startInterval: string;
  readonly retries: number;
}

export interface GpuSpec {
  readonly driver: "nvidia";
  readonly deviceIds: readonly string[];
  readonly capabilities: readonly string[];
  readonly vramMb: number;
}

export interface UploadSpec {
  readonly file: string;
  readonly content: string;
}

export interface LogSpec {
  readonly driver: "json-file";
  readonly options: { readonly "max-size": string; readonly "max-file": string };
}

export interface ContainerSpec {
  /** Stable key: the docker group name, or `nats` / `redis`. */
  readonly key: string;
  /** Docker container name (fixed, hence delete-before-replace). */
  readonly name: string;
  readonly image: string;
  /** null keeps the image's command. */
  readonly command: readonly string[] | null;
  /** Sorted by name. */
  readonly env: readonly EnvVar[];
  /** Network aliases on the host network; sorted. */
  readonly aliases: readonly string[];
  /** Extra /etc/hosts entries; sorted by host. */
  readonly hosts: readonly HostEntry[];
  /** Sorted by external port. */
  readonly ports: readonly PortSpec[];
  /** Sorted by target. */
  readonly mounts: readonly MountSpec[];
  readonly uploads: readonly UploadSpec[];
  readonly healthcheck: HealthcheckSpec;
  readonly gpu: GpuSpec | null;
  readonly cpus: number | null;
  readonly memoryMb: number | null;
  readonly shmMb: number | null;
  readonly restart: "unless-stopped";
  readonly log: LogSpec;
  readonly waitTimeoutSeconds: number;
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

export interface MachineSpec {
  readonly machine: Machine;
  readonly networkName: string;
  /** Every named volume, sorted by key. */
  readonly volumes: readonly VolumeSpec[];
  readonly nats: ContainerSpec;
  readonly redis: ContainerSpec;
  /** Agent-group containers in plan order (wave, then name). */
  readonly groups: readonly ContainerSpec[];
  readonly gpuAllocation: GpuAllocationTable;
  readonly endpoints: Endpoints;
}
