/**
 * Every stack setting (Pulumi config namespace `ai-system`), once: its Pulumi.yaml type, its
 * default and its validation. Pulumi.yaml documents the same table (a test keeps them equal).
 */
import { IMAGE_REFERENCE } from "../config/schemas";
import * as z from "zod";
import { HEALTH_GATES } from "../plan/healthGate";

export const CONFIG_NAMESPACE = "ai-system";

export type SettingType = "string" | "integer" | "array";

export interface SettingDefinition {
  readonly type: SettingType;
  /** Absent: the stack must set it. */
  readonly default?: string | number | readonly string[];
  readonly secret?: boolean;
  /** Without a default, may still be left unset (a secret cannot have a default in Pulumi.yaml). */
  readonly optional?: boolean;
  readonly description: string;
  /** Validates the typed value (after integer / JSON-array conversion). */
  readonly schema: z.ZodType;
  /** What to do when the value is wrong. */
  readonly hint: string;
}

/** A LAN address: published ports bind to it, so never the wildcard 0.0.0.0. */
const IPV4 = z.ipv4().refine((ip) => ip !== "0.0.0.0");
/** Numeric `uid:gid`, neither 0: a name could not be proven non-root. */
const CONTAINER_USER = z.string().regex(/^[1-9][0-9]{0,9}:[1-9][0-9]{0,9}$/);
const ABSOLUTE_PATH = z.string().regex(/^\/[^\s]*$/);
/** A positive number of CPUs as text (`1`, `0.5`, `2.25`). */
const CPUS = z.string().regex(/^(?:[1-9][0-9]{0,2}(?:\.[0-9]{1,3})?|0\.(?:[0-9]{0,2}[1-9]))$/);
const NAME = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/);
/** A Docker image reference, as Docker would take it at create time (src/config/schemas.ts). */
const IMAGE = z.string().max(255).regex(IMAGE_REFERENCE);
/**
 * Passwords: at least 16 characters of at least three kinds (lower case, upper case, digits,
 * others), no spaces or control characters: `aaaaaaaaaaaa` and other guessable values fail.
 */
const SECRET = z
  .string()
  .min(16)
  .regex(/^[^\s\p{Cc}]+$/u)
  .refine((v) => [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(v)).length >= 3);
const SECRET_RULE = "at least 16 characters of at least three kinds (lower case, upper case, digits, others), no spaces; e.g. `openssl rand -base64 24`";
const PEM_CERTIFICATE = z.string().regex(/^\s*-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*$/);
const PEM_PRIVATE_KEY = z.string().regex(/^\s*-----BEGIN (?:EC |RSA )?PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END (?:EC |RSA )?PRIVATE KEY-----\s*$/);
const LEAF_TLS_HINT = "make the files with `npm run leaf-certs -- --out DIR` (README, NATS across the two hosts) and set it with `pulumi config set --secret";
const seconds = (min: number) => z.int().min(min).max(86_400);

