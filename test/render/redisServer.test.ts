import * as assert from "assert";
import { redisMaxmemoryMb, renderRedisContainer } from "../../src/render";
import { sampleSettings } from "../support/samplePlan";

describe("render/redisServer", () => {
  it("writes an ACL file of hashed passwords (default user off, one user per group, PING-only healthcheck) and keeps secrets off redis-server's command line", () => {
    const redis = renderRedisContainer(sampleSettings({ redisMemoryMb: 2000 }), ["model-gpu", "core"]);
    assert.deepStrictEqual(redis.command, [
      "sh",
      "-c",
      "umask 077 && printf '%s\\n' \"user default off\" \"user core on #$REDIS_PASSWORD_SHA256_CORE ~* &* +@all -@dangerous +info\" " +
        '"user model-gpu on #$REDIS_PASSWORD_SHA256_MODEL_GPU ~* &* +@all -@dangerous +info" "user healthcheck on #$REDIS_PASSWORD_SHA256_HEALTHCHECK -@all +ping" ' +
        "> /tmp/redis-users.acl && exec docker-entrypoint.sh redis-server --aclfile /tmp/redis-users.acl --set-proc-title no --appendonly yes --appendfsync everysec --dir /data --maxmemory 1500mb --maxmemory-policy volatile-lru",
    ]);
    const ref = (user: string, encoding: "raw" | "sha256") => ({ parts: [{ secret: "redisPassword", encoding, derive: `redis-user:mainpc:${user}` }] });
    assert.deepStrictEqual(redis.env, [
      { name: "REDISCLI_AUTH", value: ref("healthcheck", "raw") },
      { name: "REDIS_PASSWORD_SHA256_CORE", value: ref("core", "sha256") },
      { name: "REDIS_PASSWORD_SHA256_HEALTHCHECK", value: ref("healthcheck", "sha256") },
      { name: "REDIS_PASSWORD_SHA256_MODEL_GPU", value: ref("model-gpu", "sha256") },
    ]);
    assert.deepStrictEqual(redis.healthcheck?.tests, ["CMD-SHELL", "redis-cli --user healthcheck ping | grep -q PONG"]);
    assert.strictEqual(redis.memoryMb, 2000);
  });

  it("sets maxmemory to 75% of the container limit, rounded down", () => {
    assert.strictEqual(redisMaxmemoryMb(1024), 768);
    assert.strictEqual(redisMaxmemoryMb(1001), 750);
  });

  it("persists to the redis-data volume and answers as `redis` on the network", () => {
    const redis = renderRedisContainer(sampleSettings(), ["core"]);
    assert.deepStrictEqual(redis.mounts, [{ type: "volume", volume: "redis-data", target: "/data", readOnly: false }]);
    assert.deepStrictEqual([redis.name, redis.image, redis.aliases], ["ai-system-redis", "redis:7-alpine", ["redis"]]);
    assert.deepStrictEqual(redis.ports, [{ internal: 6379, external: 6379, ip: "192.168.1.10", protocol: "tcp" }]);
  });

  it("runs as the image's redis user on a read-only root, every capability dropped, with CPU and memory limits", () => {
    const redis = renderRedisContainer(sampleSettings({ redisCpus: 1.5 }), ["core"]);
    assert.deepStrictEqual(
      [redis.role, redis.user, redis.readOnlyRootfs, redis.noNewPrivileges, redis.capabilities, redis.tmpfs, redis.processLimit, redis.cpus, redis.memoryMb],
      ["redis", "999:1000", true, true, { drop: ["ALL"], add: [] }, [{ target: "/tmp", options: "rw,noexec,nosuid,nodev,size=1m,mode=1777" }], 512, 1.5, 1024],
    );
    assert.deepStrictEqual(redis.exceptions.map((e) => e.id), ["5.15", "5.29"]);
  });
});
