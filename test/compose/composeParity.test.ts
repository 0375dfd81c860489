/**
 * The compose export says the same thing as the Pulumi program, container by container: both
 * default stacks run under Pulumi mocks (the registered docker.Container inputs) and the compose
 * files rendered for the same machine are parsed back from their YAML text, then both are
 * brought into one neutral shape by normalisers written here, independently of the exporter.
 * Every Pulumi container input and every compose service key must be known to the normalisers,
 * so a new setting on either side fails this test until it is compared.
 */
import * as assert from "assert";
import * as YAML from "yaml";
import { Machine } from "../../src/config/machine";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { exportCompose, machineFileName, NETWORK_FILE_NAME, machineSecretRefs, secretVariableValues } from "../../src/compose";
import { runProgram } from "../../src/program";
import { fakeStackInputs, TEST_REGISTRY_PASSWORD, TEST_SECRETS } from "../support/fakeStackInputs";
import { mockPulumi, plainStrings, Registration, unwrap } from "../support/pulumiMocks";
import { exampleProjectDir, exampleRawSettings, PROJECT_DIR, stackRawSettings } from "../support/stackFiles";

const CONTAINER = "docker:index/container:Container";

/** What a container is, whoever describes it. */
interface Neutral {
  name: string;
  image: string;
  command: string[] | null;
  user: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  network: { mode: "none" } | { name: string; aliases: string[] };
  hosts: string[];
  ports: string[];
  mounts: { type: string; source: string; target: string; readOnly: boolean }[];
  tmpfs: Record<string, string>;
  uploads: { file: string; content: string }[];
  healthcheck: { test: string[]; intervalMs: number; timeoutMs: number; startPeriodMs: number; startIntervalMs: number | null; retries: number } | null;
  gpu: { driver: string; deviceIds: string[]; all: boolean; capabilities: string[] }[] | null;
  devices: string[];
  groupAdd: string[];
  cpus: number;
  memoryMb: number;
  memorySwapMb: number;
  shmMb: number | null;
  readOnly: boolean;
  securityOpts: string[];
  capDrop: string[];
  capAdd: string[];
  ipc: string;
  ulimits: { name: string; soft: number; hard: number }[];
  init: boolean;
  restart: string;
  stopTimeoutSeconds: number | null;
  log: { driver: string; options: Record<string, string> };
  lifecycle: "service" | "once";
  waitTimeoutSeconds: number | null;
  dependsOn: { name: string; condition: string }[];
}

/** Go (`2m0s`, `1.5s`) and compose (`2m`, `1m30s`, `500ms`) durations in milliseconds. */
function ms(text: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  const rest = text.replace(/(\d+(?:\.\d+)?)(ms|h|m|s)/g, (_, n: string, u: string) => {
    total += Number(n) * units[u];
    return "";
  });
  assert.strictEqual(rest, "", `duration ${text}`);
  return Math.round(total);
}

/** What compose hands the container for a string of the file: `$$` -> `$`, `${VAR...}` -> the env file's value. */
function resolve(text: string, variables: ReadonlyMap<string, string>): string {
  return text.replace(/\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?::\?[^}]*)?\})/g, (match, escaped: string, name: string | undefined) => {
    if (escaped === "$") return "$";
    const value = variables.get(name ?? "");
    assert.ok(value !== undefined, `compose variable ${match} has no value`);
    return value;
  });
}

const PULUMI_KEYS = new Set([
  "name", "image", "command", "user", "envs", "labels", "networkMode", "networksAdvanced", "hosts", "ports", "mounts", "tmpfs",
  "uploads", "healthcheck", "deviceRequests", "devices", "groupAdds", "cpus", "memory", "shmSize", "readOnly", "securityOpts", "capabilities", "ipcMode",
  "ulimits", "init", "restart", "logDriver", "logOpts", "wait", "waitTimeout", "attach", "mustRun", "stopTimeout", "destroyGraceSeconds",
  "memorySwap", "logs",
]);

