/**
 * The user's real agents in containers on both simulated hosts, deployed from the program's own
 * rendered inputs (`npm run compose`, as test/e2e/composeBringUp.e2e.ts, with the same sandbox
 * overrides): LearningAdjusterAgent in a mainpc group, MemoryOrchestratorService and
 * UnifiedMemoryReasoningAgent in a pc2 group, from the 2025-07-26 fixture tree's own code (copied
 * at test time into a temporary config root with this test's small v3 config, bound at /app), in
 * ai-system-e2e/agent-real:local: Debian's python3-zmq, -yaml, -redis, -psutil, -pydantic, -numpy,
 * the group launcher, and a stand-in for nats-py that speaks the NATS protocol to the real
 * nats-server. Each host has its own NATS (per-group users, leaf link with mutual TLS) and Redis
 * (per-group ACL users) as rendered; the credential-less real code reaches them only through the
 * launcher's relays. Stub agents (e2e/stub_agent.py) next to them behave like the real code does.
 *
 * Run as root: npm run test:e2e (mocha --config test/e2e/mocharc.json).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runComposeCommand } from "../../src/cli/composeCommand";
import { runStatusCommand } from "../../src/cli/statusCommand";
import { Machine, MACHINES, otherMachine } from "../../src/config/machine";
import { LAUNCHER_IMAGE_PATH } from "../../src/launcher/launcherContract";
import { deriveSecret } from "../../src/render/derivedSecret";
import { natsInboxPrefix } from "../../src/render/groupIdentity";
import { makeLeafCertificates } from "../../src/tls/leafCertificates";
import { e2eOverride, parseCompose, stringifyCompose } from "./composeOverride";
import { COMPOSE_BIN, DockerCli, e2eImages, ENGINE_SCRIPT, E2E_DIR, engineEnvironment, REPO_ROOT, runProgram, RunResult, runScript, seconds, stripWarnings, waitFor } from "./engine";
import { NatsMessage, NatsWire } from "./natsWire";
import { RedisWire } from "./redisWire";

const TREE = path.resolve(REPO_ROOT, "../shared/fixtures/voice-assistant-prod/2025-07-26-v3-tree");
const IMAGES = e2eImages("ai-system-e2e/agent-real:local");
const PASSWORDS: Record<Machine, { REDIS_PASSWORD: string; NATS_PASSWORD: string; NATS_LEAF_PASSWORD: string }> = {
  mainpc: { REDIS_PASSWORD: "redis-Real-Main-001", NATS_PASSWORD: "nats-Real-Main-0001", NATS_LEAF_PASSWORD: "leaf-Real-Both-0001" },
  pc2: { REDIS_PASSWORD: "redis-Real-Pc2-0002", NATS_PASSWORD: "nats-Real-Pc2-00002", NATS_LEAF_PASSWORD: "leaf-Real-Both-0001" },
};
/** The container groups of this test's config, per host. */
const GROUPS = { mainpc: ["learning", "restarter"], pc2: ["memory", "memory-clients"] } as const;
/** The real agents' script paths and ports as the tree's config gives them (config/startup_config.v3.yaml:106-109, 136-139; main_pc_code/config/startup_config.yaml:254-256). */
const STARTUP_CONFIG = `# test/e2e/realAgents.e2e.ts: the fixture tree's three agents that start with Debian packages, and stubs.
version: 3.0
global_settings:
  environment:
    PYTHONPATH: /app
    LOG_LEVEL: INFO
machine_profiles:
  mainpc:
    enabled_groups: [learning_knowledge, e2e_mainpc_stubs]
  pc2:
    enabled_groups: [pc2_memory_services, e2e_pc2_stubs]
agent_groups:
  learning_knowledge:
    LearningAdjusterAgent: {script_path: main_pc_code/FORMAINPC/LearningAdjusterAgent.py, port: 5643, health_check_port: 6643, required: true, dependencies: []}
  e2e_mainpc_stubs:
    PortPlusTwoStub: {script_path: e2e_stubs/stub_agent.py, port: 5710, health_check_port: 6710, dependencies: []}
    AutoPortStub: {script_path: e2e_stubs/stub_agent.py, port: 5720, health_check_port: 6720, dependencies: []}
    CrashLaterStub: {script_path: e2e_stubs/stub_agent.py, port: 5730, health_check_port: 6730, required: true, dependencies: []}
  pc2_memory_services:
    MemoryOrchestratorService: {script_path: pc2_code/agents/memory_orchestrator_service.py, port: 7140, health_check_port: 8140, dependencies: []}
    UnifiedMemoryReasoningAgent: {script_path: pc2_code/agents/unified_memory_reasoning_agent.py, port: 7105, health_check_port: 8105, dependencies: []}
  e2e_pc2_stubs:
    CrashAtStartStub: {script_path: e2e_stubs/stub_agent.py, port: 7150, health_check_port: 8150, dependencies: []}
    MemoryClientStub: {script_path: e2e_stubs/stub_agent.py, port: 7160, health_check_port: 8160, dependencies: [MemoryOrchestratorService]}
`;
const DOCKER_OVERRIDE = `environment:
  CONTAINER_MODE: 'true'
docker_groups:
  mainpc:
    learning: {agents: [LearningAdjusterAgent, PortPlusTwoStub, AutoPortStub], gpu: null, cpus: 1.0, memory_mb: 1024, shm_mb: 64}
    restarter: {agents: [CrashLaterStub], gpu: null, cpus: 0.5, memory_mb: 256, shm_mb: 64}
  pc2:
    memory: {agents: [MemoryOrchestratorService, UnifiedMemoryReasoningAgent, CrashAtStartStub], gpu: null, cpus: 1.0, memory_mb: 1024, shm_mb: 64}
    memory-clients: {agents: [MemoryClientStub], gpu: null, cpus: 0.5, memory_mb: 256, shm_mb: 64}
`;
/** How the stubs imitate the real code (e2e/stub_agent.py); CrashLaterStub crashes once, 40 s after its start. */
const STUBS = {
  STUB_AUTO_PORT_AGENTS: "AutoPortStub",
  STUB_CRASH_AFTER_SECONDS: "40",
  STUB_CRASH_AT_START_AGENTS: "CrashAtStartStub",
  STUB_CRASH_LATER_AGENTS: "CrashLaterStub",
  STUB_REAL_HTTP_AGENTS: "PortPlusTwoStub,MemoryClientStub",
};
/** The restarter's stub answers /health only after 20 s, so the time it is not healthy after its restart can be seen. */
const RESTARTER_HEALTH_DELAY = "20";
const BRING_UP_TIMEOUT_MS = 240_000;

