import { RedisSettings } from "./deploymentSettings";
import { publishPorts } from "./publishedPorts";
import { Machine } from "../config/machine";
import { ordinal } from "../config/ordinal";
import { groupEnvToken, REDIS_HEALTH_USER, redisGroupPassword } from "./groupIdentity";
import { DROP_ALL_CAPABILITIES, processLimitException, REDIS_PROCESS_LIMIT, renderLog, renderTmpfs, RESTART_EXCEPTION, sortExceptions } from "./hardening";
import { renderRedisHealthcheck } from "./healthchecks";
import { INFRASTRUCTURE_PORTS, REDIS_ALIAS } from "./infrastructure";
import { REDIS_CONTAINER_NAME, REDIS_KEY } from "./names";
import { ContainerSpec, EnvVar } from "./spec";
import { VOLUMES } from "./volumes";

/** Share of the container memory limit Redis may use for data (the rest: AOF rewrite, buffers). */
export const REDIS_MAXMEMORY_FRACTION = 0.75;

export function redisMaxmemoryMb(memoryMb: number): number {
  return Math.floor(memoryMb * REDIS_MAXMEMORY_FRACTION);
}

/**
 * What every agent group's Redis user may do: every key and channel, every command except
 * Redis's @dangerous category (CONFIG, FLUSHALL, FLUSHDB, DEBUG, SHUTDOWN, MODULE, ACL changes,
 * KEYS, MONITOR, SAVE/BGSAVE, REPLICAOF, MIGRATE/RESTORE, CLIENT KILL/LIST, SORT, ...), with
 * INFO (read-only server stats, what client health checks call) allowed back.
 */
export const REDIS_GROUP_RULES = ["~*", "&*", "+@all", "-@dangerous", "+info"] as const;

/** Where the command writes the ACL file (the /tmp tmpfs) before redis-server reads it. */
export const REDIS_ACL_FILE = "/tmp/redis-users.acl";

/** The Redis container's variable holding the SHA-256 of one user's password. */
export function redisPasswordHashVariable(user: string): string {
  return `REDIS_PASSWORD_SHA256_${groupEnvToken(user)}`;
}

/**
 * The ACL file's lines: the `default` user off (AUTH with a password alone, or no AUTH, logs in
 * as nobody), one user per group, and the healthcheck's user with PING only. Passwords are
 * `#<sha256>` from the environment, so neither redis-server's command line (/proc/<pid>/cmdline)
 * nor the container holds an agent password.
 */
export function redisAclLines(groups: readonly string[]): string[] {
  return [
    "user default off",
    ...[...groups].sort(ordinal).map((g) => `user ${g} on #$${redisPasswordHashVariable(g)} ${REDIS_GROUP_RULES.join(" ")}`),
    `user ${REDIS_HEALTH_USER} on #$${redisPasswordHashVariable(REDIS_HEALTH_USER)} -@all +ping`,
  ];
}

/**
 * `sh -c` writes the ACL file (umask 077) with each hash expanded from the environment, then
 * execs redis-server with only `--aclfile` and non-secret options (`--set-proc-title no` keeps
 * them readable in /proc/<pid>/cmdline, so anyone can check). The container runs as the
 * image's `redis` user, so the image's entrypoint only sets the umask. `volatile-lru` evicts only
 * keys with a TTL (caches) and never the registry's persistent keys.
 */
export function renderRedisCommand(memoryMb: number, groups: readonly string[]): string[] {
  const lines = redisAclLines(groups).map((l) => `"${l}"`).join(" ");
  const script = [
    `umask 077 && printf '%s\\n' ${lines} > ${REDIS_ACL_FILE} &&`,
    `exec docker-entrypoint.sh redis-server --aclfile ${REDIS_ACL_FILE} --set-proc-title no`,
    "--appendonly yes --appendfsync everysec --dir /data",
    `--maxmemory ${redisMaxmemoryMb(memoryMb)}mb --maxmemory-policy volatile-lru`,
  ].join(" ");
  return ["sh", "-c", script];
}

export function renderRedisEnvironment(machine: Machine, groups: readonly string[]): EnvVar[] {
  const hashes: EnvVar[] = [...groups, REDIS_HEALTH_USER].map((user) => ({
    name: redisPasswordHashVariable(user),
    value: { parts: [redisGroupPassword(machine, user, "sha256")] },
  }));
  return [{ name: "REDISCLI_AUTH", value: { parts: [redisGroupPassword(machine, REDIS_HEALTH_USER, "raw")] } }, ...hashes].sort((a, b) =>
    ordinal(a.name, b.name),
  );
}

/** Hardened like every container: Redis writes only to its /data volume, so its root is read-only. */
export function renderRedisContainer(settings: RedisSettings, groups: readonly string[]): ContainerSpec {
  const user = settings.containerUsers.redis;
  const bound = publishPorts(settings, settings.publishServices.includes("redis") ? [INFRASTRUCTURE_PORTS.redis] : []);
  return {
    key: REDIS_KEY,
    role: "redis",
    name: REDIS_CONTAINER_NAME,
    image: settings.redisImage,
    command: renderRedisCommand(settings.redisMemoryMb, groups),
    user,
    env: renderRedisEnvironment(settings.machine, groups),
    attachNetwork: true,
    aliases: [REDIS_ALIAS],
    hosts: [],
    ports: bound.ports,
    internalPorts: [],
    devices: [],
    groupAdd: [],
    mounts: [{ type: "volume", volume: VOLUMES.redisData.key, target: "/data", readOnly: false }],
    tmpfs: [renderTmpfs("/tmp", 1, false)],
    uploads: [],
    lifecycle: "service",
    healthcheck: renderRedisHealthcheck(settings.healthcheck),
    gpu: null,
    cpus: settings.redisCpus,
    memoryMb: settings.redisMemoryMb,
    shmMb: null,
    readOnlyRootfs: true,
    noNewPrivileges: true,
    capabilities: DROP_ALL_CAPABILITIES,
    ipc: "private",
    processLimit: REDIS_PROCESS_LIMIT,
    init: false,
    restart: "unless-stopped",
    log: renderLog(settings),
    waitTimeoutSeconds: settings.waitTimeoutSeconds,
    exceptions: sortExceptions([RESTART_EXCEPTION, processLimitException(user, REDIS_PROCESS_LIMIT), ...bound.exceptions]),
    dependsOn: [],
  };
}