function fromPulumi(r: Registration, byUrn: ReadonlyMap<string, Registration>): Neutral {
  const i = r.inputs as Record<string, any>;
  for (const key of Object.keys(i)) assert.ok(PULUMI_KEYS.has(key), `${r.name}: Pulumi input ${key} is not compared with compose`);
  const envLines = i.envs === undefined ? [] : (unwrap(i.envs).value as string[]);
  const once = i.attach === true;
  const network = i.networkMode === "none" ? { mode: "none" as const } : { name: i.networksAdvanced[0].name, aliases: [...i.networksAdvanced[0].aliases] };
  assert.ok(i.networkMode === "none" || i.networksAdvanced.length === 1, `${r.name}: one network`);
  const h = i.healthcheck;
  // Only a once container's log is kept (to report a failed run); compose shows logs itself.
  assert.strictEqual(i.logs, once ? true : undefined, `${r.name}: logs`);
  // Pulumi waits as long on destroy as Docker does on stop; compose has one setting for both.
  assert.strictEqual(i.destroyGraceSeconds, i.stopTimeout, `${r.name}: destroyGraceSeconds`);
  return {
    name: i.name,
    image: String(i.image).replace(/^sha256:/, ""),
    command: i.command === undefined ? null : [...i.command],
    user: i.user,
    env: Object.fromEntries(envLines.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)])),
    labels: Object.fromEntries((i.labels ?? []).map((l: { label: string; value: string }) => [l.label, l.value])),
    network,
    hosts: (i.hosts ?? []).map((x: { host: string; ip: string }) => `${x.host}:${x.ip}`),
    ports: (i.ports ?? []).map((p: { ip: string; external: number; internal: number; protocol: string }) => `${p.ip}:${p.external}:${p.internal}/${p.protocol}`),
    mounts: (i.mounts ?? []).map((m: { type: string; source: string; target: string; readOnly: boolean }) => ({ type: m.type, source: m.source, target: m.target, readOnly: m.readOnly })),
    tmpfs: { ...(i.tmpfs ?? {}) },
    uploads: (i.uploads ?? []).map((u: { file: string; content: string }) => ({ file: u.file, content: u.content })),
    healthcheck:
      h === undefined
        ? null
        : { test: [...h.tests], intervalMs: ms(h.interval), timeoutMs: ms(h.timeout), startPeriodMs: ms(h.startPeriod), startIntervalMs: h.startInterval === undefined ? null : ms(h.startInterval), retries: h.retries },
    gpu:
      i.deviceRequests === undefined
        ? null
        : i.deviceRequests.map((d: { driver: string; deviceIds?: string[]; count?: number; capabilities: string[] }) => {
            assert.ok((d.count === -1) !== (d.deviceIds !== undefined), `${r.name}: count -1 or device ids`);
            return { driver: d.driver, deviceIds: [...(d.deviceIds ?? [])], all: d.count === -1, capabilities: [...d.capabilities] };
          }),
    devices: (i.devices ?? []).map((d: { hostPath: string; containerPath: string; permissions: string }) => `${d.hostPath}:${d.containerPath}:${d.permissions}`),
    groupAdd: [...(i.groupAdds ?? [])],
    cpus: Number(i.cpus),
    memoryMb: i.memory,
    memorySwapMb: i.memorySwap,
    shmMb: i.shmSize ?? null,
    readOnly: i.readOnly,
    securityOpts: [...(i.securityOpts ?? [])],
    capDrop: [...(i.capabilities?.drops ?? [])],
    capAdd: [...(i.capabilities?.adds ?? [])],
    ipc: i.ipcMode,
    ulimits: (i.ulimits ?? []).map((u: { name: string; soft: number; hard: number }) => ({ name: u.name, soft: u.soft, hard: u.hard })),
    init: i.init,
    restart: i.restart,
    stopTimeoutSeconds: i.stopTimeout ?? null,
    log: { driver: i.logDriver, options: { ...i.logOpts } },
    lifecycle: once ? "once" : "service",
    waitTimeoutSeconds: once ? null : i.waitTimeout,
    dependsOn: r.dependencies
      .filter((u) => u.includes(`$${CONTAINER}::`))
      .map((u) => {
        const dependency = byUrn.get(u);
        assert.ok(dependency, u);
        const condition = dependency.inputs.wait === true ? "service_healthy" : dependency.inputs.attach === true ? "service_completed_successfully" : "none";
        return { name: String(dependency.inputs.name), condition };
      })
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
}

