/**
 * The group launcher's loopback relays (DESIGN item 3) against the real Debian nats-server and
 * redis-server, both requiring credentials, on loopback: a client that brings no credentials
 * (as the user's July-2025 code) gets exactly the group's identity through the relay, and
 * nothing else accepts it.
 */
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { LauncherRun } from "../launcher/launcherProcess";
import { runScript } from "./engine";
import { NatsWire } from "./natsWire";
import { RedisReplyError, RedisWire } from "./redisWire";

const NATS_USER = "group-core";
const NATS_PASSWORD = "nats-Relay-Secret-1";
const REDIS_USER = "group-core";
const REDIS_PASSWORD = "redis-Relay-Secret-1";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitFor<T>(what: string, attempt: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await attempt();
    } catch (error) {
      last = error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`timed out waiting for ${what}: ${String(last)}`);
}

function getJson(port: number, urlPath: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    http.get({ host: "127.0.0.1", port, path: urlPath }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve(JSON.parse(body) as Record<string, unknown>));
    }).on("error", reject);
  });
}

describe("launcher relays to the real nats-server and redis-server", function () {
  this.timeout(180_000);
  const children: ChildProcess[] = [];
  let dir = "";
  let run: LauncherRun | null = null;
  let ports: { nats: number; monitor: number; redis: number; natsRelay: number; redisRelay: number; status: number };

  before(async function () {
    await runScript("host-packages.sh", ["nats-server", "redis-server"], 600_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ai-system-relays-"));
    ports = { nats: await freePort(), monitor: await freePort(), redis: await freePort(), natsRelay: await freePort(), redisRelay: await freePort(), status: await freePort() };
    fs.writeFileSync(
      path.join(dir, "nats.conf"),
      `listen: 127.0.0.1:${ports.nats}\nhttp: 127.0.0.1:${ports.monitor}\nauthorization { users: [ { user: "${NATS_USER}", password: "${NATS_PASSWORD}" } ] }\n`,
    );
    children.push(spawn("nats-server", ["--config", path.join(dir, "nats.conf")], { stdio: "ignore" }));
    // No default user: only the group's ACL user exists.
    children.push(
      spawn(
        "redis-server",
        ["--port", String(ports.redis), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--user", "default", "off", "--user", REDIS_USER, "on", `>${REDIS_PASSWORD}`, "~*", "+@all", "-@dangerous"],
        { stdio: "ignore" },
      ),
    );
    await waitFor("nats-server", () => getJson(ports.monitor, "/varz"));
    await waitFor("redis-server", async () => (await RedisWire.connect("127.0.0.1", ports.redis)).close());
    fs.mkdirSync(path.join(dir, "fake"));
    fs.writeFileSync(path.join(dir, "fake", "__init__.py"), "");
    fs.writeFileSync(path.join(dir, "fake", "idle.py"), "import time\nwhile True:\n    time.sleep(1)\n");
    run = new LauncherRun(dir, {
      GROUP_NAME: "core",
      GROUP_AGENTS_JSON: JSON.stringify([{ name: "Idle", module: "fake.idle", port: 7000, healthCheckPort: 7001 }]),
      LAUNCHER_STATUS_PORT: String(ports.status),
      LAUNCHER_NATS_RELAY_UPSTREAM: `127.0.0.1:${ports.nats}`,
      LAUNCHER_NATS_RELAY_LISTEN: `127.0.0.1:${ports.natsRelay}`,
      LAUNCHER_REDIS_RELAY_UPSTREAM: `127.0.0.1:${ports.redis}`,
      LAUNCHER_REDIS_RELAY_LISTEN: `127.0.0.1:${ports.redisRelay}`,
      NATS_USER,
      NATS_PASSWORD,
      REDIS_USERNAME: REDIS_USER,
      REDIS_PASSWORD,
    });
    await run.waitFor("the relays", () => run!.launcherLines().some((l) => l.startsWith("redis relay ")), 15_000);
  });

  after(() => {
    run?.killAll();
    for (const c of children) c.kill("SIGKILL");
    if (dir !== "") fs.rmSync(dir, { recursive: true, force: true });
  });

  it("lets a client without credentials use NATS as the group's user; the server itself refuses it", async () => {
    await assert.rejects(NatsWire.connect({ host: "127.0.0.1", port: ports.nats }), /Authorization Violation/);
    const client = await NatsWire.connect({ host: "127.0.0.1", port: ports.natsRelay, name: "no-credentials" });
    try {
      assert.strictEqual(client.info.auth_required, undefined);
      assert.strictEqual(client.info.connect_urls, undefined);
      const sub = client.subscribe("errors.>");
      await client.flush();
      client.publish("errors.agents.Idle", '{"error":"boom"}');
      const message = await sub.next(10_000);
      assert.deepStrictEqual([message.subject, message.data.toString()], ["errors.agents.Idle", '{"error":"boom"}']);
      const connz = await getJson(ports.monitor, "/connz?auth=1");
      const mine = (connz.connections as { name?: string; authorized_user?: string }[]).filter((c) => c.name === "no-credentials");
      assert.deepStrictEqual(mine.map((c) => c.authorized_user), [NATS_USER]);
    } finally {
      client.close();
    }
  });

  it("lets a client without a password use Redis as the group's ACL user; the server itself refuses it", async () => {
    const direct = await RedisWire.connect("127.0.0.1", ports.redis);
    try {
      await assert.rejects(direct.command(["GET", "k"]), (e: unknown) => e instanceof RedisReplyError && /^NOAUTH /.test(e.message));
    } finally {
      direct.close();
    }
    const client = await RedisWire.connect("127.0.0.1", ports.redisRelay);
    try {
      assert.strictEqual(await client.command(["ACL", "WHOAMI"]), REDIS_USER);
      assert.strictEqual(await client.command(["SETEX", "memory:1", "60", "remembered"]), "OK");
      assert.strictEqual(await client.command(["GET", "memory:1"]), "remembered");
      // The group's permissions, not more: -@dangerous holds through the relay.
      await assert.rejects(client.command(["FLUSHALL"]), (e: unknown) => e instanceof RedisReplyError && /^NOPERM /.test(e.message));
    } finally {
      client.close();
    }
    const status = await getJson(ports.status, "/status");
    const relays = status.relays as Record<string, { connections: number; failures: number; upstream: string }>;
    assert.deepStrictEqual(
      Object.fromEntries(Object.entries(relays).map(([k, v]) => [k, [v.upstream, v.connections >= 1, v.failures]])),
      { nats: [`127.0.0.1:${ports.nats}`, true, 0], redis: [`127.0.0.1:${ports.redis}`, true, 0] },
    );
  });
});
