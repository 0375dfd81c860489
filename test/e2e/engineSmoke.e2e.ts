/**
 * Smoke test of the e2e machinery on a real Docker engine (issue 4 groundwork): e2e/engine.sh
 * starts a private dockerd, e2e/images.sh builds the local images, and two user-defined
 * networks stand for the two hosts, which talk only through ports published on their
 * simulated LAN addresses.
 *
 * Self-contained on purpose (no import from src/, which changes under other issues): the NATS
 * config, Redis command, healthchecks and hardening flags below follow what the plan renders
 * today (src/render: JetStream domains, leaf node with its own user, env-var credentials,
 * monitoring on loopback, non-root users, read-only roots, every capability dropped).
 *
 * Not part of `npm test` (the file name does not match *.test.ts). Run as root, inside the
 * suite's network namespace: `npm run test:e2e` (e2e/in-netns.sh).
 * E2E_KEEP_ENGINE=1 leaves an engine the test started running.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DockerCli, engineEnvironment, freePort, runProgram, runScript, seconds, shellQuote, waitFor } from "./engine";
import { crossDelivery, NatsWire } from "./natsWire";
import { RedisReplyError, RedisWire } from "./redisWire";

const LABEL = "ai-system-e2e.test=engine-smoke";
const PREFIX = "aie2e-smoke";
const NETWORKS = { mainpc: "mainpc_net", pc2: "pc2_net" } as const;
const IMAGES = {
  nats: "ai-system-e2e/nats:local",
  redis: "ai-system-e2e/redis:local",
  agent: "ai-system-e2e/agent-stub:local",
} as const;
/** The plan's fixed infrastructure ports (src/plan/infrastructurePorts.ts). */
const PORTS = { natsClient: 4222, natsLeafnode: 7422, natsMonitoring: 8222, redis: 6379 } as const;
/** The plan's default container users (natsContainerUser, redisContainerUser, agentContainerUser). */
const USERS = { nats: "10002:10002", redis: "999:1000", agent: "10001:10001" } as const;
/** What the plan applies to every long-running container. */
const HARDENING = ["--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--pids-limit", "256"];
const NATS_USER = "agents";
const NATS_PASSWORD = "nats-Smoke-5678";
const LEAF_USER = "leaf";
const LEAF_PASSWORD = "leaf-Smoke-9012";
const REDIS_PASSWORD = "redis-Smoke-1234";
/** Env-var names as the plan derives them (agentEnvName: NLUAgent -> NLU_AGENT). */
const AGENTS = [
  { name: "NLUAgent", env: "NLU_AGENT", port: 5709, healthCheckPort: 6709 },
  { name: "ModelOrchestrator", env: "MODEL_ORCHESTRATOR", port: 7010, healthCheckPort: 8010 },
] as const;
const HEALTHY_TIMEOUT_MS = 60_000;
const NATS_CONFIG_FILE = "/etc/nats/ai-system.conf";

/** A NATS string literal, as the plan encodes values it puts into NATS config variables. */
function natsString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** The plan's NATS server config: standalone JetStream in the host's domain, mainpc the leaf hub. */
function natsConfig(machine: "mainpc" | "pc2"): string {
  const leafnodes =
    machine === "mainpc"
      ? ["leafnodes {", `  listen: "0.0.0.0:${PORTS.natsLeafnode}"`, "  authorization {", "    user: $NATS_LEAF_USER", "    password: $NATS_LEAF_PASSWORD", "  }", "}"]
      : ["leafnodes {", "  remotes: [", "    {url: $NATS_LEAF_URL}", "  ]", "}"];
  return [
    `server_name: "${machine}"`,
    `listen: "0.0.0.0:${PORTS.natsClient}"`,
    `http: "127.0.0.1:${PORTS.natsMonitoring}"`,
    "jetstream {",
    '  store_dir: "/data"',
    `  domain: "${machine}"`,
    "}",
    "authorization {",
    "  users: [",
    "    {user: $NATS_USER, password: $NATS_PASSWORD}",
    "  ]",
    "}",
    ...leafnodes,
    "",
  ].join("\n");
}

