/**
 * Both hosts of the project's default configuration on a real Docker engine, from the compose
 * export (`npm run compose`): mainpc and pc2 as two compose projects on the private engine of
 * e2e/engine.sh, each on its own network, talking across "hosts" only through ports published
 * on the sandbox's LAN addresses (10.213.255.1 / .2), as on the real LAN.
 *
 * The generated files run as they are except for the overrides this sandbox forces
 * (test/e2e/composeOverride.ts; printed at the start). Measured and printed: seconds from
 * `up` to all-healthy per host, waves, health-gated start order, restart after SIGKILL, the
 * whole runtime. Everything it creates is removed at the end (`down -v`), also after a failure;
 * an engine it started is stopped.
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
import { natsInboxPrefix } from "../../src/render/groupIdentity";
import { deriveSecret } from "../../src/render/derivedSecret";
import { agentEnvName } from "../../src/render/names";
import { LAUNCHER_IMAGE_PATH } from "../../src/launcher/launcherContract";
import { makeLeafCertificates } from "../../src/tls/leafCertificates";
import { CRASHING_AGENTS, e2eOverride, OverrideResult, parseCompose, stringifyCompose } from "./composeOverride";
import { COMPOSE_BIN, DockerCli, e2eImages, ENGINE_SCRIPT, engineEnvironment, runProgram, RunResult, runScript, seconds, sleep, stripWarnings, waitFor } from "./engine";
import { crossDelivery, NatsWire } from "./natsWire";
import { RedisReplyError, RedisWire } from "./redisWire";

const IMAGES = e2eImages("ai-system-e2e/agent-stub:local");
/** Per-host passwords (the leaf password is shared, as the stacks require). */
const PASSWORDS: Record<Machine, { REDIS_PASSWORD: string; NATS_PASSWORD: string; NATS_LEAF_PASSWORD: string }> = {
  mainpc: { REDIS_PASSWORD: "redis-E2e-Main-0001", NATS_PASSWORD: "nats-E2e-Main-0001", NATS_LEAF_PASSWORD: "leaf-E2e-Both-0001" },
  pc2: { REDIS_PASSWORD: "redis-E2e-Pc2-00002", NATS_PASSWORD: "nats-E2e-Pc2-000002", NATS_LEAF_PASSWORD: "leaf-E2e-Both-0001" },
};
/** The container group whose NATS and Redis identity the test uses on each host (the first group). */
function firstGroup(compose: { services: Record<string, { labels?: Record<string, string> }> }): string {
  const group = Object.entries(compose.services).find(([, s]) => s.labels?.["ai-system.role"] === "agent-group");
  if (group === undefined) throw new Error("no agent group in the compose file");
  return group[0];
}
const BRING_UP_TIMEOUT_MS = 240_000;
const TOTAL_BUDGET_S = 600;

interface ContainerState {
  readonly name: string;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  status: string;
  health: string | null;
  /** Health log entries seen while polling, by start time (Docker keeps only the last five). */
  readonly healthLog: Map<string, { end: number; exitCode: number }>;
}

interface BringUp {
  readonly machine: Machine;
  readonly round: number;
  readonly upSeconds: number;
  readonly allHealthySeconds: number;
  readonly waves: number;
  readonly plannedWaves: number;
  readonly rows: string[];
}

/** Docker's RFC 3339 timestamps with nanoseconds, in epoch milliseconds (0 for Go's zero time). */
function epochMs(text: string): number {
  if (text.startsWith("0001-")) return 0;
  const ms = Date.parse(text.replace(/(\.\d{3})\d+/, "$1"));
  assert.ok(Number.isFinite(ms), `timestamp ${text}`);
  return ms;
}

function indent(text: string, by = "      "): string {
  return text
    .split("\n")
    .map((l) => `${by}${l}`)
    .join("\n");
}

/** Checks from inside a container: resolve names and TCP-connect to host:port pairs (JSON in, JSON out). */
const PROBE_SCRIPT = [
  "import json, socket, sys",
  "job = json.loads(sys.argv[1])",
  "out = {'resolved': {}, 'connected': {}}",
  "for name in job['resolve']:",
  "    try:",
  "        out['resolved'][name] = socket.gethostbyname(name)",
  "    except Exception as error:",
  "        out['resolved'][name] = 'ERROR ' + str(error)",
  "for host, port in job['connect']:",
  "    try:",
  "        socket.create_connection((host, port), timeout=3).close()",
  "        out['connected']['%s:%d' % (host, port)] = 'ok'",
  "    except Exception as error:",
  "        out['connected']['%s:%d' % (host, port)] = 'ERROR ' + str(error)",
  "print(json.dumps(out))",
].join("\n");