export const SETTINGS = {
  machine: {
    type: "string",
    description: "Which host this stack deploys: mainpc or pc2 (main_pc and MAIN_PC are accepted).",
    schema: z.string().regex(/^(main[-_]?pc|pc2)$/i),
    hint: "set it to mainpc or pc2",
  },
  configRoot: {
    type: "string",
    description: "The monorepo root holding config/startup_config.v3.yaml, on the machine that runs pulumi; relative to the project directory.",
    schema: z.string().min(1),
    hint: "set it to the path of the monorepo root",
  },
  hostConfigDir: {
    type: "string",
    default: "",
    description: "The monorepo's config/ directory on the machine that runs pulumi; its files are delivered by content to /app/config in every agent group; empty means <configRoot>/config.",
    schema: z.string(),
    hint: "set it to the path of the config/ directory on this machine, or leave it empty",
  },
  dockerHost: {
    type: "string",
    default: "unix:///var/run/docker.sock",
    description: "Docker daemon of this host: the local socket, or ssh://user@host to deploy over SSH.",
    schema: z.string().regex(/^(unix|tcp|ssh|npipe):\/\/\S+$/),
    hint: "use unix:///var/run/docker.sock or ssh://user@host",
  },
  publishServices: {
    type: "array",
    default: [],
    description: "Infrastructure ports to publish on this host's LAN address for clients on other machines: nats (4222), redis (6379). The NATS leaf port 7422 on mainpc is always published.",
    schema: z.array(z.enum(["nats", "redis"])),
    hint: "write a list of nats and/or redis, e.g. [\"nats\"], or []",
  },
  dockerSshOpts: {
    type: "array",
    default: [],
    description: "Extra ssh options for an ssh:// dockerHost, e.g. [\"-o\", \"StrictHostKeyChecking=yes\"].",
    schema: z.array(z.string()),
    hint: "write a list of strings",
  },
  mainpcIp: {
    type: "string",
    description: "LAN address of mainpc: its published ports bind here and pc2's host entries point here.",
    schema: IPV4,
    hint: "set it to mainpc's IPv4 LAN address",
  },
  pc2Ip: {
    type: "string",
    description: "LAN address of pc2: its published ports bind here and mainpc's host entries point here.",
    schema: IPV4,
    hint: "set it to pc2's IPv4 LAN address",
  },
  networkName: {
    type: "string",
    default: "ai_system_network",
    description: "Name of the user-defined bridge network that NATS, Redis and every agent group join.",
    schema: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/),
    hint: "use letters, digits, _, . and -",
  },
  natsImage: {
    type: "string",
    default: "nats:2.10-alpine",
    description: "NATS server image; it must contain wget for the /healthz healthcheck (the alpine variants do).",
    schema: IMAGE,
    hint: "set it to an image reference",
  },
  redisImage: {
    type: "string",
    default: "redis:7-alpine",
    description: "Redis image (7 or later).",
    schema: IMAGE,
    hint: "set it to an image reference",
  },
  imageMode: {
    type: "string",
    default: "build",
    description: "Agent-group images: build (each group's image built on the Docker host from configRoot with docker/Dockerfile.cpu or .gpu, tagged by a hash of its content; run npm run requirements first) or prebuilt (imageRegistry/ai-system-<group>:imageTag pulled, nothing built).",
    schema: z.enum(["build", "prebuilt"]),
    hint: "set it to build or prebuilt",
  },
  imageRegistry: {
    type: "string",
    default: "",
    description: "With imageMode prebuilt: the registry (and namespace) of the images, e.g. registry.lan:5000/ai; empty means plain ai-system-<group>:imageTag names already on the host.",
    schema: z.string().regex(/^(?:[a-z0-9]+(?:[.-][a-z0-9]+)*(?::[0-9]{1,5})?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)?$/),
    hint: "write a registry host with an optional :port and /namespace, such as registry.lan:5000/ai, or leave it empty",
  },
  imageTag: {
    type: "string",
    default: "latest",
    description: "With imageMode prebuilt: the tag of every group's image.",
    schema: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/),
    hint: "write a Docker tag: letters, digits, _, . and -, at most 128 characters",
  },
  imageRegistryUser: {
    type: "string",
    default: "",
    description: "With imageMode prebuilt: the user pulling from a private imageRegistry (e.g. your GitHub user for ghcr.io); its password is the imageRegistryPassword secret. Empty: pull without credentials.",
    schema: z.string().regex(/^(?:[A-Za-z0-9][A-Za-z0-9_.-]{0,63})?$/),
    hint: "write the registry user name, or leave it empty",
  },
  imageRegistryPassword: {
    type: "string",
    secret: true,
    optional: true,
    description: "With imageRegistryUser: the registry password or token (for ghcr.io a personal access token with read:packages); set with pulumi config set --secret.",
    schema: z.string().min(8).regex(/^[^\s\p{Cc}]+$/u),
    hint: "set it with `pulumi config set --secret imageRegistryPassword`: the token, at least 8 characters, no spaces",
  },
  imageDigests: {
    type: "array",
    default: [],
    description: "With imageMode prebuilt: optional pins, [\"<group>=sha256:<64 hex>\", ...]; a pinned group runs imageRegistry/ai-system-<group>@sha256:..., whatever imageTag points at.",
    schema: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*=sha256:[0-9a-f]{64}$/)),
    hint: "write a list of <group>=sha256:<64 lowercase hex digits> strings",
  },
  torchVersion: {
    type: "string",
    default: "2.5.1",
    description: "With imageMode build: the PyTorch version GPU images install first (TORCH_VERSION build argument); empty skips PyTorch.",
    schema: z.string().regex(/^[0-9A-Za-z.+_-]*$/),
    hint: "write a version such as 2.5.1, or leave it empty",
  },
  torchIndexUrl: {
    type: "string",
    default: "https://download.pytorch.org/whl/cu121",
    description: "With imageMode build: the PyTorch wheel index of GPU images (TORCH_INDEX_URL build argument); keep it on the CUDA version of docker/Dockerfile.gpu.",
    schema: z.string().regex(/^https?:\/\/[^\s"'$`\\]+$/),
    hint: "write an http(s) URL without spaces or quotes",
  },
  imageBuildTimeoutMinutes: {
    type: "integer",
    default: 60,
    description: "With imageMode build: minutes one image build may take before pulumi fails it (a first GPU build downloads gigabytes).",
    schema: z.int().min(5).max(1440),
    hint: "set a whole number of minutes from 5 to 1440",
  },
  natsLeafUser: {
    type: "string",
    default: "leaf",
    description: "User of the leaf-node connection from pc2 to mainpc; its password is the natsLeafPassword secret.",
    schema: NAME,
    hint: "use a letter, then letters, digits, _ or -",
  },
  redisMemoryMb: {
    type: "integer",
    default: 1024,
    description: "Memory limit of the Redis container in MB; Redis maxmemory is 75% of it.",
    schema: z.int().min(64).max(1_048_576),
    hint: "set a whole number of MB, at least 64",
  },
  redisCpus: {
    type: "string",
    default: "1",
    description: "CPU limit of the Redis container (a number of CPUs, e.g. 1 or 0.5).",
    schema: CPUS,
    hint: "write a positive number of CPUs such as 1 or 0.5",
  },
  natsMemoryMb: {
    type: "integer",
    default: 512,
    description: "Memory limit of the NATS container in MB.",
    schema: z.int().min(64).max(1_048_576),
    hint: "set a whole number of MB, at least 64",
  },
  natsCpus: {
    type: "string",
    default: "1",
    description: "CPU limit of the NATS container (a number of CPUs, e.g. 1 or 0.5).",
    schema: CPUS,
    hint: "write a positive number of CPUs such as 1 or 0.5",
  },
  portOffset: {
    type: "integer",
    default: 0,
    description: "PORT_OFFSET for the config's ${PORT_OFFSET}+N ports, used for the plan and passed to the agents.",
    schema: z.int().min(0).max(50_000),
    hint: "set a whole number from 0 to 50000",
  },
  vramCapacityMb: {
    type: "integer",
    default: 0,
    description: "VRAM of this host's GPU in MB; 0 takes resource_limits.vram_gb from the config (else 24 GB mainpc, 12 GB pc2).",
    schema: z.int().min(0).max(1_048_576),
    hint: "set a whole number of MB, or 0",
  },
  dockerApiVersion: {
    type: "string",
    default: "1.52",
    description: "Docker Engine API version of this host (docker version --format '{{.Server.APIVersion}}'); below 1.44 healthchecks get no start interval, which older engines refuse.",
    schema: z.string().regex(/^1\.[0-9]{1,3}$/),
    hint: "set the host's API version, e.g. 1.52 (Docker 29), 1.43 (Docker 24) or 1.41 (Docker 20.10)",
  },
  healthGate: {
    type: "string",
    default: "dependencies",
    description: "Which agents a container's health waits for: dependencies (required agents and those an agent in another container depends on), required, or none (create everything without waiting).",
    schema: z.enum(HEALTH_GATES),
    hint: "set it to dependencies, required or none",
  },
  waitTimeout: {
    type: "integer",
    default: 600,
    description: "Seconds pulumi waits for each container to turn healthy before failing (models load during this time).",
    schema: seconds(1),
    hint: "set a whole number of seconds, longer than healthcheckStartPeriodSeconds",
  },
  healthcheckIntervalSeconds: {
    type: "integer",
    default: 30,
    description: "Seconds between healthchecks of a running container.",
    schema: seconds(1),
    hint: "set a whole number of seconds, at least 1",
  },
  healthcheckTimeoutSeconds: {
    type: "integer",
    default: 10,
    description: "Seconds one healthcheck may take.",
    schema: seconds(1),
    hint: "set a whole number of seconds, at least 1",
  },
  healthcheckRetries: {
    type: "integer",
    default: 3,
    description: "Consecutive failed healthchecks before a container is unhealthy.",
    schema: z.int().min(1).max(100),
    hint: "set a whole number from 1 to 100",
  },
  healthcheckStartPeriodSeconds: {
    type: "integer",
    default: 120,
    description: "Seconds after start during which failed healthchecks do not count.",
    schema: seconds(0),
    hint: "set a whole number of seconds",
  },
  healthcheckStartIntervalSeconds: {
    type: "integer",
    default: 5,
    description: "Seconds between healthchecks during the start period; used only when dockerApiVersion is 1.44 (Docker 25) or later.",
    schema: seconds(1),
    hint: "set a whole number of seconds, at least 1",
  },
  logMaxSize: {
    type: "string",
    default: "50m",
    description: "json-file log rotation: size of one log file (k, m or g suffix).",
    schema: z.string().regex(/^[1-9][0-9]*[kmg]$/),
    hint: "write a size such as 50m",
  },
  logMaxFiles: {
    type: "integer",
    default: 5,
    description: "json-file log rotation: number of log files kept per container.",
    schema: z.int().min(1).max(100),
    hint: "set a whole number from 1 to 100",
  },
  agentContainerUser: {
    type: "string",
    default: "10001:10001",
    description: "Numeric uid:gid of the agent-group containers: the agent image's ai user, which owns /app/logs, data, cache, models.",
    schema: CONTAINER_USER,
    hint: "write a numeric uid:gid other than 0, such as 10001:10001",
  },
  natsContainerUser: {
    type: "string",
    default: "10002:10002",
    description: "Numeric uid:gid NATS runs as (the image has no non-root user); a one-shot init gives it the JetStream volume.",
    schema: CONTAINER_USER,
    hint: "write a numeric uid:gid other than 0, such as 10002:10002",
  },
  redisContainerUser: {
    type: "string",
    default: "999:1000",
    description: "Numeric uid:gid Redis runs as: the redis image's redis user, which owns the image's /data (so a new volume gets it).",
    schema: CONTAINER_USER,
    hint: "write a numeric uid:gid other than 0; redis:7-alpine's redis user is 999:1000",
  },
  agentProcessLimit: {
    type: "integer",
    default: 16384,
    description: "RLIMIT_NPROC (ulimit nproc) of the agent uid: processes and threads of all agent containers of the host together.",
    schema: z.int().min(256).max(4_194_304),
    hint: "set a whole number from 256 to 4194304",
  },
  agentTmpfsMb: {
    type: "integer",
    default: 512,
    description: "Size in MB of each agent container's /tmp (tmpfs; the root filesystem is read-only); it counts against the memory limit.",
    schema: z.int().min(16).max(1_048_576),
    hint: "set a whole number of MB, at least 16",
  },
  hostPlatform: {
    type: "string",
    default: "linux",
    description: "What runs Docker on this host: linux (Docker Engine on Linux with the NVIDIA Container Toolkit) or wsl2-docker-desktop (Windows with Docker Desktop's WSL 2 backend): changes how ports are published, GPUs requested and audio reached; see README.",
    schema: z.enum(["linux", "wsl2-docker-desktop"]),
    hint: "set it to linux or wsl2-docker-desktop",
  },
  hostMemoryMb: {
    type: "integer",
    default: 0,
    description: "Memory in MB all containers of this host may use together: the machine's RAM on Linux, the WSL 2 VM's memory on Windows (.wslconfig memory=, by default half of the Windows RAM); the groups' memory_mb plus NATS and Redis must fit. 0: not checked.",
    schema: z.int().min(0).max(16_777_216),
    hint: "set a whole number of MB, or 0",
  },
  gpuSharing: {
    type: "string",
    default: "none",
    description: "How GPU groups share a card: none (Docker gives each the card; budgets are passed as GPU_VRAM_BUDGET_MB) or mps (NVIDIA MPS clients with per-process VRAM caps; needs the MPS control daemon on the host).",
    schema: z.enum(["none", "mps"]),
    hint: "set it to none or mps",
  },
  mpsPipeDirectory: {
    type: "string",
    default: "/tmp/nvidia-mps",
    description: "With gpuSharing mps: the MPS control daemon's CUDA_MPS_PIPE_DIRECTORY on the host, bound at the same path into GPU containers.",
    schema: ABSOLUTE_PATH,
    hint: "write an absolute path without spaces",
  },
  mpsLogDirectory: {
    type: "string",
    default: "/var/log/nvidia-mps",
    description: "With gpuSharing mps: the MPS control daemon's CUDA_MPS_LOG_DIRECTORY, passed to GPU containers for reference.",
    schema: ABSOLUTE_PATH,
    hint: "write an absolute path without spaces",
  },
  mpsUser: {
    type: "string",
    default: "10001:10001",
    description: "With gpuSharing mps: numeric uid:gid of every GPU container; MPS serves clients of one uid at a time, so run the control daemon as this uid.",
    schema: CONTAINER_USER,
    hint: "write a numeric uid:gid other than 0, such as 10001:10001",
  },
  extraEnvironment: {
    type: "array",
    default: [],
    description: "Extra KEY=value variables for the plan's ${VAR} substitution and every agent container.",
    schema: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*=/)),
    hint: "write a list of KEY=value strings",
  },
  redisPassword: {
    type: "string",
    secret: true,
    description: "Key from which each container group's Redis ACL password (REDIS_PASSWORD, REDIS_URL) is derived; set with pulumi config set --secret.",
    schema: SECRET,
    hint: `set it with \`pulumi config set --secret redisPassword\`: ${SECRET_RULE}`,
  },
  natsPassword: {
    type: "string",
    secret: true,
    description: "Key from which each container group's NATS password on this host is derived; set with pulumi config set --secret.",
    schema: SECRET,
    hint: `set it with \`pulumi config set --secret natsPassword\`: ${SECRET_RULE}`,
  },
  natsLeafPassword: {
    type: "string",
    secret: true,
    description: "Password of the pc2 -> mainpc leaf-node connection; the same value in both stacks.",
    schema: SECRET,
    hint: `set it with \`pulumi config set --secret natsLeafPassword\` to the same value in both stacks: ${SECRET_RULE}`,
  },
  natsLeafCa: {
    type: "string",
    secret: true,
    description: "PEM certificate of the CA that signs both leaf-link certificates (the same in both stacks).",
    schema: PEM_CERTIFICATE,
    hint: `${LEAF_TLS_HINT} natsLeafCa < DIR/ca.pem\` in both stacks`,
  },
  natsLeafCert: {
    type: "string",
    secret: true,
    description: "PEM certificate of this host's end of the leaf link (mainpc: server, with mainpcIp as IP SAN; pc2: client).",
    schema: PEM_CERTIFICATE,
    hint: `${LEAF_TLS_HINT} natsLeafCert < DIR/<machine>-cert.pem\``,
  },
  natsLeafKey: {
    type: "string",
    secret: true,
    description: "PEM private key of natsLeafCert.",
    schema: PEM_PRIVATE_KEY,
    hint: `${LEAF_TLS_HINT} natsLeafKey < DIR/<machine>-key.pem\``,
  },
} as const satisfies Record<string, SettingDefinition>;

export type SettingKey = keyof typeof SETTINGS;

/** Settings that no longer exist, each with what replaced it: a stack that still sets one gets this finding. */
export const RETIRED_SETTINGS: Readonly<Record<string, string>> = {
  natsUser:
    "stack setting natsUser is no longer used: each container group connects to NATS as its own user, named after the group (NATS_USER in its container), with a password derived from natsPassword; remove ai-system:natsUser from the stack file",
};
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