/** The plan's agent healthcheck: every agent's HTTP /health (healthCheckPort + 1) answers 2xx. */
function agentHealthScript(ports: readonly number[]): string {
  return [
    "import sys, urllib.request",
    "opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))",
    "failed = []",
    `for port in (${ports.join(", ")},):`,
    "    try:",
    '        opener.open("http://127.0.0.1:%d/health" % port, timeout=3).close()',
    "    except Exception as error:",
    '        failed.append("%d: %s" % (port, error))',
    'print("; ".join(failed) or "ok")',
    "sys.exit(1 if failed else 0)",
  ].join("\n");
}

/** Healthcheck flags for `docker run`: a fast interval so the test measures start-up, not polling. */
function healthFlags(command: string): string[] {
  return ["--health-cmd", command, "--health-interval", "1s", "--health-timeout", "5s", "--health-retries", "30", "--health-start-period", "2s"];
}

describe("e2e engine smoke (real Docker engine)", function () {
  let docker: DockerCli;
  let mainpcIp = "";
  let pc2Ip = "";
  let startedEngine = false;
  let workDir = "";
  const ports = { mainpcNats: 0, pc2Nats: 0, redis: 0 };
  const clients: { close(): void }[] = [];
  const timings: [string, string][] = [];
  const note = (what: string, value: string): void => {
    timings.push([what, value]);
    console.log(`      ${what}: ${value}`);
  };

  before(async function () {
    this.timeout(540_000);
    if (process.getuid && process.getuid() !== 0) throw new Error("the e2e tests need root (dockerd, chroot)");
    const status = await runProgram("bash", [path.join(__dirname, "../../e2e/engine.sh"), "status"], { timeoutMs: 20_000 });
    startedEngine = status.code !== 0;
    let t = Date.now();
    const start = await runScript("engine.sh", ["start"], 300_000);
    note("engine start (incl. any package install)", seconds((Date.now() - t) / 1000));
    if (start.stderr.trim()) console.log(indent(start.stderr.trim()));
    const env = await engineEnvironment();
    docker = new DockerCli(env.dockerHost);
    mainpcIp = env.mainpcIp;
    pc2Ip = env.pc2Ip;
    t = Date.now();
    const images = await runScript("images.sh", [], 420_000);
    note("images.sh (all three images)", seconds((Date.now() - t) / 1000));
    console.log(indent(images.stdout.trim()));
    const sizes = await docker.run(["image", "ls", "--format", "{{.Repository}}:{{.Tag}} {{.Size}}", "--filter", "reference=ai-system-e2e/*"]);
    note("image sizes", sizes.split("\n").join(", "));
    // Leftovers of an interrupted earlier run would clash with the fixed names below.
    await docker.removeLabelled(LABEL);
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "aie2e-smoke-"));
    ports.mainpcNats = await freePort();
    ports.pc2Nats = await freePort();
    ports.redis = await freePort();
    for (const [machine, network] of Object.entries(NETWORKS)) {
      await docker.run(["network", "create", "--driver", "bridge", "--label", LABEL, "--label", `ai-system-e2e.machine=${machine}`, network]);
    }
  });

  after(async function () {
    this.timeout(180_000);
    for (const client of clients.splice(0)) client.close();
    if (docker) {
      const problems = await docker.removeLabelled(LABEL);
      if (problems.length > 0) console.log(`      cleanup problems: ${problems.join("; ")}`);
    }
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
    if (startedEngine && !process.env.E2E_KEEP_ENGINE) {
      const stop = await runProgram("bash", [path.join(__dirname, "../../e2e/engine.sh"), "stop"], { timeoutMs: 120_000 });
      if (stop.code !== 0) console.log(`      engine.sh stop exited ${stop.code}: ${stop.stderr}`);
    }
    if (timings.length > 0) {
      console.log("      --- measured ---");
      for (const [what, value] of timings) console.log(`      ${what}: ${value}`);
    }
  });

  async function connectNats(port: number, name: string): Promise<NatsWire> {
    const client = await NatsWire.connect({ host: "127.0.0.1", port, user: NATS_USER, pass: NATS_PASSWORD, name });
    clients.push(client);
    return client;
  }

  async function runNats(machine: "mainpc" | "pc2", clientPort: number): Promise<void> {
    const config = path.join(workDir, `nats-${machine}.conf`);
    fs.writeFileSync(config, natsConfig(machine));
    fs.chmodSync(config, 0o644);
    const volume = `${PREFIX}-${machine}-nats-data`;
    await docker.run(["volume", "create", "--label", LABEL, volume]);
    // The plan's store init: root with only CHOWN gives the JetStream volume to the NATS user.
    await docker.run([
      "run", "--rm", "--pull", "never", "--label", LABEL, "--network", "none", "--user", "0:0",
      "--read-only", "--cap-drop", "ALL", "--cap-add", "CHOWN", "--cap-add", "DAC_READ_SEARCH", "--security-opt", "no-new-privileges",
      "-v", `${volume}:/data`, IMAGES.nats, "chown", "-R", USERS.nats, "/data",
    ]);
    // The plan's environment (renderNatsEnvironment), with test secrets.
    const env =
      machine === "mainpc"
        ? [`NATS_LEAF_USER=${natsString(LEAF_USER)}`, `NATS_LEAF_PASSWORD=${natsString(LEAF_PASSWORD)}`]
        : [`NATS_LEAF_URL="nats-leaf://${LEAF_USER}:${encodeURIComponent(LEAF_PASSWORD)}@${mainpcIp}:${PORTS.natsLeafnode}"`];
    env.push(`NATS_USER=${natsString(NATS_USER)}`, `NATS_PASSWORD=${natsString(NATS_PASSWORD)}`);
    // The plan publishes the client port on the host's LAN address; the test's own clients use 127.0.0.1.
    const lanIp = machine === "mainpc" ? mainpcIp : pc2Ip;
    const published = ["-p", `127.0.0.1:${clientPort}:${PORTS.natsClient}`, "-p", `${lanIp}:${PORTS.natsClient}:${PORTS.natsClient}`];
    // Only the hub's leaf-node port is published, on its LAN address, as in the plan.
    if (machine === "mainpc") published.push("-p", `${mainpcIp}:${PORTS.natsLeafnode}:${PORTS.natsLeafnode}`);
    await docker.run([
      "run", "-d", "--pull", "never", "--name", `${PREFIX}-${machine}-nats`, "--label", LABEL,
      "--network", NETWORKS[machine], "--network-alias", "nats",
      "--user", USERS.nats, ...HARDENING, "--tmpfs", "/tmp",
      ...published,
      "-v", `${config}:${NATS_CONFIG_FILE}:ro`, "-v", `${volume}:/data`,
      ...env.flatMap((e) => ["-e", e]),
      ...healthFlags(`wget -q --spider http://127.0.0.1:${PORTS.natsMonitoring}/healthz`),
      "--restart", "unless-stopped",
      IMAGES.nats, "--config", NATS_CONFIG_FILE,
    ]);
  }

  /** Number of leaf connections mainpc's NATS reports on its monitoring port (/leafz). */
  async function mainpcLeafCount(): Promise<number> {
    const r = await docker.tryRun(["exec", `${PREFIX}-mainpc-nats`, "wget", "-q", "-O", "-", `http://127.0.0.1:${PORTS.natsMonitoring}/leafz`], 10_000);
    if (r.code !== 0) return 0;
    return Number((JSON.parse(r.stdout) as { leafnodes?: number }).leafnodes ?? 0);
  }

  it("NATS: both hosts healthy, pc2 joins mainpc as a leaf node, messages cross both ways", async function () {
    this.timeout(120_000);
    await runNats("mainpc", ports.mainpcNats);
    await runNats("pc2", ports.pc2Nats);
    const [mainpcHealthy, pc2Healthy] = await Promise.all([
      docker.waitHealthy(`${PREFIX}-mainpc-nats`, HEALTHY_TIMEOUT_MS),
      docker.waitHealthy(`${PREFIX}-pc2-nats`, HEALTHY_TIMEOUT_MS),
    ]);
    note("NATS mainpc seconds to healthy", seconds(mainpcHealthy));
    note("NATS pc2 seconds to healthy", seconds(pc2Healthy));
    const t = Date.now();
    await waitFor("pc2's leaf connection on mainpc", 30_000, async () => ((await mainpcLeafCount()) >= 1 ? true : undefined), 250);
    note("leaf link up after both healthy", seconds((Date.now() - t) / 1000));

    await assert.rejects(
      NatsWire.connect({ host: "127.0.0.1", port: ports.mainpcNats, user: NATS_USER, pass: "wrong-password" }),
      /Authorization Violation/i,
      "a wrong password must be refused",
    );
    const mainpc = await connectNats(ports.mainpcNats, "smoke-mainpc");
    const pc2 = await connectNats(ports.pc2Nats, "smoke-pc2");
    note("pc2 -> mainpc first delivery", seconds(await crossDelivery(pc2, mainpc, "errors.smoke.from-pc2")));
    note("mainpc -> pc2 first delivery", seconds(await crossDelivery(mainpc, pc2, "errors.smoke.from-mainpc")));
  });

  it("NATS: JetStream on pc2 keeps accepting writes while mainpc's NATS is stopped", async function () {
    this.timeout(120_000);
    let t = Date.now();
    await docker.run(["stop", "-t", "10", `${PREFIX}-mainpc-nats`]);
    note("docker stop mainpc NATS", seconds((Date.now() - t) / 1000));
    const pc2 = await connectNats(ports.pc2Nats, "smoke-pc2-js");
    const created = await pc2.jsonRequest<{ config: { name: string } }>(
      "$JS.API.STREAM.CREATE.SMOKE_PC2",
      { name: "SMOKE_PC2", subjects: ["smoke.js.>"], storage: "file", retention: "limits", num_replicas: 1 },
      10_000,
    );
    assert.equal(created.config.name, "SMOKE_PC2");
    for (let i = 1; i <= 5; i++) {
      const reply = await pc2.request(`smoke.js.${i}`, `stored while mainpc is down ${i}`, 10_000);
      assert.equal(reply.status, null, `publish ${i} got status ${reply.status}`);
      const ack = JSON.parse(reply.data.toString()) as { stream?: string; seq?: number; domain?: string; error?: unknown };
      assert.deepEqual({ stream: ack.stream, seq: ack.seq, domain: ack.domain }, { stream: "SMOKE_PC2", seq: i, domain: "pc2" });
    }
    const info = await pc2.jsonRequest<{ state: { messages: number } }>("$JS.API.STREAM.INFO.SMOKE_PC2", undefined, 10_000);
    assert.equal(info.state.messages, 5);

    t = Date.now();
    await docker.run(["start", `${PREFIX}-mainpc-nats`]);
    await docker.waitHealthy(`${PREFIX}-mainpc-nats`, HEALTHY_TIMEOUT_MS);
    await waitFor("pc2's leaf connection after mainpc's restart", 60_000, async () => ((await mainpcLeafCount()) >= 1 ? true : undefined), 250);
    note("mainpc NATS restarted, healthy and leaf re-linked", seconds((Date.now() - t) / 1000));
  });

  it("Redis: refuses commands without the password, keeps AOF data across container re-creation", async function () {
    this.timeout(120_000);
    const volume = `${PREFIX}-redis-data`;
    await docker.run(["volume", "create", "--label", LABEL, volume]);
    const persistence = "--appendonly yes --appendfsync everysec --dir /data --maxmemory 192mb --maxmemory-policy volatile-lru";
    // `sh -c` expands the password inside the container, as the plan does.
    const commands = {
      requirepass: `exec docker-entrypoint.sh redis-server --requirepass "$REDIS_PASSWORD" ${persistence}`,
      // The plan's current form: the default user's ACL (no CONFIG, FLUSHALL, ... for clients).
      acl: `exec docker-entrypoint.sh redis-server --user default on ">$REDIS_PASSWORD" "~*" "&*" "+@all" "-@dangerous" "+info" ${persistence}`,
    };
    const runRedis = async (script: string): Promise<number> => {
      await docker.run([
        "run", "-d", "--pull", "never", "--name", `${PREFIX}-redis`, "--label", LABEL,
        "--network", NETWORKS.mainpc, "--network-alias", "redis",
        "--user", USERS.redis, ...HARDENING,
        "-p", `127.0.0.1:${ports.redis}:${PORTS.redis}`,
        "-v", `${volume}:/data`,
        "-e", `REDIS_PASSWORD=${REDIS_PASSWORD}`, "-e", `REDISCLI_AUTH=${REDIS_PASSWORD}`,
        ...healthFlags("redis-cli ping | grep -q PONG"),
        "--restart", "unless-stopped",
        IMAGES.redis, "sh", "-c", script,
      ]);
      return docker.waitHealthy(`${PREFIX}-redis`, HEALTHY_TIMEOUT_MS);
    };
    note("Redis (--requirepass) seconds to healthy", seconds(await runRedis(commands.requirepass)));

    const anonymous = await RedisWire.connect("127.0.0.1", ports.redis);
    clients.push(anonymous);
    await assert.rejects(anonymous.command(["SET", "smoke:key", "x"]), (e: unknown) => e instanceof RedisReplyError && /^NOAUTH/.test(e.message));
    await assert.rejects(anonymous.command(["AUTH", "wrong-password"]), (e: unknown) => e instanceof RedisReplyError && /WRONGPASS|invalid/i.test(e.message));

    const redis = await RedisWire.connect("127.0.0.1", ports.redis);
    clients.push(redis);
    assert.equal(await redis.command(["AUTH", REDIS_PASSWORD]), "OK");
    assert.equal(await redis.command(["SET", "smoke:key", "survives re-creation"]), "OK");
    assert.equal(await redis.command(["RPUSH", "smoke:list", "a", "b", "c"]), 3);
    assert.match(String(await redis.command(["INFO", "persistence"])), /aof_enabled:1/);
    redis.close();
    anonymous.close();
    // The image's /data is owned by redis, so the new volume is too and uid 999 can write it.
    assert.equal(await docker.run(["exec", `${PREFIX}-redis`, "stat", "-c", "%U", "/data"]), "redis");

    // A clean stop flushes the AOF; the new container mounts the same named volume.
    await docker.run(["stop", "-t", "10", `${PREFIX}-redis`]);
    await docker.run(["rm", `${PREFIX}-redis`]);
    note("Redis (ACL form) re-created on the same volume, seconds to healthy", seconds(await runRedis(commands.acl)));
    const again = await RedisWire.connect("127.0.0.1", ports.redis);
    clients.push(again);
    await assert.rejects(again.command(["GET", "smoke:key"]), (e: unknown) => e instanceof RedisReplyError && /^NOAUTH/.test(e.message));
    assert.equal(await again.command(["AUTH", REDIS_PASSWORD]), "OK");
    assert.equal(await again.command(["GET", "smoke:key"]), "survives re-creation");
    assert.deepEqual(await again.command(["LRANGE", "smoke:list", "0", "-1"]), ["a", "b", "c"]);
    await assert.rejects(again.command(["CONFIG", "GET", "appendonly"]), (e: unknown) => e instanceof RedisReplyError && /^NOPERM/.test(e.message));
  });

  it("agent stub: 2 agents turn healthy, resolve by alias and answer on their ports; SIGKILL brings a restart", async function () {
    this.timeout(180_000);
    const name = `${PREFIX}-agents`;
    const env = [
      `AGENT_NAMES=${AGENTS.map((a) => a.name).join(",")}`,
      ...AGENTS.flatMap((a) => [`${a.env}_PORT=${a.port}`, `${a.env}_HEALTH_PORT=${a.healthCheckPort}`]),
      "STUB_HEALTH_DELAY_SECONDS=2",
      "BIND_ADDRESS=0.0.0.0",
    ];
    const aliases = AGENTS.flatMap((a) => [a.name.toLowerCase(), `mainpc-${a.name.toLowerCase()}`]);
    // The plan publishes each agent's ZMQ and health ports on the host's LAN address.
    const published = AGENTS.flatMap((a) => [a.port, a.healthCheckPort]).flatMap((p) => ["-p", `${mainpcIp}:${p}:${p}`]);
    const healthScript = agentHealthScript(AGENTS.map((a) => a.healthCheckPort + 1));
    await docker.run([
      "run", "-d", "--pull", "never", "--name", name, "--label", LABEL,
      "--network", NETWORKS.mainpc, ...aliases.flatMap((a) => ["--network-alias", a]),
      "--init", "--user", USERS.agent, ...HARDENING, "--tmpfs", "/tmp",
      ...published,
      ...env.flatMap((e) => ["-e", e]),
      ...healthFlags(`python3 -c ${shellQuote(healthScript)}`),
      "--restart", "unless-stopped",
      IMAGES.agent,
    ]);
    note("agent stub (2 agents, 2 s delay) seconds to healthy", seconds(await docker.waitHealthy(name, HEALTHY_TIMEOUT_MS)));
    const logs = await docker.run(["logs", name]);
    for (const agent of AGENTS) assert.match(logs, new RegExp(`agent ${agent.name}: port ${agent.port}, health_check_port ${agent.healthCheckPort}`));

    // From other containers: the aliases resolve and the ports answer. One long-lived probe
    // container per network, used with `docker exec` (on vfs every new container copies the image).
    const probes: Record<string, string> = { [NETWORKS.mainpc]: `${PREFIX}-probe-mainpc`, [NETWORKS.pc2]: `${PREFIX}-probe-pc2` };
    for (const [network, probeName] of Object.entries(probes)) {
      await docker.run(["run", "-d", "--pull", "never", "--name", probeName, "--label", LABEL, "--network", network, "--no-healthcheck", IMAGES.agent, "sleep", "3600"]);
    }
    const probe = (network: string, args: string[]): Promise<string> => docker.run(["exec", probes[network], "netcheck", ...args], 30_000);
    const agentIp = await docker.inspect(name, `{{(index .NetworkSettings.Networks "${NETWORKS.mainpc}").IPAddress}}`);
    assert.equal(await probe(NETWORKS.mainpc, ["resolve", "nluagent"]), agentIp);
    assert.equal(await probe(NETWORKS.mainpc, ["resolve", "mainpc-modelorchestrator"]), agentIp);
    for (const agent of AGENTS) {
      await probe(NETWORKS.mainpc, ["tcp", agent.name.toLowerCase(), String(agent.port)]);
      await probe(NETWORKS.mainpc, ["tcp", agent.name.toLowerCase(), String(agent.healthCheckPort)]);
    }
    const health = JSON.parse(await probe(NETWORKS.mainpc, ["http", `http://nluagent:${AGENTS[0].healthCheckPort + 1}/health`])) as unknown;
    assert.deepEqual(health, { status: "ok", agent: "NLUAgent" });
    assert.match(await probe(NETWORKS.mainpc, ["http", `http://modelorchestrator:${AGENTS[1].healthCheckPort + 1}/metrics`]), /stub_agent_up\{agent="ModelOrchestrator"\} 1/);
    // From pc2's network: only the published ports on mainpc's LAN address reach the agents.
    await probe(NETWORKS.pc2, ["tcp", mainpcIp, String(AGENTS[0].port)]);
    await probe(NETWORKS.mainpc, ["tcp", pc2Ip, String(PORTS.natsClient)]);
    const isolated = await docker.tryRun(["exec", probes[NETWORKS.pc2], "netcheck", "tcp", agentIp, String(AGENTS[0].port), "--timeout", "2"], 30_000);
    assert.notEqual(isolated.code, 0, "pc2's network must not reach a mainpc container's own address");

    // GROUP_AGENTS_JSON (the group launcher's input) is read the same way.
    const json = JSON.stringify(AGENTS.map((a) => ({ name: a.name, module: `agents.${a.name}`, required: true, port: a.port, healthCheckPort: a.healthCheckPort })));
    const printed = JSON.parse(
      await docker.run(["exec", "-e", `GROUP_AGENTS_JSON=${json}`, probes[NETWORKS.mainpc], "python3", "/opt/ai-system-e2e/stub_agent.py", "--print-agents"]),
    ) as { name: string; httpHealthPort: number }[];
    assert.deepEqual(printed.map((a) => [a.name, a.httpHealthPort]), AGENTS.map((a) => [a.name, a.healthCheckPort + 1]));

    // A crash (SIGKILL to the container's process from outside; `docker kill` would count as a
    // manual stop): `unless-stopped` restarts it and it turns healthy again.
    const before = Number(await docker.inspect(name, "{{.RestartCount}}"));
    const pid = Number(await docker.inspect(name, "{{.State.Pid}}"));
    assert.ok(pid > 0, "the container has a process");
    const killedAt = Date.now();
    process.kill(pid, "SIGKILL");
    await waitFor("the restart after SIGKILL", 60_000, async () => {
      const [count, running] = (await docker.inspect(name, "{{.RestartCount}} {{.State.Running}}")).split(" ");
      return Number(count) > before && running === "true" ? true : undefined;
    }, 100);
    note("restart after SIGKILL (running again)", seconds((Date.now() - killedAt) / 1000));
    await docker.waitHealthy(name, HEALTHY_TIMEOUT_MS);
    note("restart after SIGKILL (healthy again)", seconds((Date.now() - killedAt) / 1000));
  });
});

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `      ${l}`)
    .join("\n");
}