describe("e2e: mainpc and pc2 from the compose export on a real Docker engine", function () {
  this.bail(true);
  const startedAt = Date.now();
  let docker: DockerCli;
  let dockerHost = "";
  let lanIps: Record<Machine, string> = { mainpc: "", pc2: "" };
  let startedEngine = false;
  let workDir = "";
  let leafTls = {} as Record<Machine, Record<string, string>>;
  const groups = {} as Record<Machine, string>;
  const overrides = {} as Record<Machine, OverrideResult>;
  const originals = {} as Record<Machine, any>;
  const e2eFiles = {} as Record<Machine, any>;
  const bringUps: BringUp[] = [];
  const measured: [string, string][] = [];
  const clients: { close(): void }[] = [];
  const note = (what: string, value: string): void => {
    measured.push([what, value]);
    console.log(`      ${what}: ${value}`);
  };

  const project = (m: Machine): string => `aie2e-${m}`;
  const composeArgs = (m: Machine): string[] => [
    "--env-file",
    path.join(workDir, `${m}.env`),
    "-p",
    project(m),
    "-f",
    path.join(workDir, `docker-compose.network.${m}.e2e.yml`),
    "-f",
    path.join(workDir, `docker-compose.${m}.e2e.yml`),
  ];
  /** docker-compose against the private engine, in a clean environment (a shell's REDIS_PASSWORD would win over the env file). */
  const compose = (m: Machine, args: readonly string[], timeoutMs = 120_000): Promise<RunResult> =>
    runProgram(COMPOSE_BIN, [...composeArgs(m), ...args], {
      env: { PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin", HOME: os.tmpdir(), DOCKER_HOST: dockerHost, COMPOSE_HTTP_TIMEOUT: "120" },
      timeoutMs,
    });
  const mustCompose = async (m: Machine, args: readonly string[], timeoutMs = 120_000): Promise<RunResult> => {
    const r = await compose(m, args, timeoutMs);
    if (r.code !== 0) throw new Error(`docker-compose -p ${project(m)} ${args.join(" ")} exited ${r.code}:\n${stripWarnings(r.stderr)}`);
    return r;
  };
  const services = (m: Machine): Record<string, any> => e2eFiles[m].services;
  const containerOf = (m: Machine, key: string): string => services(m)[key].container_name;
  const networkOf = (m: Machine): string => Object.values(parseCompose(fs.readFileSync(path.join(workDir, `docker-compose.network.${m}.e2e.yml`), "utf8")).networks as Record<string, { name: string }>)[0]!.name;

  before(async function () {
    this.timeout(540_000);
    if (process.getuid && process.getuid() !== 0) throw new Error("the e2e tests need root (dockerd, chroot)");
    const status = await runProgram("bash", [ENGINE_SCRIPT, "status"], { timeoutMs: 20_000 });
    startedEngine = status.code !== 0;
    let t = Date.now();
    // Fails loudly (with dockerd's reason) when the engine cannot start on this machine.
    await runScript("engine.sh", ["start"], 300_000);
    note("engine start (incl. any package install)", seconds((Date.now() - t) / 1000));
    if (!fs.existsSync(COMPOSE_BIN)) throw new Error(`${COMPOSE_BIN} is missing although e2e/engine.sh start installs docker-compose`);
    const env = await engineEnvironment();
    dockerHost = env.dockerHost;
    lanIps = { mainpc: env.mainpcIp, pc2: env.pc2Ip };
    docker = new DockerCli(dockerHost);
    t = Date.now();
    await runScript("images.sh", [], 420_000);
    note("images.sh", seconds((Date.now() - t) / 1000));

    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "aie2e-compose-"));
    // The leaf link's mutual TLS: certificates for this run's mainpc address, as an operator makes them.
    const certs = makeLeafCertificates(path.join(workDir, "leaf-certs"), lanIps.mainpc, 2);
    const pem = (f: string) => fs.readFileSync(f, "utf8");
    leafTls = {
      mainpc: { NATS_LEAF_CA: pem(certs.ca), NATS_LEAF_CERT: pem(certs.mainpcCert), NATS_LEAF_KEY: pem(certs.mainpcKey) },
      pc2: { NATS_LEAF_CA: pem(certs.ca), NATS_LEAF_CERT: pem(certs.pc2Cert), NATS_LEAF_KEY: pem(certs.pc2Key) },
    };
    const cpuCount = os.cpus().length;
    for (const m of MACHINES) {
      // Part 1's command, as an operator runs it (the env file from the passwords in its environment).
      const result = runComposeCommand(["--machine", m, "--out", workDir, "--write-env", `${m}.env`], { ...PASSWORDS[m], ...leafTls[m] }, workDir);
      if (result.exitCode !== 0) throw new Error(`npm run compose -- --machine ${m} failed:\n${result.stderr}`);
      fs.renameSync(path.join(workDir, "docker-compose.network.yml"), path.join(workDir, `docker-compose.network.from-${m}.yml`));
      const machineText = fs.readFileSync(path.join(workDir, `docker-compose.${m}.yml`), "utf8");
      const networkText = fs.readFileSync(path.join(workDir, `docker-compose.network.from-${m}.yml`), "utf8");
      originals[m] = parseCompose(machineText);
      groups[m] = firstGroup(originals[m]);
      const lanFrom = parseCompose(networkText)["x-ai-system-cross-host"].lan as Record<Machine, string>;
      overrides[m] = e2eOverride(machineText, networkText, { machine: m, prefix: project(m), lanFrom, lanTo: lanIps, cpuCount, images: IMAGES });
      e2eFiles[m] = overrides[m].machineFile;
      fs.writeFileSync(path.join(workDir, `docker-compose.${m}.e2e.yml`), stringifyCompose(overrides[m].machineFile));
      fs.writeFileSync(path.join(workDir, `docker-compose.network.${m}.e2e.yml`), stringifyCompose(overrides[m].networkFile));
      console.log(`      e2e overrides of docker-compose.${m}.yml (everything else runs as generated):`);
      for (const change of overrides[m].changes) console.log(`        - ${change}`);
    }
    assert.equal(
      fs.readFileSync(path.join(workDir, "docker-compose.network.from-mainpc.yml"), "utf8"),
      fs.readFileSync(path.join(workDir, "docker-compose.network.from-pc2.yml"), "utf8"),
      "both hosts get the same network file",
    );
    fs.renameSync(path.join(workDir, "docker-compose.network.from-mainpc.yml"), path.join(workDir, "docker-compose.network.yml"));
    // Leftovers of an interrupted earlier run (whatever files it had).
    for (const m of MACHINES) await removeProject(m);
  });

  /** `down -v` with the test's files when they exist, then anything still labelled with the project. */
  function removeProject(m: Machine): Promise<string[]> {
    const written = workDir && fs.existsSync(path.join(workDir, `docker-compose.${m}.e2e.yml`)) && fs.existsSync(path.join(workDir, `${m}.env`));
    return docker.removeComposeProject(project(m), written ? (args, timeoutMs) => compose(m, args, timeoutMs) : null);
  }

  after(async function () {
    this.timeout(240_000);
    for (const client of clients.splice(0)) client.close();
    if (docker) {
      for (const m of MACHINES) {
        const problems = await removeProject(m);
        if (problems.length > 0) console.log(`      cleanup of ${project(m)}: ${problems.join("; ")}`);
      }
      const left = await docker.tryRun(["ps", "-aq", "--filter", "label=com.docker.compose.project"], 15_000);
      const volumes = await docker.tryRun(["volume", "ls", "-q", "--filter", "name=aie2e-"], 15_000);
      if (left.stdout.trim() !== "" || volumes.stdout.trim() !== "") console.log(`      left after cleanup: ${left.stdout.trim()} ${volumes.stdout.trim()}`);
    }
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
    if (startedEngine && !process.env.E2E_KEEP_ENGINE) {
      const stop = await runProgram("bash", [ENGINE_SCRIPT, "stop"], { timeoutMs: 120_000 });
      if (stop.code !== 0) console.log(`      engine.sh stop exited ${stop.code}: ${stop.stderr}`);
    }
    const total = (Date.now() - startedAt) / 1000;
    console.log("      --- measured ---");
    for (const b of bringUps) {
      console.log(`      ${b.machine} bring-up ${b.round}: all healthy ${seconds(b.allHealthySeconds)} after up (up -d returned after ${seconds(b.upSeconds)}), ${b.waves} waves of groups (plan: ${b.plannedWaves})`);
    }
    for (const [what, value] of measured) console.log(`      ${what}: ${value}`);
    console.log(`      whole e2e (set-up, both bring-ups twice, checks, clean-up${startedEngine ? ", engine stop" : ""}): ${seconds(total)}`);
    if (total > TOTAL_BUDGET_S) throw new Error(`the e2e took ${seconds(total)}, over its ${TOTAL_BUDGET_S} s budget`);
  });

  /** Polls every container of the project: start and finish times, status and every health log entry. */
  async function pollStates(m: Machine, states: Map<string, ContainerState>): Promise<void> {
    const ids = (await docker.tryRun(["ps", "-aq", "--filter", `label=com.docker.compose.project=${project(m)}`], 15_000)).stdout.trim().split("\n").filter(Boolean);
    if (ids.length === 0) return;
    const r = await docker.tryRun(["inspect", ...ids], 15_000);
    if (r.code !== 0) return;
    for (const c of JSON.parse(r.stdout) as any[]) {
      const name = String(c.Name).replace(/^\//, "");
      const state = states.get(name) ?? { name, startedAt: 0, finishedAt: 0, exitCode: -1, status: "", health: null, healthLog: new Map() };
      state.startedAt = epochMs(c.State.StartedAt);
      state.finishedAt = epochMs(c.State.FinishedAt);
      state.exitCode = c.State.ExitCode;
      state.status = c.State.Status;
      state.health = c.State.Health?.Status ?? null;
      for (const entry of c.State.Health?.Log ?? []) state.healthLog.set(entry.Start, { end: epochMs(entry.End), exitCode: entry.ExitCode });
      states.set(name, state);
    }
  }

  const firstHealthy = (s: ContainerState): number => Math.min(...[...s.healthLog.values()].filter((e) => e.exitCode === 0).map((e) => e.end));

  /** `up -d` one host, poll until every service is healthy (and the init completed), then check the start order. */
  async function bringUp(m: Machine, round: number): Promise<BringUp> {
    const states = new Map<string, ContainerState>();
    const keys = Object.keys(services(m));
    const once = new Set(keys.filter((k) => services(m)[k]["x-ai-system"].lifecycle === "once"));
    const done = (): boolean =>
      keys.every((k) => {
        const s = states.get(containerOf(m, k));
        if (s === undefined) return false;
        return once.has(k) ? s.status === "exited" && s.exitCode === 0 : s.health === "healthy" && Number.isFinite(firstHealthy(s));
      });
    const t0 = Date.now();
    let upResult: RunResult | null = null;
    let upSeconds = 0;
    const up = compose(m, ["up", "-d", "--no-build"], BRING_UP_TIMEOUT_MS).then((r) => {
      upResult = r;
      upSeconds = (Date.now() - t0) / 1000;
    });
    while (Date.now() - t0 < BRING_UP_TIMEOUT_MS) {
      await pollStates(m, states);
      if (upResult !== null && (upResult as RunResult).code !== 0) break;
      if (upResult !== null && done()) break;
      await sleep(250);
    }
    await up;
    const result = upResult as RunResult | null;
    if (result === null || result.code !== 0 || !done()) {
      const summary = keys.map((k) => {
        const s = states.get(containerOf(m, k));
        return `${k}: ${s ? `${s.status} ${s.health ?? ""} exit ${s.exitCode}` : "not created"}`;
      });
      throw new Error(`${m} did not come up healthy:\n${summary.join("\n")}\n${result ? stripWarnings(result.stderr) : "docker-compose up still running"}`);
    }
    // Health-gated order: nothing started before its dependencies were healthy (or, for the init, had exited 0).
    const rows: string[] = [];
    const at = (ms: number): string => `+${((ms - t0) / 1000).toFixed(1)}s`;
    for (const k of keys) {
      const s = states.get(containerOf(m, k))!;
      const dependencies = Object.entries((services(m)[k].depends_on ?? {}) as Record<string, { condition: string }>);
      for (const [d, { condition }] of dependencies) {
        const dep = states.get(containerOf(m, d))!;
        const ready = condition === "service_healthy" ? firstHealthy(dep) : dep.finishedAt;
        if (condition === "service_completed_successfully") assert.equal(dep.exitCode, 0, `${d} exited 0`);
        assert.ok(s.startedAt >= ready, `${m}: ${k} started at ${at(s.startedAt)}, before ${d} was ${condition === "service_healthy" ? "healthy" : "done"} (${at(ready)})`);
      }
      const ready = once.has(k) ? `exited 0 ${at(s.finishedAt)}` : `healthy ${at(firstHealthy(s))}`;
      rows.push(`${k.padEnd(22)} started ${at(s.startedAt).padStart(7)}  ${ready.padEnd(18)} after ${dependencies.map(([d]) => d).join(", ") || "-"}`);
    }
    // Waves as observed: the longest chain of groups each started after the previous one was healthy.
    const groups = keys.filter((k) => services(m)[k]["x-ai-system"].role === "agent-group");
    const observed = new Map<string, number>();
    for (const g of [...groups].sort((a, b) => states.get(containerOf(m, a))!.startedAt - states.get(containerOf(m, b))!.startedAt)) {
      const start = states.get(containerOf(m, g))!.startedAt;
      const before = [...observed].filter(([h]) => firstHealthy(states.get(containerOf(m, h))!) <= start).map(([, w]) => w);
      observed.set(g, 1 + Math.max(0, ...before));
    }
    // Waves as planned: the depth of the group dependency graph.
    const depth = new Map<string, number>();
    const depthOf = (g: string): number => {
      const known = depth.get(g);
      if (known !== undefined) return known;
      const deps = Object.keys(services(m)[g].depends_on ?? {}).filter((d) => groups.includes(d));
      const d = 1 + Math.max(0, ...deps.map(depthOf));
      depth.set(g, d);
      return d;
    };
    const plannedWaves = Math.max(...groups.map(depthOf));
    const waves = Math.max(...observed.values());
    const allHealthy = Math.max(...keys.filter((k) => !once.has(k)).map((k) => firstHealthy(states.get(containerOf(m, k))!)));
    const b: BringUp = { machine: m, round, upSeconds, allHealthySeconds: (allHealthy - t0) / 1000, waves, plannedWaves, rows };
    bringUps.push(b);
    console.log(`      ${m} bring-up ${round}: ${keys.length} containers, all healthy after ${seconds(b.allHealthySeconds)}, ${waves} waves of groups (plan ${plannedWaves})`);
    console.log(indent(rows.join("\n"), "        "));
    assert.equal(waves, plannedWaves, `${m}: observed waves`);
    return b;
  }

  it("runs the generated files: valid for docker-compose, with the GPU reservations and start intervals the overrides remove", async function () {
    this.timeout(60_000);
    for (const m of MACHINES) {
      const r = await runProgram(
        COMPOSE_BIN,
        ["--env-file", path.join(workDir, `${m}.env`), "-f", path.join(workDir, "docker-compose.network.yml"), "-f", path.join(workDir, `docker-compose.${m}.yml`), "config", "-q"],
        { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: os.tmpdir() }, timeoutMs: 30_000 },
      );
      assert.equal(r.code, 0, `docker-compose config of the generated ${m} files: ${r.stderr}`);
      const gpuGroups = Object.entries(originals[m].services as Record<string, any>).filter(([, s]) => s["x-ai-system"].vram_mb !== null);
      assert.ok(gpuGroups.length > 0, `${m} has GPU groups`);
      assert.deepEqual(Object.keys(overrides[m].gpuReservations).sort(), gpuGroups.map(([k]) => k).sort());
      for (const [key, devices] of Object.entries(overrides[m].gpuReservations)) {
        const [device] = devices as { driver: string; device_ids: string[]; capabilities: string[] }[];
        assert.equal(device?.driver, "nvidia", key);
        assert.ok((device?.device_ids.length ?? 0) > 0, key);
        assert.deepEqual(device?.capabilities, ["gpu"], key);
      }
      const withHealthcheck = Object.entries(originals[m].services as Record<string, any>).filter(([, s]) => s.healthcheck !== undefined);
      assert.deepEqual(Object.keys(overrides[m].startIntervals).sort(), withHealthcheck.map(([k]) => k).sort());
      note(`${m}: GPU reservations in the generated file`, Object.entries(overrides[m].gpuReservations).map(([k, d]) => `${k} ${JSON.stringify(d)}`).join("; "));
    }
  });

  it("brings up mainpc: every container healthy, each only after its dependencies were healthy", async function () {
    this.timeout(BRING_UP_TIMEOUT_MS + 30_000);
    await bringUp("mainpc", 1);
  });

  it("brings up pc2 the same way", async function () {
    this.timeout(BRING_UP_TIMEOUT_MS + 30_000);
    await bringUp("pc2", 1);
  });

  it("resolves every agent alias inside the group containers; the other host's agent names reach the other host", async function () {
    this.timeout(120_000);
    for (const m of MACHINES) {
      const peer = otherMachine(m);
      const network = networkOf(m);
      // Which container owns each alias, and its address on the host network.
      const expected = new Map<string, string>();
      const localPorts: [string, number][] = [];
      for (const s of Object.values(services(m))) {
        if (s["x-ai-system"].role !== "agent-group") continue;
        const ip = await docker.inspect(s.container_name, `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`);
        for (const alias of s.networks["ai-system"].aliases as string[]) expected.set(alias, ip);
        // An agent that crashes at every start (CRASHING_AGENTS) listens on nothing: its name still resolves.
        for (const agent of String(s.environment.AGENT_NAMES).split(",").filter((a) => !CRASHING_AGENTS.includes(a))) {
          localPorts.push([agent.toLowerCase(), Number(s.environment[`${agentEnvName(agent)}_PORT`])]);
        }
      }
      // The other host's agents and their ports, from the other host's file; only those its
      // agents' dependants need (or `publish` names) are published, so only those answer.
      const peerPorts = new Map<string, number>();
      const peerPublished = new Set<number>();
      for (const s of Object.values(services(peer))) {
        if (s["x-ai-system"].role !== "agent-group") continue;
        for (const agent of String(s.environment.AGENT_NAMES).split(",").filter((a) => !CRASHING_AGENTS.includes(a))) {
          peerPorts.set(agent, Number(s.environment[`${agentEnvName(agent)}_PORT`]));
        }
        for (const binding of (s.ports ?? []) as string[]) peerPublished.add(Number(binding.split(":")[1]));
      }
      const [probeKey, probe] = Object.entries(services(m)).filter(([, s]) => s["x-ai-system"].role === "agent-group").pop()!;
      const hostEntries = new Map((probe.extra_hosts as string[]).map((h) => [h.slice(0, h.lastIndexOf(":")), h.slice(h.lastIndexOf(":") + 1)]));
      const connect: [string, number][] = [...localPorts, ...[...peerPorts].map(([agent, port]) => [`${peer}-${agent.toLowerCase()}`, port] as [string, number])];
      const job = { resolve: [...expected.keys(), ...hostEntries.keys()], connect };
      const out = JSON.parse(await docker.run(["exec", probe.container_name, "python3", "-c", PROBE_SCRIPT, JSON.stringify(job)], 120_000)) as {
        resolved: Record<string, string>;
        connected: Record<string, string>;
      };
      for (const [alias, ip] of expected) assert.equal(out.resolved[alias], ip, `${m}: ${alias} from ${probeKey}`);
      for (const [host, ip] of hostEntries) {
        assert.equal(ip, lanIps[peer], `${m}: host entry ${host}`);
        assert.equal(out.resolved[host], ip, `${m}: ${host} from ${probeKey}`);
      }
      const peerTarget = new Map([...peerPorts].map(([agent, port]) => [`${peer}-${agent.toLowerCase()}:${port}`, port]));
      for (const [target, result] of Object.entries(out.connected)) {
        const port = peerTarget.get(target);
        if (port === undefined || peerPublished.has(port)) assert.equal(result, "ok", `${m}: TCP ${target} from ${probeKey}`);
        else assert.notEqual(result, "ok", `${m}: TCP ${target} from ${probeKey} must not answer: the port is not published`);
      }
      assert.ok(peerPorts.size > 0 && [...peerPorts.keys()].every((a) => hostEntries.has(`${peer}-${a.toLowerCase()}`)), `${m}: a host entry for every ${peer} agent`);
      const published = [...peerPorts.values()].filter((p) => peerPublished.has(p)).length;
      note(
        `${m}: names checked from inside ${probeKey}`,
        `${expected.size} local aliases resolved to their containers, ${hostEntries.size} host entries -> ${lanIps[peer]}, ${localPorts.length} local and ${published} published ${peer} agent ports answered, ${peerPorts.size - published} unpublished ${peer} agent ports did not`,
      );
    }
  });

  /** The launcher's status document inside a group container. */
  async function launcherStatus(m: Machine, group: string): Promise<any> {
    const r = await docker.tryRun(["exec", containerOf(m, group), "python3", LAUNCHER_IMAGE_PATH, "status", "--json"], 30_000);
    return JSON.parse(r.stdout);
  }

  it("the launchers found where the agents really serve /health; an optional agent's crash loop does not gate", async function () {
    this.timeout(120_000);
    const core = await launcherStatus("mainpc", "core-platform");
    const twin = core.agents.find((a: any) => a.name === "SystemDigitalTwin");
    assert.deepEqual(
      [core.healthy, twin.state, twin.gates, twin.ports, twin.healthPort, twin.health.status, twin.declaredNotListening],
      [true, "healthy", true, [7220, 7222, 8220], 7222, 200, [8221]],
    );
    assert.deepEqual(twin.undeclaredPorts, [7222]);
    const reasoning = await waitFor("CognitiveModelAgent to be seen crash-looping", 60_000, async () => {
      const doc = await launcherStatus("mainpc", "reasoning-gpu");
      return doc.agents.find((a: any) => a.name === "CognitiveModelAgent").state === "crash-looping" ? doc : undefined;
    }, 500);
    const cognitive = reasoning.agents.find((a: any) => a.name === "CognitiveModelAgent");
    assert.deepEqual([reasoning.healthy, cognitive.gates, cognitive.logs.at(-1)], [true, false, "ModuleNotFoundError: No module named 'torch' (stub: STUB_CRASH_AT_START_AGENTS)"]);
    assert.ok(cognitive.restarts >= 2, JSON.stringify(cognitive));
    assert.equal(await docker.inspect(containerOf("mainpc", "reasoning-gpu"), "{{.State.Health.Status}}"), "healthy");
    // language-stack-gpu (wave 4) waits for reasoning-gpu: the bring-up saw it healthy after it.
    assert.equal(await docker.inspect(containerOf("mainpc", "language-stack-gpu"), "{{.State.Health.Status}}"), "healthy");
    // The container healthcheck's own words, as Docker keeps them.
    const log = JSON.parse(await docker.inspect(containerOf("mainpc", "reasoning-gpu"), "{{json .State.Health.Log}}")) as { Output: string; ExitCode: number }[];
    assert.equal(log.at(-1)!.ExitCode, 0);
    assert.match(log.at(-1)!.Output, /^healthy: [A-Za-z, ]+\n$/);
    assert.ok(!log.at(-1)!.Output.includes("CognitiveModelAgent"));
    note("launcher observation", `SystemDigitalTwin's /health found on 7222 (config: 8221); CognitiveModelAgent crash-looping after ${cognitive.restarts} restarts, reasoning-gpu healthy`);
  });

  it("npm run status shows every container and agent as the launchers see them, and exits 0 when every gating agent is healthy", async function () {
    // One `python3 group_launcher.py status` per group container, on a loaded 2-core machine.
    this.timeout(300_000);
    const text = await runStatusCommand(["--machine", "mainpc", "--docker-host", dockerHost], {});
    assert.equal(text.stderr, "");
    assert.equal(text.exitCode, 0, text.stdout);
    const lines = text.stdout.split("\n");
    assert.equal(lines[0], "mainpc: every gating agent is healthy");
    const mainpcGroups = Object.values(services("mainpc")).filter((s) => s["x-ai-system"].role === "agent-group").map((s) => s.container_name as string);
    const shown = lines.filter((l) => /^\S/.test(l)).slice(1).map((l) => l.split("  ")[0]!);
    assert.deepEqual(shown, [...mainpcGroups, containerOf("mainpc", "config-init"), containerOf("mainpc", "nats"), containerOf("mainpc", "nats-store-init"), containerOf("mainpc", "redis")].sort());
    // The one-shot inits are done, whatever healthcheck the NATS image they run carries.
    for (const init of ["config-init", "nats-store-init"]) assert.ok(lines.includes(`${containerOf("mainpc", init)}  exited 0 (done)  restarts 0`), text.stdout);
    assert.ok(lines.some((l) => /^ {2}SystemDigitalTwin +healthy +gates +restarts 0 +observed 7220,7222,8220 declared 7220,8220,8221; \/health on 7222: 200$/.test(l)), text.stdout);
    const cognitive = lines.findIndex((l) => /^ {2}CognitiveModelAgent +crash-looping optional restarts \d+ +observed - declared /.test(l));
    assert.ok(cognitive > 0, text.stdout);
    assert.equal(lines[cognitive + 1], "    | ModuleNotFoundError: No module named 'torch' (stub: STUB_CRASH_AT_START_AGENTS)");
    const json = await runStatusCommand(["--machine", "pc2", "--docker-host", dockerHost, "--json"], {});
    assert.equal(json.exitCode, 0, json.stderr);
    const pc2 = JSON.parse(json.stdout) as { name: string; role: string; launcher: { healthy: boolean; agents: { name: string }[] } | null }[];
    const groups = pc2.filter((c) => c.role === "agent-group");
    assert.deepEqual(groups.map((c) => c.launcher?.healthy), groups.map(() => true));
    assert.ok(groups.flatMap((c) => c.launcher!.agents.map((a) => a.name)).includes("MemoryOrchestratorService"));
    note("npm run status", `mainpc: ${shown.length} containers shown, exit 0; pc2 --json: ${groups.length} groups healthy`);
  });

  it("the launcher's loopback relays give credential-less clients in a group container the group's NATS and Redis identity", async function () {
    this.timeout(60_000);
    const script = [
      "import socket",
      "r = socket.create_connection(('127.0.0.1', 6379), timeout=10)",
      "r.sendall(b'*3\\r\\n$3\\r\\nSET\\r\\n$9\\r\\nrelay:e2e\\r\\n$2\\r\\nok\\r\\n*2\\r\\n$3\\r\\nGET\\r\\n$9\\r\\nrelay:e2e\\r\\n')",
      "data = b''",
      "while data.count(b'\\r\\n') < 3: data += r.recv(4096)",
      "n = socket.create_connection(('127.0.0.1', 4222), timeout=10)",
      "info = b''",
      "while not info.endswith(b'\\r\\n'): info += n.recv(4096)",
      "n.sendall(b'CONNECT {\"verbose\":false}\\r\\nPING\\r\\n')",
      "pong = b''",
      "while b'\\r\\n' not in pong: pong += n.recv(4096)",
      "print(repr(data), repr(pong), b'auth_required' in info)",
    ].join("\n");
    const out = await docker.run(["exec", containerOf("mainpc", "memory-stack"), "python3", "-c", script], 30_000);
    assert.equal(out.trim(), "b'+OK\\r\\n$2\\r\\nok\\r\\n' b'PONG\\r\\n' False");
    note("relays inside memory-stack", "Redis SET/GET and a NATS CONNECT without credentials answered through 127.0.0.1:6379 and :4222");
  });

  async function connectNats(m: Machine, name: string): Promise<NatsWire> {
    const group = groups[m];
    const pass = deriveSecret(PASSWORDS[m].NATS_PASSWORD, `nats-user:${m}:${group}`);
    const client = await NatsWire.connect({ host: lanIps[m], port: 4222, user: group, pass, name, inboxPrefix: natsInboxPrefix(group) });
    clients.push(client);
    return client;
  }

  async function leafCount(): Promise<number> {
    const r = await docker.tryRun(["exec", containerOf("mainpc", "nats"), "wget", "-q", "-O", "-", "http://127.0.0.1:8222/leafz"], 10_000);
    if (r.code !== 0) return 0;
    return Number((JSON.parse(r.stdout) as { leafnodes?: number }).leafnodes ?? 0);
  }

  /** With `stopped`'s NATS down, `writer`'s JetStream creates a file stream and acks 5 publishes in its own domain. */
  async function jetStreamAlone(writer: Machine, stopped: Machine, stream: string): Promise<void> {
    let t = Date.now();
    await mustCompose(stopped, ["stop", "-t", "10", "nats"]);
    assert.equal(await docker.inspect(containerOf(stopped, "nats"), "{{.State.Running}}"), "false");
    const client = await connectNats(writer, `e2e-${writer}-js`);
    const created = await client.jsonRequest<{ config: { name: string } }>(
      `$JS.API.STREAM.CREATE.${stream}`,
      { name: stream, subjects: [`errors.e2e.${writer}.>`], storage: "file", retention: "limits", num_replicas: 1 },
      10_000,
    );
    assert.equal(created.config.name, stream);
    for (let i = 1; i <= 5; i++) {
      const reply = await client.request(`errors.e2e.${writer}.${i}`, `written while ${stopped}'s NATS is down ${i}`, 10_000);
      assert.equal(reply.status, null, `publish ${i}: status ${reply.status}`);
      const ack = JSON.parse(reply.data.toString()) as { stream?: string; seq?: number; domain?: string };
      assert.deepEqual({ stream: ack.stream, seq: ack.seq, domain: ack.domain }, { stream, seq: i, domain: writer });
    }
    client.close();
    note(`JetStream on ${writer} with ${stopped}'s NATS stopped`, `stream ${stream} created, 5 publishes acked in domain ${writer} (${seconds((Date.now() - t) / 1000)} incl. the stop)`);
    t = Date.now();
    await mustCompose(stopped, ["start", "nats"]);
    await docker.waitHealthy(containerOf(stopped, "nats"), 60_000);
    await waitFor("the leaf link again", 60_000, async () => ((await leafCount()) >= 1 ? true : undefined), 250);
    note(`${stopped} NATS started again: healthy and leaf re-linked`, seconds((Date.now() - t) / 1000));
  }

  it("NATS: a message published on either host reaches a subscriber on the other; each JetStream keeps accepting writes while the other host's NATS is stopped", async function () {
    this.timeout(180_000);
    await waitFor("pc2's leaf connection on mainpc", 60_000, async () => ((await leafCount()) >= 1 ? true : undefined), 250);
    await assert.rejects(
      NatsWire.connect({ host: lanIps.mainpc, port: 4222, user: groups.pc2, pass: deriveSecret(PASSWORDS.pc2.NATS_PASSWORD, `nats-user:pc2:${groups.pc2}`) }),
      /Authorization Violation/i,
      "pc2's password must not open mainpc's NATS",
    );
    await assert.rejects(NatsWire.connect({ host: lanIps.mainpc, port: 4222 }), /Authorization Violation/i, "no client without credentials");
    const mainpc = await connectNats("mainpc", "e2e-mainpc");
    const pc2 = await connectNats("pc2", "e2e-pc2");
    note("NATS pc2 -> mainpc first delivery", seconds(await crossDelivery(pc2, mainpc, "errors.e2e.from-pc2")));
    note("NATS mainpc -> pc2 first delivery", seconds(await crossDelivery(mainpc, pc2, "errors.e2e.from-mainpc")));
    mainpc.close();
    pc2.close();
    // The groups may create only the error bus's streams (ERRORS, AGENT_ERRORS): AGENT_ERRORS on a test subject.
    await jetStreamAlone("pc2", "mainpc", "AGENT_ERRORS");
    await jetStreamAlone("mainpc", "pc2", "AGENT_ERRORS");
  });

  async function redisClient(m: Machine): Promise<RedisWire> {
    const client = await RedisWire.connect(lanIps[m], 6379);
    clients.push(client);
    return client;
  }

  it("Redis: refuses commands without the password; Redis and JetStream data survive a full teardown (down without -v) and bring-up", async function () {
    this.timeout(BRING_UP_TIMEOUT_MS * 2 + 120_000);
    for (const m of MACHINES) {
      const anonymous = await redisClient(m);
      await assert.rejects(anonymous.command(["SET", "e2e:key", "x"]), (e: unknown) => e instanceof RedisReplyError && /^NOAUTH/.test(e.message));
      await assert.rejects(anonymous.command(["AUTH", PASSWORDS[otherMachine(m)].REDIS_PASSWORD]), (e: unknown) => e instanceof RedisReplyError && /WRONGPASS|invalid/i.test(e.message));
      await assert.rejects(anonymous.command(["AUTH", PASSWORDS[m].REDIS_PASSWORD]), (e: unknown) => e instanceof RedisReplyError && /WRONGPASS/.test(e.message), "the stack secret is no password");
      anonymous.close();
      const redis = await redisClient(m);
      assert.equal(await redis.command(["AUTH", groups[m], deriveSecret(PASSWORDS[m].REDIS_PASSWORD, `redis-user:${m}:${groups[m]}`)]), "OK");
      assert.equal(await redis.command(["SET", "e2e:key", `written on ${m} before the teardown`]), "OK");
      assert.equal(await redis.command(["RPUSH", "e2e:list", "a", "b", "c"]), 3);
      await assert.rejects(redis.command(["CONFIG", "GET", "appendonly"]), (e: unknown) => e instanceof RedisReplyError && /^NOPERM/.test(e.message));
      redis.close();
    }

    let t = Date.now();
    for (const m of ["pc2", "mainpc"] as const) await mustCompose(m, ["down", "-t", "10"]);
    note("full teardown of both hosts (down, volumes kept)", seconds((Date.now() - t) / 1000));
    const left = await docker.run(["ps", "-aq", "--filter", "name=aie2e-"]);
    assert.equal(left, "", "no container left after down");
    const volumes = (await docker.run(["volume", "ls", "-q", "--filter", "name=aie2e-"])).split("\n").sort();
    for (const m of MACHINES) {
      for (const v of Object.values(e2eFiles[m].volumes as Record<string, { name: string }>)) assert.ok(volumes.includes(v.name), `volume ${v.name} kept`);
      const networks = await docker.run(["network", "ls", "-q", "--filter", `name=${networkOf(m)}`]);
      assert.equal(networks, "", `network ${networkOf(m)} removed by down`);
    }

    t = Date.now();
    for (const m of MACHINES) await bringUp(m, 2);
    note("second bring-up of both hosts (from down to all healthy)", seconds((Date.now() - t) / 1000));
    for (const m of MACHINES) {
      const redis = await redisClient(m);
      assert.equal(await redis.command(["AUTH", groups[m], deriveSecret(PASSWORDS[m].REDIS_PASSWORD, `redis-user:${m}:${groups[m]}`)]), "OK");
      assert.equal(await redis.command(["GET", "e2e:key"]), `written on ${m} before the teardown`);
      assert.deepEqual(await redis.command(["LRANGE", "e2e:list", "0", "-1"]), ["a", "b", "c"]);
      redis.close();
      const nats = await connectNats(m, `e2e-${m}-after`);
      const stream = "AGENT_ERRORS";
      const info = await nats.jsonRequest<{ state: { messages: number } }>(`$JS.API.STREAM.INFO.${stream}`, undefined, 10_000);
      assert.equal(info.state.messages, 5, `${m}: JetStream stream ${stream} kept its messages`);
      nats.close();
    }
    note("after teardown and bring-up", "Redis keys and lists on both hosts, and both JetStream streams (5 messages each), are still there");
  });

  it("restarts a group container whose main process is killed (SIGKILL, by pid) and it turns healthy again", async function () {
    this.timeout(120_000);
    const name = containerOf("mainpc", "core-platform");
    const before = Number(await docker.inspect(name, "{{.RestartCount}}"));
    const pid = Number(await docker.inspect(name, "{{.State.Pid}}"));
    assert.ok(pid > 0, "the container has a process");
    const comm = fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    const killedAt = Date.now();
    // `docker kill` would count as a manual stop and `unless-stopped` would not restart it.
    process.kill(pid, "SIGKILL");
    await waitFor(
      "the restart after SIGKILL",
      60_000,
      async () => {
        const [count, running] = (await docker.inspect(name, "{{.RestartCount}} {{.State.Running}}")).split(" ");
        return Number(count) > before && running === "true" ? true : undefined;
      },
      100,
    );
    const running = (Date.now() - killedAt) / 1000;
    await docker.waitHealthy(name, 60_000);
    const healthy = (Date.now() - killedAt) / 1000;
    assert.notEqual(Number(await docker.inspect(name, "{{.State.Pid}}")), pid);
    note(`SIGKILL to core-platform's main process (pid ${pid}, ${comm})`, `running again after ${seconds(running)}, healthy after ${seconds(healthy)}`);
  });
});
