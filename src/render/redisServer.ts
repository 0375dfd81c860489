import { DeploymentSettings } from "./deploymentSettings";
import { renderLog, renderPublishedPorts } from "./agentContainer";
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
 * `sh -c` expands $REDIS_PASSWORD inside the container, so the password is in neither the
 * container's Cmd (`docker inspect`) nor Pulumi's plain inputs. The image's entrypoint is called
 * again so it still drops to the `redis` user. `volatile-lru` evicts only keys with a TTL
 * (caches) and never the registry's persistent keys.
 */
export function renderRedisCommand(memoryMb: number): string[] {
  const script = [
    'exec docker-entrypoint.sh redis-server --requirepass "$REDIS_PASSWORD"',
    "--appendonly yes --appendfsync everysec --dir /data",
    `--maxmemory ${redisMaxmemoryMb(memoryMb)}mb --maxmemory-policy volatile-lru`,
  ].join(" ");
  return ["sh", "-c", script];
}

export function renderRedisContainer(settings: DeploymentSettings): ContainerSpec {
  return {
    key: REDIS_KEY,
    name: REDIS_CONTAINER_NAME,
    image: settings.redisImage,
    command: renderRedisCommand(settings.redisMemoryMb),
    env: [
      { name: "REDISCLI_AUTH", value: { parts: [{ secret: "redisPassword", encoding: "raw" }] } },
      { name: "REDIS_PASSWORD", value: { parts: [{ secret: "redisPassword", encoding: "raw" }] } },
    ],
    aliases: [REDIS_ALIAS],
    hosts: [],
    ports: renderPublishedPorts([INFRASTRUCTURE_PORTS.redis], settings.lanIps[settings.machine]),
    mounts: [{ type: "volume", volume: VOLUMES.redisData.key, target: "/data", readOnly: false }],
    uploads: [],
    healthcheck: renderRedisHealthcheck(settings.healthcheck),
    gpu: null,
    cpus: null,
    memoryMb: settings.redisMemoryMb,
    shmMb: null,
    restart: "unless-stopped",
    log: renderLog(settings),
    waitTimeoutSeconds: settings.waitTimeoutSeconds,
    dependsOn: [],
  };
}
