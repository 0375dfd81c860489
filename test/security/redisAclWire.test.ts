/**
 * The rendered Redis container command on real redis-server (Debian's package), with the
 * rendered environment: the ACL file it writes, what each user may do, and that no password or
 * hash is on redis-server's command line (/proc/<pid>/cmdline). `docker-entrypoint.sh` is a
 * stand-in that execs its arguments (for a non-root user the image's entrypoint only sets the
 * umask); the port, bind address and /tmp and /data paths are replaced, each exactly once.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderRedisContainer, renderSpecText } from "../../src/render";
import { deriveSecret, sha256Hex } from "../../src/render/derivedSecret";
import { RedisWire } from "../e2e/redisWire";
import { TEST_SECRETS } from "../support/fakeStackInputs";
import { ensureDebianPackage, freePort, replaceExactly, RunningServer, startServer } from "../support/debianServer";
import { sampleSettings } from "../support/samplePlan";

const GROUPS = ["core", "model-gpu"];
const password = (user: string) => deriveSecret(TEST_SECRETS.redisPassword, `redis-user:mainpc:${user}`);

describe("security/Redis ACL users on real redis-server", function () {
  this.timeout(60_000);
  let dir: string;
  let port: number;
  let server: RunningServer;
  let env: NodeJS.ProcessEnv;
  const clients: RedisWire[] = [];
  const dial = async () => {
    const c = await RedisWire.connect("127.0.0.1", port);
    clients.push(c);
    return c;
  };
  const reply = (p: Promise<unknown>) => p.then((v) => JSON.stringify(v), (e: Error) => `error: ${e.message}`);

  before(async () => {
    ensureDebianPackage("redis-server", "redis-server");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "redis-acl-"));
    fs.mkdirSync(path.join(dir, "data"));
    fs.mkdirSync(path.join(dir, "bin"));
    fs.writeFileSync(path.join(dir, "bin", "docker-entrypoint.sh"), '#!/bin/sh\nexec "$@"\n', { mode: 0o755 });
    port = await freePort();
    const spec = renderRedisContainer(sampleSettings(), GROUPS);
    let script = spec.command![2]!;
    script = replaceExactly(script, "/tmp/", `${dir}/`, 2);
    script = replaceExactly(script, "--dir /data", `--dir ${dir}/data`);
    script = replaceExactly(script, "--maxmemory-policy volatile-lru", `--maxmemory-policy volatile-lru --port ${port} --bind 127.0.0.1`);
    env = { PATH: `${path.join(dir, "bin")}:${process.env.PATH}` };
    for (const e of spec.env) env[e.name] = renderSpecText(e.value, (n) => TEST_SECRETS[n]);
    server = startServer("sh", ["-c", script], env);
    await server.waitFor(/Ready to accept connections/);
  });

  after(async () => {
    clients.forEach((c) => c.close());
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("has no password, hash or stack secret on redis-server's command line", () => {
    // sh exec'd redis-server in the same process; --set-proc-title no keeps its arguments as given.
    const words = fs.readFileSync(`/proc/${server.process.pid}/cmdline`, "utf8").split("\0").filter((w) => w !== "");
    assert.deepStrictEqual(words.slice(0, 4), ["redis-server", "--aclfile", path.join(dir, "redis-users.acl"), "--set-proc-title"]);
    const secrets = [TEST_SECRETS.redisPassword, ...[...GROUPS, "healthcheck"].flatMap((u) => [password(u), sha256Hex(password(u))])];
    for (const s of secrets) assert.ok(!words.join(" ").includes(s), "a secret is on the command line");
    assert.strictEqual(fs.statSync(path.join(dir, "redis-users.acl")).mode & 0o777, 0o600);
  });

  it("lets each group in as itself with its derived password, and nobody without one", async () => {
    const core = await dial();
    assert.strictEqual(await reply(core.command(["AUTH", "core", password("core")])), '"OK"');
    assert.strictEqual(await reply(core.command(["SET", "registry:core", "up"])), '"OK"');
    assert.strictEqual(await reply(core.command(["ACL", "WHOAMI"])), '"core"');
    const anonymous = await dial();
    assert.strictEqual(await reply(anonymous.command(["GET", "registry:core"])), "error: NOAUTH Authentication required.");
    assert.match(await reply(anonymous.command(["AUTH", TEST_SECRETS.redisPassword])), /^error: WRONGPASS/);
    assert.match(await reply(anonymous.command(["AUTH", "core", TEST_SECRETS.redisPassword])), /^error: WRONGPASS/);
    assert.match(await reply(anonymous.command(["AUTH", "model-gpu", password("core")])), /^error: WRONGPASS/);
  });

  it("refuses the groups Redis's dangerous commands", async () => {
    const c = await dial();
    await c.command(["AUTH", "model-gpu", password("model-gpu")]);
    for (const command of [["FLUSHALL"], ["CONFIG", "GET", "*"], ["SHUTDOWN"], ["KEYS", "*"], ["ACL", "LIST"]]) {
      assert.match(await reply(c.command(command)), /^error: NOPERM/, command.join(" "));
    }
    assert.match(await reply(c.command(["INFO", "server"])), /redis_version/);
  });

  it("runs the rendered healthcheck: its user may PING and nothing else", async () => {
    const test = replaceExactly(renderRedisContainer(sampleSettings(), GROUPS).healthcheck?.tests[1] ?? "", "redis-cli ", `redis-cli -p ${port} `);
    execFileSync("sh", ["-c", test], { env, stdio: "ignore" });
    const h = await dial();
    assert.strictEqual(await reply(h.command(["AUTH", "healthcheck", password("healthcheck")])), '"OK"');
    assert.match(await reply(h.command(["GET", "registry:core"])), /^error: NOPERM/);
  });
});