const COMPOSE_KEYS = new Set([
  "image", "container_name", "command", "user", "environment", "labels", "network_mode", "networks", "extra_hosts", "ports", "volumes",
  "tmpfs", "devices", "group_add", "healthcheck", "deploy", "cpus", "mem_limit", "memswap_limit", "shm_size", "read_only", "security_opt", "cap_drop", "cap_add", "ipc",
  "ulimits", "init", "restart", "stop_grace_period", "logging", "depends_on", "x-ai-system",
]);

interface ComposeFiles {
  machine: any;
  network: any;
  generated: Map<string, string>;
}

function megabytes(text: string): number {
  const match = /^(\d+)m$/.exec(text);
  assert.ok(match, `size ${text} in MB`);
  return Number(match[1]);
}

function fromCompose(key: string, files: ComposeFiles, variables: ReadonlyMap<string, string>): Neutral {
  const s = files.machine.services[key];
  for (const k of Object.keys(s)) assert.ok(COMPOSE_KEYS.has(k), `${key}: compose key ${k} is not compared with Pulumi`);
  const text = (v: string) => resolve(v, variables);
  const x = s["x-ai-system"];
  const h = s.healthcheck;
  const mounts = (s.volumes ?? []) as { type: string; source: string; target: string; read_only: boolean }[];
  const uploads = mounts.filter((m) => m.type === "bind" && m.source.startsWith("./ai-system-files/"));
  const networkKeys = Object.keys(s.networks ?? {});
  assert.ok(s.network_mode === "none" ? networkKeys.length === 0 : networkKeys.length === 1, `${key}: one network`);
  return {
    name: s.container_name,
    image: s.image,
    command: s.command === undefined ? null : s.command.map(text),
    user: String(s.user),
    env: Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, text(String(v))])),
    labels: Object.fromEntries(Object.entries(s.labels ?? {}).map(([k, v]) => [k, text(String(v))])),
    network: s.network_mode === "none" ? { mode: "none" } : { name: files.network.networks[networkKeys[0]].name, aliases: [...s.networks[networkKeys[0]].aliases] },
    hosts: (s.extra_hosts ?? []).map(text),
    ports: (s.ports ?? []).map(text),
    mounts: mounts
      .filter((m) => !uploads.includes(m))
      .map((m) => ({ type: m.type, source: m.type === "volume" ? files.machine.volumes[m.source].name : text(m.source), target: m.target, readOnly: m.read_only })),
    tmpfs: Object.fromEntries((s.tmpfs ?? []).map((t: string) => [t.slice(0, t.indexOf(":")), t.slice(t.indexOf(":") + 1)])),
    uploads: uploads.map((m) => {
      assert.strictEqual(m.read_only, true, `${key}: uploads are bound read-only`);
      const content = files.generated.get(m.source.slice(2));
      assert.ok(content !== undefined, `${key}: generated file ${m.source}`);
      return { file: m.target, content };
    }),
    healthcheck:
      h === undefined
        ? null
        : { test: h.test.map(text), intervalMs: ms(h.interval), timeoutMs: ms(h.timeout), startPeriodMs: ms(h.start_period), startIntervalMs: h["x-start_interval"] === undefined ? null : ms(h["x-start_interval"]), retries: h.retries },
    gpu:
      s.deploy === undefined
        ? null
        : s.deploy.resources.reservations.devices.map((d: { driver: string; device_ids?: string[]; count?: string; capabilities: string[] }) => {
            assert.ok((d.count === "all") !== (d.device_ids !== undefined), `${key}: count all or device_ids`);
            return { driver: d.driver, deviceIds: [...(d.device_ids ?? [])], all: d.count === "all", capabilities: [...d.capabilities] };
          }),
    // Compose's `host:container` gives the cgroup permissions rwm, Docker's default.
    devices: (s.devices ?? []).map((d: string) => `${d}:rwm`),
    groupAdd: (s.group_add ?? []).map(String),
    cpus: s.cpus,
    memoryMb: megabytes(s.mem_limit),
    memorySwapMb: megabytes(s.memswap_limit),
    shmMb: s.shm_size === undefined ? null : megabytes(s.shm_size),
    readOnly: s.read_only,
    securityOpts: [...(s.security_opt ?? [])],
    capDrop: [...(s.cap_drop ?? [])],
    capAdd: [...(s.cap_add ?? [])],
    ipc: s.ipc,
    ulimits: Object.entries(s.ulimits ?? {}).map(([name, u]) => ({ name, soft: (u as { soft: number }).soft, hard: (u as { hard: number }).hard })),
    init: s.init,
    restart: s.restart,
    stopTimeoutSeconds: s.stop_grace_period === undefined ? null : ms(s.stop_grace_period) / 1000,
    log: { driver: s.logging.driver, options: Object.fromEntries(Object.entries(s.logging.options).map(([k, v]) => [k, String(v)])) },
    lifecycle: x.lifecycle,
    waitTimeoutSeconds: x.wait_timeout_seconds,
    dependsOn: Object.entries(s.depends_on ?? {})
      .map(([dependency, d]) => ({ name: files.machine.services[dependency].container_name, condition: (d as { condition: string }).condition }))
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
}

