import * as assert from "assert";
import { redisMaxmemoryMb, renderRedisContainer } from "../../src/render";
import { sampleSettings } from "../support/samplePlan";

describe("render/redisServer", () => {
  it("keeps the password out of the command line: sh expands it from the environment", () => {
    const redis = renderRedisContainer(sampleSettings({ redisMemoryMb: 2000 }));
    assert.deepStrictEqual(redis.command, [
      "sh",
      "-c",
      'exec docker-entrypoint.sh redis-server --user default on ">$REDIS_PASSWORD" "~*" "&*" "+@all" "-@dangerous" "+info" --appendonly yes --appendfsync everysec --dir /data --maxmemory 1500mb --maxmemory-policy volatile-lru',
    ]);
    assert.deepStrictEqual(redis.env, [
      { name: "REDISCLI_AUTH", value: { parts: [{ secret: "redisPassword", encoding: "raw" }] } },
      { name: "REDIS_PASSWORD", value: { parts: [{ secret: "redisPassword", encoding: "raw" }] } },
    ]);
    assert.strictEqual(redis.memoryMb, 2000);
  });

  it("sets maxmemory to 75% of the container limit, rounded down", () => {
    assert.strictEqual(redisMaxmemoryMb(1024), 768);
    assert.strictEqual(redisMaxmemoryMb(1001), 750);
  });

  it("persists to the redis-data volume and answers as `redis` on the network", () => {
    const redis = renderRedisContainer(sampleSettings());
    assert.deepStrictEqual(redis.mounts, [{ type: "volume", volume: "redis-data", target: "/data", readOnly: false }]);
    assert.deepStrictEqual([redis.name, redis.image, redis.aliases], ["ai-system-redis", "redis:7-alpine", ["redis"]]);
    assert.deepStrictEqual(redis.ports, [{ internal: 6379, external: 6379, ip: "192.168.1.10", protocol: "tcp" }]);
  });

  it("runs as the image's redis user on a read-only root, every capability dropped, with CPU and memory limits", () => {
    const redis = renderRedisContainer(sampleSettings({ redisCpus: 1.5 }));
    assert.deepStrictEqual(
      [redis.role, redis.user, redis.readOnlyRootfs, redis.noNewPrivileges, redis.capabilities, redis.tmpfs, redis.processLimit, redis.cpus, redis.memoryMb],
      ["redis", "999:1000", true, true, { drop: ["ALL"], add: [] }, [], 512, 1.5, 1024],
    );
    assert.deepStrictEqual(redis.exceptions.map((e) => e.id), ["5.15", "5.29"]);
  });
});
