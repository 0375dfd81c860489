/**
 * Every stack setting (Pulumi config namespace `ai-system`), once: its Pulumi.yaml type, its
 * default and its validation. Pulumi.yaml documents the same table (a test keeps them equal).
 */
import { z } from "zod";

export const CONFIG_NAMESPACE = "ai-system";

export type SettingType = "string" | "integer" | "array";

export interface SettingDefinition {
  readonly type: SettingType;
  /** Absent: the stack must set it. */
  readonly default?: string | number | readonly string[];
  readonly secret?: boolean;
  readonly description: string;
  /** Validates the typed value (after integer / JSON-array conversion). */
  readonly schema: z.ZodType;
  /** What to do when the value is wrong. */
  readonly hint: string;
}

const IPV4 = z.ipv4();
const NAME = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/);
const IMAGE = z.string().regex(/^[^\s]+$/);
const SECRET = z.string().min(12).regex(/^[^\s\p{Cc}]+$/u);
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
    description: "The monorepo's config/ directory on the Docker host, bound read-only at /app/config; empty means <configRoot>/config.",
    schema: z.string(),
    hint: "set it to an absolute path on the Docker host, or leave it empty",
  },
  dockerHost: {
    type: "string",
    default: "unix:///var/run/docker.sock",
    description: "Docker daemon of this host: the local socket, or ssh://user@host to deploy over SSH.",
    schema: z.string().regex(/^(unix|tcp|ssh|npipe):\/\/\S+$/),
    hint: "use unix:///var/run/docker.sock or ssh://user@host",
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
  natsUser: {
    type: "string",
    default: "agents",
    description: "NATS user the agents connect as (NATS_USER); its password is the natsPassword secret.",
    schema: NAME,
    hint: "use a letter, then letters, digits, _ or -",
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
    description: "Seconds between healthchecks during the start period (Docker 25 or later).",
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
    description: "Redis password (REDIS_PASSWORD, REDIS_URL); set with pulumi config set --secret.",
    schema: SECRET,
    hint: "set it with `pulumi config set --secret redisPassword`: at least 12 characters, no spaces",
  },
  natsPassword: {
    type: "string",
    secret: true,
    description: "Password of natsUser on this host's NATS; set with pulumi config set --secret.",
    schema: SECRET,
    hint: "set it with `pulumi config set --secret natsPassword`: at least 12 characters, no spaces",
  },
  natsLeafPassword: {
    type: "string",
    secret: true,
    description: "Password of the pc2 -> mainpc leaf-node connection; the same value in both stacks.",
    schema: SECRET,
    hint: "set it with `pulumi config set --secret natsLeafPassword` to the same value in both stacks: at least 12 characters, no spaces",
  },
} as const satisfies Record<string, SettingDefinition>;

export type SettingKey = keyof typeof SETTINGS;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