/** Both platforms: the bundled stack files (linux) and the user's Windows stacks (examples/wsl2-docker-desktop). */
const PLATFORMS = [
  { platform: "linux", raw: stackRawSettings, projectDir: () => PROJECT_DIR },
  { platform: "wsl2-docker-desktop", raw: (m: Machine) => ({ ...exampleRawSettings(m), imageRegistryPassword: TEST_REGISTRY_PASSWORD }), projectDir: exampleProjectDir },
] as const;

for (const { platform, raw, projectDir } of PLATFORMS)
for (const machine of ["mainpc", "pc2"] as const satisfies readonly Machine[]) {
  describe(`compose export of ${machine} against the Pulumi program (default configuration, ${platform})`, function () {
    this.timeout(120_000);
    let containers: Registration[] = [];
    let byUrn = new Map<string, Registration>();
    let files: ComposeFiles;
    let rawTexts: string[] = [];
    let variables = new Map<string, string>();

    before(async () => {
      const run = await mockPulumi(machine);
      runProgram(fakeStackInputs(raw(machine), machine, PROJECT_DIR), buildDeploymentPlan, () => undefined);
      await run.settle();
      containers = run.registrations.filter((r) => r.type === CONTAINER);
      byUrn = new Map(containers.map((r) => [r.urn, r]));
      const outcome = exportCompose(projectDir(), machine, PROJECT_DIR);
      if (!outcome.ok) throw new Error(outcome.problems.join("\n"));
      variables = secretVariableValues(TEST_SECRETS, machineSecretRefs(outcome.export.spec));
      const generated = new Map(outcome.export.files.map((f) => [f.path, f.content]));
      rawTexts = [...generated.values()];
      const parse = (path: string) => YAML.parse(generated.get(path) ?? "", { version: "1.1" });
      files = { machine: parse(machineFileName(machine)), network: parse(NETWORK_FILE_NAME), generated };
    });

    it("has one compose service per Pulumi container", () => {
      const names = containers.map((r) => String(r.inputs.name)).sort();
      const services = Object.values(files.machine.services).map((s) => (s as { container_name: string }).container_name).sort();
      assert.deepStrictEqual(services, names);
      assert.strictEqual(services.length, machine === "mainpc" ? 12 : 8);
    });

    it("says the same as the Pulumi inputs, container by container (every field of both sides compared)", () => {
      const keyOf = new Map(Object.entries(files.machine.services).map(([key, s]) => [(s as { container_name: string }).container_name, key]));
      for (const r of containers) {
        const key = keyOf.get(String(r.inputs.name));
        assert.ok(key, `${String(r.inputs.name)} has a compose service`);
        assert.deepStrictEqual(fromCompose(key, files, variables), fromPulumi(r, byUrn), String(r.inputs.name));
      }
    });

    it("compares something real: GPUs, secrets, dependencies, hardening and durations are present on both sides", () => {
      const neutral = containers.map((r) => fromPulumi(r, byUrn));
      assert.ok(neutral.filter((c) => c.gpu !== null).length >= 2, "GPU groups");
      assert.ok(neutral.some((c) => c.dependsOn.some((d) => d.condition === "service_completed_successfully")), "NATS waits for its store init");
      assert.ok(neutral.filter((c) => c.dependsOn.length >= 3).length >= 2, "groups wait for groups, NATS and Redis");
      // Every container but the config init (a documented 5.13 exception: uploads need a writable root) has a read-only root.
      const configInit = containers.findIndex((r) => r.inputs.name === "ai-system-config-init");
      assert.ok(neutral.every((c, i) => (c.readOnly || i === configInit) && c.capDrop.includes("ALL") && c.ulimits.length === 1 && c.log.driver === "json-file"));
      assert.ok(neutral[configInit]!.uploads.length >= 4 && neutral[configInit]!.uploads.every((u) => u.file.startsWith("/staging/config/") && u.content.length > 0), "the config files as uploads");
      assert.ok(neutral.some((c) => /^redis:\/\/[a-z0-9-]+:[0-9a-f]{64}@redis:6379\/0$/.test(c.env.REDIS_URL ?? "")), "a URL with a derived secret");
      assert.ok(neutral.some((c) => c.healthcheck !== null && (c.healthcheck.startIntervalMs ?? 0) > 0 && c.healthcheck.startPeriodMs > c.healthcheck.intervalMs));
      assert.ok(neutral.some((c) => Object.keys(c.tmpfs).length > 0) && neutral.some((c) => c.capAdd.length > 0));
      assert.ok(neutral.some((c) => c.stopTimeoutSeconds !== null), "a stop timeout");
      // The platform's forms: every GPU request and published port, and the voice group's audio.
      const desktop = platform === "wsl2-docker-desktop";
      const gpus = neutral.flatMap((c) => c.gpu ?? []);
      assert.ok(gpus.every((g) => (desktop ? g.all && g.deviceIds.length === 0 : !g.all && g.deviceIds.length === 1)), "GPU request form");
      const ip = desktop ? "0.0.0.0" : machine === "mainpc" ? "192.168.1.10" : "192.168.1.20";
      assert.ok(neutral.flatMap((c) => c.ports).every((p) => p.startsWith(`${ip}:`)), `ports on ${ip}`);
      const voice = neutral.find((c) => c.name === "ai-system-audio-emotion");
      if (machine === "mainpc") {
        assert.ok(voice);
        if (desktop) {
          assert.deepStrictEqual([voice.devices, voice.groupAdd, voice.env.PULSE_SERVER], [[], [], "unix:/mnt/wslg/PulseServer"]);
          assert.ok(voice.mounts.some((m) => m.source === "/mnt/wslg/PulseServer" && m.target === "/mnt/wslg/PulseServer"));
        } else {
          assert.deepStrictEqual([voice.devices, voice.groupAdd, voice.env.PULSE_SERVER], [["/dev/snd:/dev/snd:rwm"], ["29"], undefined]);
        }
      }
      assert.ok(neutral.filter((c) => c !== voice).every((c) => c.devices.length === 0 && c.env.AUDIO_AGENTS === undefined), "audio only where asked");
    });

    it("holds no secret value: every value that carries one is a ${VARIABLE} of the env file", () => {
      for (const text of rawTexts) {
        for (const secret of [...Object.values(TEST_SECRETS), TEST_REGISTRY_PASSWORD]) assert.ok(!text.includes(secret), "a compose file leaks a secret");
      }
      for (const [key, service] of Object.entries(files.machine.services)) {
        const environment = (service as { environment?: Record<string, string> }).environment ?? {};
        for (const [name, value] of Object.entries(environment)) {
          const withSecret = /PASSWORD|REDIS_URL|NATS_LEAF_URL|NATS_LEAF_TLS|NATS_SERVERS|NATS_URL|REDISCLI_AUTH/.test(name);
          if (withSecret) assert.match(String(value), /\$\{[A-Z0-9_]+:\?[^}]*\}/, `${key} ${name}`);
          else assert.doesNotMatch(String(value), /\$\{/, `${key} ${name}`);
        }
      }
      // The Pulumi side keeps the same values secret.
      for (const r of containers) {
        for (const text of plainStrings(r.inputs)) for (const secret of [...Object.values(TEST_SECRETS), TEST_REGISTRY_PASSWORD]) assert.ok(!text.includes(secret), r.name);
      }
    });
  });
}
