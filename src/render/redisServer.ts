import { RedisSettings } from "./deploymentSettings";
import { publishPorts } from "./publishedPorts";
import { DROP_ALL_CAPABILITIES, processLimitException, REDIS_PROCESS_LIMIT, renderLog, RESTART_EXCEPTION, sortExceptions } from "./hardening";
import { renderRedisHealthcheck } from "./healthchecks";
import { INFRASTRUCTURE_PORTS, REDIS_ALIAS } from "./infrastructure";
import { REDIS_CONTAINER_NAME, REDIS_KEY } from "./names";
import { ContainerSpec } from "./spec";
import { VOLUMES } from "./volumes";

/** Share of the container memory limit Redis may use for data (the rest: AOF rewrite, buffers). */
export const REDIS_MAXMEMORY_FRACTION = 0.75;

export function redisMaxmemoryMb(memoryMb: number): number {
  return Math.floor(memoryMb * REDIS_MAXMEMORY_FRACTION);
}

/**
 * The ACL rules of the `default` user (the only user; AUTH with just the password logs in as it):
 * password-protected, every key and channel, every command except Redis's @dangerous category
 * (CONFIG, FLUSHALL, FLUSHDB, DEBUG, SHUTDOWN, MODULE, ACL changes, KEYS, MONITOR, SAVE/BGSAVE,
 * REPLICAOF, MIGRATE/RESTORE, CLIENT KILL/LIST, SORT, ...), with INFO (read-only server stats,
 * what client health checks call) allowed back. PING, which the healthcheck uses, is not dangerous.
 */
export const REDIS_DEFAULT_USER_RULES = ["on", '">$REDIS_PASSWORD"', '"~*"', '"&*"', '"+@all"', '"-@dangerous"', '"+info"'] as const;

/**
 * `sh -c` expands $REDIS_PASSWORD inside the container, so the password is in neither the
 * container's Cmd (`docker inspect`) nor Pulumi's plain inputs. The container runs as the
 * image's `redis` user, so the image's entrypoint only sets the umask. `volatile-lru` evicts only
 * keys with a TTL (caches) and never the registry's persistent keys.
 */
export function renderRedisCommand(memoryMb: number): string[] {
  const script = [
    `exec docker-entrypoint.sh redis-server --user default ${REDIS_DEFAULT_USER_RULES.join(" ")}`,
    "--appendonly yes --appendfsync everysec --dir /data",
    `--maxmemory ${redisMaxmemoryMb(memoryMb)}mb --maxmemory-policy volatile-lru`,
  ].join(" ");
  return ["sh", "-c", script];
}

/** Hardened like every container: Redis writes only to its /data volume, so its root is read-only. */
export function renderRedisContainer(settings: RedisSettings): ContainerSpec {
  const user = settings.containerUsers.redis;
  const bound = publishPorts(settings, settings.publishServices.includes("redis") ? [INFRASTRUCTURE_PORTS.redis] : []);
  return {
    key: REDIS_KEY,
    role: "redis",
    name: REDIS_CONTAINER_NAME,
    image: settings.redisImage,
    command: renderRedisCommand(settings.redisMemoryMb),
    user,
    env: [
      { name: "REDISCLI_AUTH", value: { parts: [{ secret: "redisPassword", encoding: "raw" }] } },
      { name: "REDIS_PASSWORD", value: { parts: [{ secret: "redisPassword", encoding: "raw" }] } },
    ],
    attachNetwork: true,
    aliases: [REDIS_ALIAS],
    hosts: [],
    ports: bound.ports,
    internalPorts: [],
    devices: [],
    groupAdd: [],
    mounts: [{ type: "volume", volume: VOLUMES.redisData.key, target: "/data", readOnly: false }],
    tmpfs: [],
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