/** The user's error bus (common/error_bus/nats_error_bus.py) as the agents' code calls it, run inside a group container. */
const ERROR_BUS_SCRIPT = [
  "import asyncio, json, logging, sys",
  "logging.basicConfig(level=logging.INFO, format='%(levelname)s %(name)s: %(message)s')",
  "from common.error_bus.nats_error_bus import NATSErrorBus, ErrorSeverity, ErrorCategory",
  "async def main():",
  "    bus = NATSErrorBus(agent_name=sys.argv[1])  # its default: nats://localhost:4222, no credentials",
  "    await bus.connect()",
  "    error_id = await bus.publish_error(ErrorSeverity.ERROR, ErrorCategory.DATABASE, sys.argv[2], details={'e2e': True})",
  "    print(json.dumps({'connected': bus.connected, 'errorId': error_id}), flush=True)",
  "    await bus.close()",
  "asyncio.run(main())",
].join("\n");

describe("e2e: the user's real agents in containers on both hosts, next to stubs that behave like them", function () {
  // Each step needs the ones before it. Not mocha's bail: a bailing suite is skipped whole once
  // any earlier suite of the run has failed, which would hide this one's results.
  let failed: string | null = null;
  beforeEach(function () {
    if (failed !== null) throw new Error(`not run: the earlier step "${failed}" failed`);
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed") failed = this.currentTest.title;
  });
  const startedAt = Date.now();
  let docker: DockerCli;
  let dockerHost = "";
  let lanIps: Record<Machine, string> = { mainpc: "", pc2: "" };
  let startedEngine = false;
  let workDir = "";
  let root = "";
  const files = {} as Record<Machine, any>;
  const measured: [string, string][] = [];
  const clients: { close(): void }[] = [];
  const firstHealthy = new Map<string, number>();
  const note = (what: string, value: string): void => {
    measured.push([what, value]);
    console.log(`      ${what}: ${value}`);
  };
  const project = (m: Machine): string => `aie2e-real-${m}`;
  const compose = (m: Machine, args: readonly string[], timeoutMs = 120_000): Promise<RunResult> =>
    runProgram(
      COMPOSE_BIN,
      ["--env-file", path.join(workDir, m, `${m}.env`), "-p", project(m), "-f", path.join(workDir, m, `network.${m}.e2e.yml`), "-f", path.join(workDir, m, `${m}.e2e.yml`), ...args],
      { env: { PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin", HOME: os.tmpdir(), DOCKER_HOST: dockerHost, COMPOSE_HTTP_TIMEOUT: "120" }, timeoutMs },
    );
  const containerOf = (m: Machine, key: string): string => files[m].services[key].container_name;

  function removeProject(m: Machine): Promise<string[]> {
    const written = workDir && fs.existsSync(path.join(workDir, m, `${m}.e2e.yml`));
    return docker.removeComposeProject(project(m), written ? (args, timeoutMs) => compose(m, args, timeoutMs) : null);
  }

  before(async function () {
    this.timeout(600_000);
    if (process.getuid && process.getuid() !== 0) throw new Error("the e2e tests need root (dockerd, chroot)");
    startedEngine = (await runProgram("bash", [ENGINE_SCRIPT, "status"], { timeoutMs: 20_000 })).code !== 0;
    await runScript("engine.sh", ["start"], 300_000);
    const env = await engineEnvironment();
    dockerHost = env.dockerHost;
    lanIps = { mainpc: env.mainpcIp, pc2: env.pc2Ip };
    docker = new DockerCli(dockerHost);
    let t = Date.now();
    await runScript("images.sh", ["nats", "redis", "agent-real"], 600_000);
    note("images.sh nats redis agent-real", seconds((Date.now() - t) / 1000));

    // The config root: the fixture's code (copied, never modified), this test's config, the stub.
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "aie2e-real-"));
    fs.chmodSync(workDir, 0o755);
    root = path.join(workDir, "root");
    for (const dir of ["common", "main_pc_code", "pc2_code"]) fs.cpSync(path.join(TREE, dir), path.join(root, dir), { recursive: true });
    fs.mkdirSync(path.join(root, "e2e_stubs"));
    fs.writeFileSync(path.join(root, "e2e_stubs/__init__.py"), "");
    fs.copyFileSync(path.join(E2E_DIR, "stub_agent.py"), path.join(root, "e2e_stubs/stub_agent.py"));
    fs.mkdirSync(path.join(root, "config/overrides"), { recursive: true });
    fs.writeFileSync(path.join(root, "config/startup_config.v3.yaml"), STARTUP_CONFIG);
    fs.writeFileSync(path.join(root, "config/overrides/docker.yaml"), DOCKER_OVERRIDE);
    for (const m of MACHINES) fs.writeFileSync(path.join(root, `config/overrides/${m}.yaml`), `environment:\n  MACHINE_TYPE: ${m}\n`);
    // Mount points of the named volumes inside the /app bind.
    for (const dir of ["logs", "data", "cache", "models"]) fs.mkdirSync(path.join(root, dir));
    await runProgram("chmod", ["-R", "a+rX", root], { timeoutMs: 60_000 });

    const certs = makeLeafCertificates(path.join(workDir, "leaf-certs"), lanIps.mainpc, 2);
    const pem = (f: string) => fs.readFileSync(f, "utf8");
    const leafTls: Record<Machine, Record<string, string>> = {
      mainpc: { NATS_LEAF_CA: pem(certs.ca), NATS_LEAF_CERT: pem(certs.mainpcCert), NATS_LEAF_KEY: pem(certs.mainpcKey) },
      pc2: { NATS_LEAF_CA: pem(certs.ca), NATS_LEAF_CERT: pem(certs.pc2Cert), NATS_LEAF_KEY: pem(certs.pc2Key) },
    };
    for (const m of MACHINES) {
      const out = path.join(workDir, m);
      fs.mkdirSync(out);
      const result = runComposeCommand(["--machine", m, "--config-root", root, "--out", out, "--write-env", path.join(workDir, m, `${m}.env`)], { ...PASSWORDS[m], ...leafTls[m] }, out);
      if (result.exitCode !== 0) throw new Error(`npm run compose -- --machine ${m} --config-root ${root} failed:\n${result.stderr}`);
      const machineText = fs.readFileSync(path.join(out, `docker-compose.${m}.yml`), "utf8");
      const networkText = fs.readFileSync(path.join(out, "docker-compose.network.yml"), "utf8");
      const lanFrom = parseCompose(networkText)["x-ai-system-cross-host"].lan as Record<Machine, string>;
      const o = e2eOverride(machineText, networkText, { machine: m, prefix: project(m), lanFrom, lanTo: lanIps, cpuCount: os.cpus().length, images: IMAGES, stubBehaviour: STUBS });
      const changes = [...o.changes];
      // The code: production images hold the monorepo at /app; this image holds none, so the copy is bound there.
      for (const [key, s] of Object.entries(o.machineFile.services as Record<string, any>)) {
        if (s.labels?.["ai-system.role"] !== "agent-group") continue;
        s.volumes = [...(s.volumes ?? []), `${root}:/app:ro`];
        if (key === "restarter") s.environment = { ...s.environment, STUB_HEALTH_DELAY_SECONDS: RESTARTER_HEALTH_DELAY };
      }
      changes.push(`volume ${root}:/app:ro in the group services [the agents' code: a copy of the fixture tree's common/, main_pc_code/, pc2_code/ and e2e/stub_agent.py; production images hold it at /app]`);
      if (m === "mainpc") changes.push(`STUB_HEALTH_DELAY_SECONDS=${RESTARTER_HEALTH_DELAY} in restarter [its not-healthy time after the restart lasts long enough to be seen]`);
      files[m] = o.machineFile;
      assert.deepEqual(
        Object.keys(o.machineFile.services).filter((k) => o.machineFile.services[k].labels["ai-system.role"] === "agent-group").sort(),
        [...GROUPS[m]].sort(),
      );
      fs.writeFileSync(path.join(workDir, m, `${m}.e2e.yml`), stringifyCompose(o.machineFile));
      fs.writeFileSync(path.join(workDir, m, `network.${m}.e2e.yml`), stringifyCompose(o.networkFile));
      console.log(`      e2e overrides of docker-compose.${m}.yml (everything else runs as generated):`);
      for (const change of changes) console.log(`        - ${change}`);
    }
    for (const m of MACHINES) await removeProject(m);
  });

  after(async function () {
    this.timeout(240_000);
    for (const client of clients.splice(0)) client.close();
    if (docker) {
      for (const m of MACHINES) {
        const problems = await removeProject(m);
        if (problems.length > 0) console.log(`      cleanup of ${project(m)}: ${problems.join("; ")}`);
      }
    }
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
    if (startedEngine && !process.env.E2E_KEEP_ENGINE) {
      const stop = await runProgram("bash", [ENGINE_SCRIPT, "stop"], { timeoutMs: 120_000 });
      if (stop.code !== 0) console.log(`      engine.sh stop exited ${stop.code}: ${stop.stderr}`);
    }
    console.log("      --- measured ---");
    for (const [what, value] of measured) console.log(`      ${what}: ${value}`);
    console.log(`      whole test: ${seconds((Date.now() - startedAt) / 1000)}`);
  });

  /** The launcher's status document inside a group container. */
  async function launcherStatus(m: Machine, group: string): Promise<any> {
    const r = await docker.tryRun(["exec", containerOf(m, group), "python3", LAUNCHER_IMAGE_PATH, "status", "--json"], 30_000);
    return JSON.parse(r.stdout);
  }

  /** Epoch ms of a container's first passing healthcheck, waiting for it. */
  async function waitFirstHealthy(m: Machine, key: string, since: number): Promise<number> {
    const name = containerOf(m, key);
    return waitFor(`${name} healthy`, BRING_UP_TIMEOUT_MS, async () => {
      const r = await docker.tryRun(["inspect", "--format", "{{json .State}}", name], 15_000);
      if (r.code !== 0) return undefined;
      const state = JSON.parse(r.stdout) as { Status: string; Health?: { Status: string; Log: { End: string; ExitCode: number }[] } };
      if (state.Health?.Status !== "healthy") return undefined;
      const passed = state.Health.Log.filter((e) => e.ExitCode === 0).map((e) => Date.parse(e.End.replace(/(\.\d{3})\d+/, "$1")));
      return Math.max(since, Math.min(...passed));
    }, 250);
  }

  it("brings both hosts up from the rendered files: every container healthy through its launcher's observation, each group after the ones it waits for", async function () {
    this.timeout(BRING_UP_TIMEOUT_MS + 60_000);
    const t0 = Date.now();
    await Promise.all(
      MACHINES.map(async (m) => {
        const up = await compose(m, ["up", "-d", "--no-build"], BRING_UP_TIMEOUT_MS);
        if (up.code !== 0) throw new Error(`docker-compose -p ${project(m)} up exited ${up.code}:\n${stripWarnings(up.stderr)}`);
        for (const key of GROUPS[m]) firstHealthy.set(`${m}/${key}`, await waitFirstHealthy(m, key, t0));
      }),
    );
    for (const m of MACHINES) for (const key of GROUPS[m]) note(`${m} ${key} first healthy`, seconds((firstHealthy.get(`${m}/${key}`)! - t0) / 1000));
    // memory-clients (wave 2) waits for memory: created only once memory was healthy.
    const started = Date.parse((await docker.inspect(containerOf("pc2", "memory-clients"), "{{.State.StartedAt}}")).replace(/(\.\d{3})\d+/, "$1"));
    assert.ok(started >= firstHealthy.get("pc2/memory")!, `memory-clients started ${started - firstHealthy.get("pc2/memory")!} ms before memory was healthy`);
    note("pc2 memory-clients started after memory was healthy", `+${seconds((started - firstHealthy.get("pc2/memory")!) / 1000)}`);
  });

  it("observes the real agents' /health on 5645, 7142 and 7107 (the config says 6644, 8141, 8106) and the stubs' on port + 2 and an auto-picked port", async function () {
    this.timeout(120_000);
    const learning = await launcherStatus("mainpc", "learning");
    const memory = await waitFor("CrashAtStartStub seen crash-looping", 90_000, async () => {
      const doc = await launcherStatus("pc2", "memory");
      return doc.agents.find((a: any) => a.name === "CrashAtStartStub").state === "crash-looping" ? doc : undefined;
    }, 500);
    const seen = (doc: any) => Object.fromEntries((doc.agents as any[]).map((a) => [a.name, [a.state, a.gates, a.ports, a.healthPort, a.health?.status ?? null, a.declaredPorts.httpHealthPort]]));
    assert.deepEqual(seen(learning), {
      LearningAdjusterAgent: ["healthy", true, [5643, 5644, 5645], 5645, 200, 6644],
      PortPlusTwoStub: ["healthy", false, [5710, 5712, 6710], 5712, 200, 6711],
      AutoPortStub: ["healthy", false, [5000, 5001, 5002], 5002, 200, 6721],
    });
    assert.deepEqual(seen(memory), {
      MemoryOrchestratorService: ["healthy", true, [7140, 7141, 7142], 7142, 200, 8141],
      UnifiedMemoryReasoningAgent: ["healthy", false, [7105, 7106, 7107], 7107, 200, 8106],
      CrashAtStartStub: ["crash-looping", false, [], null, null, 8151],
    });
    assert.deepEqual([learning.healthy, learning.gating, memory.healthy, memory.gating], [true, ["LearningAdjusterAgent"], true, ["MemoryOrchestratorService"]]);
    const crash = memory.agents.find((a: any) => a.name === "CrashAtStartStub");
    assert.equal(crash.logs.at(-1), "ModuleNotFoundError: No module named 'torch' (stub: STUB_CRASH_AT_START_AGENTS)");
    assert.ok(crash.restarts >= 2, JSON.stringify(crash));
    // The crash loop blocks neither its container nor the next wave.
    assert.equal(await docker.inspect(containerOf("pc2", "memory"), "{{.State.Health.Status}}"), "healthy");
    assert.equal(await docker.inspect(containerOf("pc2", "memory-clients"), "{{.State.Health.Status}}"), "healthy");
    const client = (await launcherStatus("pc2", "memory-clients")).agents[0];
    assert.deepEqual([client.name, client.state, client.healthPort], ["MemoryClientStub", "healthy", 7162]);
    const log = JSON.parse(await docker.inspect(containerOf("pc2", "memory"), "{{json .State.Health.Log}}")) as { Output: string; ExitCode: number }[];
    assert.deepEqual([log.at(-1)!.ExitCode, log.at(-1)!.Output], [0, "healthy: MemoryOrchestratorService\n"]);
    note("health ports observed", "LearningAdjusterAgent 5645, MemoryOrchestratorService 7142, UnifiedMemoryReasoningAgent 7107, PortPlusTwoStub 5712, AutoPortStub 5002 (picked 5000), MemoryClientStub 7162");
    note("optional CrashAtStartStub", `crash-looping after ${crash.restarts} restarts; memory healthy, memory-clients (wave 2) healthy`);
  });

  it("the real agents' Redis calls work through the relay: those whose start-up completes mark themselves ready (SETEX agent:ready:<name>)", async function () {
    this.timeout(120_000);
    // UnifiedMemoryReasoningAgent's own initialisation fails on a bug of its code before it would
    // mark itself ready (unified_memory_reasoning_agent.py:372), whatever Redis does.
    const expected: Record<Machine, [string, number][]> = {
      mainpc: [["LearningAdjusterAgent", 5643]],
      pc2: [["MemoryOrchestratorService", 7140]],
    };
    const umra = await docker.tryRun(["logs", containerOf("pc2", "memory")], 30_000);
    assert.match(umra.stdout + umra.stderr, /\[UnifiedMemoryReasoningAgent\] .*Unified Memory and Reasoning Agent initialization failed: 'UnifiedMemoryReasoningAgent' object has no attribute 'context_store_path'/);
    for (const m of MACHINES) {
      const redis = await RedisWire.connect(lanIps[m], 6379);
      clients.push(redis);
      const group = GROUPS[m][0];
      assert.equal(await redis.command(["AUTH", group, deriveSecret(PASSWORDS[m].REDIS_PASSWORD, `redis-user:${m}:${group}`)]), "OK");
      for (const [agent, port] of expected[m]) {
        const value = await waitFor(`agent:ready:${agent} on ${m}`, 90_000, async () => ((await redis.command(["GET", `agent:ready:${agent}`])) as string | null) ?? undefined, 500);
        const signal = JSON.parse(value) as { status: string; port: number };
        assert.deepEqual([signal.status, signal.port], ["ready", port]);
        const ttl = Number(await redis.command(["TTL", `agent:ready:${agent}`]));
        assert.ok(ttl > 0 && ttl <= 300, `TTL ${ttl}`);
      }
      const keys = ((await redis.command(["SCAN", "0", "MATCH", "agent:ready:*", "COUNT", "1000"])) as [string, string[]])[1].sort();
      assert.deepEqual(keys, expected[m].map(([a]) => `agent:ready:${a}`).sort(), `${m}: only its own agents' keys`);
      const relays = (await launcherStatus(m, group)).relays;
      assert.deepEqual([relays.redis.failures, relays.nats.failures], [0, 0]);
      assert.ok(relays.redis.connections >= 1 && relays.nats.connections >= 1, JSON.stringify(relays));
      note(`${m} Redis`, `${keys.join(", ")} written by the real agents through the relay (relay connections: Redis ${relays.redis.connections}, NATS ${relays.nats.connections})`);
    }
  });

  it("an error the real error-bus code publishes in one host's group container reaches a subscriber on the other host, both ways", async function () {
    this.timeout(180_000);
    const from: Record<Machine, { group: string; agent: string }> = {
      mainpc: { group: "learning", agent: "LearningAdjusterAgent" },
      pc2: { group: "memory", agent: "MemoryOrchestratorService" },
    };
    await Promise.all(
      MACHINES.map(async (m) => {
        const peer = otherMachine(m);
        const peerGroup = from[peer].group;
        const subscriber = await NatsWire.connect({
          host: lanIps[peer],
          port: 4222,
          user: peerGroup,
          pass: deriveSecret(PASSWORDS[peer].NATS_PASSWORD, `nats-user:${peer}:${peerGroup}`),
          name: `e2e-${peer}-subscriber`,
          inboxPrefix: natsInboxPrefix(peerGroup),
        });
        clients.push(subscriber);
        const sub = subscriber.subscribe("errors.>");
        // The leaf link carries the subscription's interest once this probe from the publishing host arrives.
        const prober = await NatsWire.connect({
          host: lanIps[m],
          port: 4222,
          user: from[m].group,
          pass: deriveSecret(PASSWORDS[m].NATS_PASSWORD, `nats-user:${m}:${from[m].group}`),
          name: `e2e-${m}-prober`,
          inboxPrefix: natsInboxPrefix(from[m].group),
        });
        clients.push(prober);
        await waitFor(`interest of ${peer}'s errors.> on ${m}`, 60_000, async () => {
          prober.publish("errors.e2e.probe", "probe");
          try {
            return (await sub.next(500)).subject === "errors.e2e.probe" ? true : undefined;
          } catch {
            return undefined;
          }
        }, 0);
        const text = `e2e: error from ${from[m].agent} on ${m}`;
        const t = Date.now();
        const exec = await docker.tryRun(["exec", "-w", "/app", containerOf(m, from[m].group), "python3", "-c", ERROR_BUS_SCRIPT, from[m].agent, text], 120_000);
        assert.equal(exec.code, 0, exec.stderr);
        const received: NatsMessage[] = [];
        for (;;) {
          const msg = await sub.next(received.length === 0 ? 30_000 : 2_000).catch(() => null);
          if (msg === null) break;
          // Only this direction's error: the other direction's runs at the same time, and its
          // host's own subscribers (this one included) see it too.
          if (msg.subject !== "errors.e2e.probe" && msg.data.toString().includes(JSON.stringify(text))) received.push(msg);
        }
        const result = JSON.parse(exec.stdout.trim().split("\n").at(-1)!) as { connected: boolean; errorId: string | null };
        // The error bus's error_cb logs what the server refused (nats_error_bus.py _error_callback).
        const refused = /Permissions Violation for Subscription to "_INBOX\.[A-Za-z0-9]+\.\*"/.exec(exec.stderr);
        assert.ok(received.length >= 1, `${peer} received nothing from ${m}`);
        const first = received[0]!;
        const body = JSON.parse(first.data.toString()) as { agent_name: string; message: string; severity: string; category: string };
        assert.deepEqual([first.subject, body.agent_name, body.message, body.severity, body.category], ["errors.events", from[m].agent, text, "error", "database"]);
        assert.match(first.headers ?? "", new RegExp(`agent: ${from[m].agent}\\r\\n`));
        // The relay maps the code's `_INBOX.` into the group's inbox prefix (issue 13), so the
        // July-2025 code's JetStream publish is acknowledged without an inbox_prefix of its own.
        assert.equal(refused, null, `the server refused the error bus's inbox:\n${exec.stderr}`);
        assert.notEqual(result.errorId, null, `no JetStream ack; the error bus's log:\n${exec.stderr}`);
        assert.deepEqual(received.map((r) => r.subject), ["errors.events", `errors.agents.${from[m].agent}`]);
        note(`error bus ${m} -> ${peer}`, `${received.map((r) => r.subject).join(", ")} received, acked by JetStream (error ${result.errorId}; the exec and the delivery took ${seconds((Date.now() - t) / 1000)})`);
        assert.equal(result.connected, true);
      }),
    );
  });

  it("an error MemoryOrchestratorService itself reports (a bad add_memory request) never reaches NATS: its error bus runs on an event loop the agent closed", async function () {
    this.timeout(120_000);
    // BaseAgent connects the error bus on a new event loop in a thread and closes that loop
    // (common/core/base_agent.py:480-503); report_error later runs on another loop
    // (_report_error_sync), so the client's flush queue, bound to the closed loop, cannot wake its
    // flusher (nats-py's structure, which the stand-in follows).
    const t = Date.now();
    const request = [
      "import json, zmq",
      "s = zmq.Context().socket(zmq.REQ)",
      "s.setsockopt(zmq.RCVTIMEO, 60000)",
      "s.connect('tcp://127.0.0.1:7140')",
      "s.send_json({'action': 'add_memory', 'data': {'no_such_field': 1}})",
      "print(json.dumps(s.recv_json()))",
    ].join("\n");
    const reply = JSON.parse(await docker.run(["exec", containerOf("pc2", "memory"), "python3", "-c", request], 90_000)) as { status: string; message: string };
    assert.equal(reply.status, "error");
    assert.match(reply.message, /^Invalid memory format: /);
    const logs = await waitFor("MemoryOrchestratorService's error-bus log line", 60_000, async () => {
      const r = await docker.tryRun(["logs", "--since", new Date(t - 2000).toISOString(), containerOf("pc2", "memory")], 15_000);
      const text = r.stdout + r.stderr;
      return /\[MemoryOrchestratorService\] .*Failed to publish error: Event loop is closed/.test(text) ? text : undefined;
    }, 500);
    assert.ok(logs.length > 0);
    note("MemoryOrchestratorService's own report_error", `reply "${reply.status}: ${reply.message.slice(0, 40)}..."; its log: "Failed to publish error: Event loop is closed"`);
  });

  it("a required agent that crashes later makes its container unhealthy, Docker restarts it and it turns healthy; npm run status says so (exit 1, then 0)", async function () {
    this.timeout(240_000);
    const name = containerOf("mainpc", "restarter");
    const since = new Date(Date.now() - 600_000).toISOString();
    // Running again after Docker's restart (RestartCount counts from the moment it is "restarting").
    await waitFor("the restarter's restart", 120_000, async () => {
      const [count, state] = (await docker.inspect(name, "{{.RestartCount}} {{.State.Status}}")).trim().split(" ");
      return Number(count) >= 1 && state === "running" ? true : undefined;
    }, 250);
    const restartedAt = Date.now();
    const during = await runStatusCommand(["--machine", "mainpc", "--docker-host", dockerHost], {});
    const duringSeconds = (Date.now() - restartedAt) / 1000;
    assert.equal(during.exitCode, 1, during.stdout);
    const lines = during.stdout.split("\n");
    assert.equal(lines[0], "mainpc: NOT every gating agent is healthy", during.stderr);
    assert.ok(lines.some((l) => new RegExp(`^${name}  running \\(starting\\)  restarts 1$`).test(l)), during.stdout);
    assert.ok(lines.some((l) => /^ {2}CrashLaterStub +starting +gates +restarts 0 /.test(l)), during.stdout);
    const dies = await docker.run(["events", "--since", since, "--until", new Date().toISOString(), "--filter", `container=${name}`, "--filter", "event=die", "--format", "{{.Actor.Attributes.exitCode}}"], 30_000);
    assert.deepEqual(dies.split("\n").filter(Boolean), ["1"], "the launcher exited 1 once");
    const logs = await docker.tryRun(["logs", name], 30_000);
    assert.match(logs.stdout + logs.stderr, /required agent CrashLaterStub exited with code 3 after \d+\.\ds; stopping the group/);
    const healthyAgain = await docker.waitHealthy(name, 120_000);
    note("required CrashLaterStub crash", `container exited 1 and was restarted by Docker; npm run status exit 1 (${seconds(duringSeconds)} after the restart), healthy again ${seconds((Date.now() - restartedAt) / 1000)} after the restart (waited ${seconds(healthyAgain)})`);

    for (const m of MACHINES) {
      const r = await runStatusCommand(["--machine", m, "--docker-host", dockerHost], {});
      assert.equal(r.exitCode, 0, r.stdout);
      const out = r.stdout.split("\n");
      assert.equal(out[0], `${m}: every gating agent is healthy`);
      const rows: Record<Machine, RegExp[]> = {
        mainpc: [
          /^ {2}LearningAdjusterAgent +healthy +gates +restarts 0 +observed 5643,5644,5645 declared 5643,6643,6644; \/health on 5645: 200$/,
          /^ {2}PortPlusTwoStub +healthy +optional restarts 0 +observed 5710,5712,6710 declared 5710,6710,6711; \/health on 5712: 200$/,
          /^ {2}AutoPortStub +healthy +optional restarts 0 +observed 5000,5001,5002 declared 5720,6720,6721; \/health on 5002: 200$/,
          /^ {2}CrashLaterStub +healthy +gates +restarts 0 +observed 5730,6730,6731 declared 5730,6730,6731; \/health on 6731: 200$/,
        ],
        pc2: [
          /^ {2}MemoryOrchestratorService +healthy +gates +restarts 0 +observed 7140,7141,7142 declared 7140,8140,8141; \/health on 7142: 200$/,
          /^ {2}UnifiedMemoryReasoningAgent +healthy +optional restarts 0 +observed 7105,7106,7107 declared 7105,8105,8106; \/health on 7107: 200$/,
          /^ {2}CrashAtStartStub +crash-looping optional restarts \d+ +observed - declared 7150,8150,8151; /,
          /^ {2}MemoryClientStub +healthy +optional restarts 0 +observed 7160,7162,8160 declared 7160,8160,8161; \/health on 7162: 200$/,
        ],
      };
      for (const row of rows[m]) assert.ok(out.some((l) => row.test(l)), `${m}: no line matching ${row}\n${r.stdout}`);
      const containers = out.filter((l) => /^\S/.test(l)).slice(1).map((l) => l.split("  ")[0]!).sort();
      assert.deepEqual(containers, [...GROUPS[m].map((g) => containerOf(m, g)), containerOf(m, "config-init"), containerOf(m, "nats"), containerOf(m, "nats-store-init"), containerOf(m, "redis")].sort());
      note(`npm run status --machine ${m}`, `exit 0, ${containers.length} containers`);
      console.log(out.map((l) => `        ${l}`).join("\n"));
    }
  });
});
