import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { MachineStack } from "../../components/machineStack";
import { SecretValues } from "../../components/secretValues";
import { deployMachine } from "../../src/program/deployMachine";
import { configInitScript, MPS_IPC_EXCEPTION, processLimitException, renderAgentAliases, RESTART_EXCEPTION, storeInitExceptions } from "../../src/render";
import { readConfigDirectory } from "../../src/pipeline/configDirectory";
import { isSecretOutput, mockPulumi, MockedRun, plainStrings, promiseOf, Registration, unwrap } from "../support/pulumiMocks";
import { SAMPLE_CONFIG_DIR, samplePlan, sampleSettings } from "../support/samplePlan";
import { TEST_SECRETS, testSecretOutputs } from "../support/fakeStackInputs";
import { deriveSecret, sha256Hex } from "../../src/render/derivedSecret";

const CONTAINER = "docker:index/container:Container";
const SECRETS = TEST_SECRETS;
const secretValues = (): SecretValues => testSecretOutputs();

describe("components/MachineStack under mocks", function () {
  this.timeout(60_000);
  let run: MockedRun;
  let stack: MachineStack;
  const plan = samplePlan();
  const containerNamed = (name: string): Registration => {
    const found = run.registrations.filter((r) => r.type === CONTAINER && r.name === name);
    assert.strictEqual(found.length, 1, `one container ${name}`);
    return found[0];
  };

  before(async () => {
    run = await mockPulumi();
    stack = deployMachine(sampleSettings(), plan, secretValues());
    await run.settle();
  });

  it("registers exactly the machine's resources, each component with its type token", () => {
    assert.deepStrictEqual(run.registrations.map((r) => `${r.type} ${r.name}`).sort(), [
      "ai-system:agents:AgentGroup mainpc-core",
      "ai-system:agents:AgentGroup mainpc-language",
      "ai-system:agents:AgentGroup mainpc-model-gpu",
      "ai-system:host:MachineStack mainpc",
      "ai-system:messaging:NatsServer mainpc-nats",
      "ai-system:network:HostNetwork mainpc-network",
      "ai-system:storage:RedisServer mainpc-redis",
      "docker:index/container:Container mainpc-config-init",
      "docker:index/container:Container mainpc-core",
      "docker:index/container:Container mainpc-language",
      "docker:index/container:Container mainpc-model-gpu",
      "docker:index/container:Container mainpc-nats",
      "docker:index/container:Container mainpc-nats-store-init",
      "docker:index/container:Container mainpc-redis",
      "docker:index/network:Network mainpc-network",
      "docker:index/remoteImage:RemoteImage mainpc-group-image-core",
      "docker:index/remoteImage:RemoteImage mainpc-group-image-language",
      "docker:index/remoteImage:RemoteImage mainpc-group-image-model-gpu",
      "docker:index/remoteImage:RemoteImage mainpc-image-nats-2-10-alpine",
      "docker:index/remoteImage:RemoteImage mainpc-image-redis-7-alpine",
      "docker:index/volume:Volume mainpc-agent-cache",
      "docker:index/volume:Volume mainpc-agent-config",
      "docker:index/volume:Volume mainpc-agent-data",
      "docker:index/volume:Volume mainpc-agent-logs",
      "docker:index/volume:Volume mainpc-agent-models",
      "docker:index/volume:Volume mainpc-nats-nats-data",
      "docker:index/volume:Volume mainpc-redis-redis-data",
      "pulumi:providers:docker mainpc-docker",
    ]);
  });

  it("sends every Docker resource through the explicit provider for the stack's Docker host", () => {
    const provider = run.registrations.find((r) => r.type === "pulumi:providers:docker");
    assert.ok(provider);
    assert.deepStrictEqual(provider.inputs, { host: "unix:///var/run/docker.sock" });
    const docker = run.registrations.filter((r) => r.type.startsWith("docker:"));
    assert.strictEqual(docker.length, 20);
    for (const r of docker) assert.strictEqual(r.provider, `${provider.urn}::mainpc-docker-id`, r.name);
  });

  it("requests the GPU exactly on the GPU group", () => {
    const withGpu = run.registrations.filter((r) => r.type === CONTAINER && r.inputs.deviceRequests !== undefined);
    assert.deepStrictEqual(
      withGpu.map((r) => [r.name, r.inputs.deviceRequests]),
      [["mainpc-model-gpu", [{ driver: "nvidia", deviceIds: ["0"], capabilities: ["gpu"] }]]],
    );
  });

  it("gives a group container exactly the rendered inputs", () => {
    const language = containerNamed("mainpc-language");
    const { envs, healthcheck, ...rest } = language.inputs;
    const ip = "192.168.1.10";
    assert.deepStrictEqual(rest, {
      capabilities: { drops: ["ALL"] },
      cpus: "1.5",
      // the launcher's grace period (20 s) plus 10 s, for docker stop and for pulumi's replace or destroy
      destroyGraceSeconds: 30,
      hosts: [
        { host: "memoryorchestratorservice", ip: "192.168.1.20" },
        { host: "pc2-memoryorchestratorservice", ip: "192.168.1.20" },
        { host: "pc2-observabilityhub", ip: "192.168.1.20" },
        { host: "pc2-tieredresponder", ip: "192.168.1.20" },
        { host: "tieredresponder", ip: "192.168.1.20" },
      ],
      // the id of its own group image (prebuilt in the sample settings)
      image: "sha256:ai-system-language:latest",
      init: true,
      ipcMode: "private",
      labels: [
        { label: "ai-system.hardening.exception.5.15", value: RESTART_EXCEPTION.reason },
        { label: "ai-system.hardening.exception.5.29", value: processLimitException("10001:10001", 16384).reason },
        { label: "ai-system.hardening.internal-ports", value: "6573,6647,6710" },
        { label: "ai-system.role", value: "agent-group" },
      ],
      logDriver: "json-file",
      logOpts: { "max-file": "5", "max-size": "50m" },
      memory: 3072,
      memorySwap: 3072,
      mounts: [
        { readOnly: false, source: "ai-system-cache", target: "/app/cache", type: "volume" },
        { readOnly: true, source: "ai-system-config", target: "/app/config", type: "volume" },
        { readOnly: false, source: "ai-system-data", target: "/app/data", type: "volume" },
        { readOnly: false, source: "ai-system-logs", target: "/app/logs", type: "volume" },
        { readOnly: false, source: "ai-system-models", target: "/app/models", type: "volume" },
      ],
      name: "ai-system-language",
      networksAdvanced: [
        {
          aliases: ["gottotagent", "mainpc-gottotagent", "mainpc-nluagent", "mainpc-vramoptimizeragent", "nluagent", "vramoptimizeragent"],
          name: "ai_system_network",
        },
      ],
      ports: [5572, 5646, 5709, 6572, 6646, 6709].map((p) => ({ external: p, internal: p, ip, protocol: "tcp" })),
      readOnly: true,
      restart: "unless-stopped",
      securityOpts: ["no-new-privileges:true"],
      shmSize: 128,
      stopTimeout: 30,
      tmpfs: { "/tmp": "rw,nosuid,nodev,size=512m,mode=1777" },
      ulimits: [{ hard: 16384, name: "nproc", soft: 16384 }],
      user: "10001:10001",
      wait: true,
      waitTimeout: 600,
    });
    assert.deepStrictEqual(healthcheck, {
      interval: "30s",
      retries: 3,
      startInterval: "5s",
      startPeriod: "2m0s",
      tests: ["CMD", "python3", "/opt/ai-launcher/group_launcher.py", "healthcheck"],
      timeout: "10s",
    });
    const env = unwrap(envs);
    assert.strictEqual(env.secret, true);
    assert.deepStrictEqual(
      (env.value as string[]).filter((l) => /PASSWORD|_URL|NATS_SERVERS/.test(l)),
      [
        `NATS_PASSWORD=${deriveSecret(SECRETS.natsPassword, "nats-user:mainpc:language")}`,
        `NATS_SERVERS=nats://language:${deriveSecret(SECRETS.natsPassword, "nats-user:mainpc:language")}@nats:4222`,
        `NATS_URL=nats://language:${deriveSecret(SECRETS.natsPassword, "nats-user:mainpc:language")}@nats:4222`,
        `REDIS_PASSWORD=${deriveSecret(SECRETS.redisPassword, "redis-user:mainpc:language")}`,
        `REDIS_URL=redis://language:${deriveSecret(SECRETS.redisPassword, "redis-user:mainpc:language")}@redis:6379/0`,
      ],
    );
  });

  it("aliases each group's agents and sorts every container's environment by key", () => {
    for (const c of plan.containers) {
      const r = containerNamed(`mainpc-${c.name}`);
      const network = r.inputs.networksAdvanced as { aliases: string[]; name: string }[];
      assert.deepStrictEqual(network, [{ aliases: renderAgentAliases(plan, c), name: "ai_system_network" }]);
      const keys = (unwrap(r.inputs.envs).value as string[]).map((l) => l.slice(0, l.indexOf("=")));
      assert.deepStrictEqual(keys, [...keys].sort(), `${c.name} env sorted`);
      assert.strictEqual(new Set(keys).size, keys.length, `${c.name} env keys unique`);
    }
    assert.deepStrictEqual(containerNamed("mainpc-nats").inputs.networksAdvanced, [{ aliases: ["nats"], name: "ai_system_network" }]);
    assert.deepStrictEqual(containerNamed("mainpc-redis").inputs.networksAdvanced, [{ aliases: ["redis"], name: "ai_system_network" }]);
  });

  it("waits for health on every service container and replaces it (delete first) on a failed wait or a change the provider cannot apply", () => {
    const containers = run.registrations.filter((r) => r.type === CONTAINER);
    assert.strictEqual(containers.length, 7);
    for (const r of containers.filter((c) => c.name !== "mainpc-nats-store-init" && c.name !== "mainpc-config-init")) {
      assert.deepStrictEqual([r.inputs.wait, r.inputs.waitTimeout, r.inputs.restart, r.inputs.attach, r.inputs.mustRun], [true, 600, "unless-stopped", undefined, undefined], r.name);
    }
    for (const r of containers) assert.deepStrictEqual([r.deleteBeforeReplace, r.replaceOnChanges], [true, ["#initerror", "healthcheck", "init", "tmpfs"]], r.name);
    // Timeouts above the 600 s wait (and the 30 min a one-shot run may take), and above the stop grace.
    const timeouts = Object.fromEntries(containers.map((r) => [r.name, r.customTimeouts]));
    assert.deepStrictEqual(timeouts, {
      "mainpc-config-init": { create: "35m0s", update: "35m0s", delete: "5m0s" },
      "mainpc-core": { create: "15m0s", update: "15m0s", delete: "5m30s" },
      "mainpc-language": { create: "15m0s", update: "15m0s", delete: "5m30s" },
      "mainpc-model-gpu": { create: "15m0s", update: "15m0s", delete: "5m30s" },
      "mainpc-nats": { create: "15m0s", update: "15m0s", delete: "6m0s" },
      "mainpc-nats-store-init": { create: "35m0s", update: "35m0s", delete: "5m0s" },
      "mainpc-redis": { create: "15m0s", update: "15m0s", delete: "7m0s" },
    });
    const network = run.registrations.find((r) => r.type === "docker:index/network:Network");
    assert.deepStrictEqual([network?.inputs, network?.deleteBeforeReplace], [{ driver: "bridge", name: "ai_system_network" }, true]);
  });

  it("retains data, models, NATS and Redis volumes on destroy, and not logs or cache", () => {
    const volumes = run.registrations.filter((r) => r.type === "docker:index/volume:Volume");
    assert.deepStrictEqual(
      volumes.map((r) => `${String(r.inputs.name)} retain=${r.retainOnDelete}`).sort(),
      [
        "ai-system-cache retain=false",
        "ai-system-config retain=false",
        "ai-system-data retain=true",
        "ai-system-logs retain=false",
        "ai-system-models retain=true",
        "ai-system-nats-data retain=true",
        "ai-system-redis-data retain=true",
      ],
    );
  });

  it("makes each group wait exactly for the containers of its plan dependencies, NATS and Redis", () => {
    const urnOf = (name: string) => containerNamed(name).urn;
    for (const c of plan.containers) {
      const expected = [...c.dependsOn.map((d) => urnOf(`mainpc-${d}`)), urnOf("mainpc-config-init"), urnOf("mainpc-nats"), urnOf("mainpc-redis")].sort();
      const actual = containerNamed(`mainpc-${c.name}`).dependencies.filter((u) => u.includes(`$${CONTAINER}::`));
      assert.deepStrictEqual(actual, expected, c.name);
    }
    assert.deepStrictEqual(containerNamed("mainpc-redis").dependencies.filter((u) => u.includes(`$${CONTAINER}::`)), []);
    assert.deepStrictEqual(containerNamed("mainpc-nats").dependencies.filter((u) => u.includes(`$${CONTAINER}::`)), [urnOf("mainpc-nats-store-init")]);
    assert.deepStrictEqual(containerNamed("mainpc-nats-store-init").dependencies.filter((u) => u.includes(`$${CONTAINER}::`)), []);
    assert.deepStrictEqual(containerNamed("mainpc-config-init").dependencies.filter((u) => u.includes(`$${CONTAINER}::`)), []);
  });

  it("runs the config init once, attached, before the groups: the config files as uploads into the config volume", () => {
    const init = containerNamed("mainpc-config-init");
    assert.ok(init.parent.endsWith("ai-system:host:MachineStack::mainpc"));
    const files = readConfigDirectory(SAMPLE_CONFIG_DIR).files;
    assert.ok(files.length >= 4);
    assert.deepStrictEqual(
      [init.inputs.attach, init.inputs.logs, init.inputs.mustRun, init.inputs.wait, init.inputs.readOnly, init.inputs.networkMode, init.inputs.user, init.inputs.restart],
      [true, true, false, undefined, false, "none", "0:0", "no"],
    );
    assert.deepStrictEqual(init.inputs.uploads, files.map((f) => ({ file: `/staging/config/${f.path}`, content: f.content })));
    assert.deepStrictEqual(init.inputs.mounts, [{ readOnly: false, source: "ai-system-config", target: "/config", type: "volume" }]);
    assert.deepStrictEqual(init.inputs.command, ["sh", "-c", configInitScript()]);
    assert.deepStrictEqual(init.inputs.capabilities, { drops: ["ALL"] });
  });

  it("runs the NATS store init once, attached, before NATS: root with two capabilities, no network, no healthcheck", () => {
    const init = containerNamed("mainpc-nats-store-init");
    assert.ok(init.parent.endsWith("ai-system:messaging:NatsServer::mainpc-nats"));
    assert.deepStrictEqual(init.inputs, {
      attach: true,
      capabilities: { adds: ["CAP_CHOWN", "CAP_DAC_READ_SEARCH"], drops: ["ALL"] },
      command: ["chown", "-R", "10002:10002", "/data"],
      cpus: "0.5",
      image: "sha256:nats:2.10-alpine",
      init: false,
      ipcMode: "private",
      labels: [
        { label: "ai-system.hardening.exception.4.1", value: storeInitExceptions()[0]?.reason },
        { label: "ai-system.hardening.exception.5.29", value: processLimitException("0:0", 64).reason },
        { label: "ai-system.hardening.exception.5.4", value: storeInitExceptions()[1]?.reason },
        { label: "ai-system.role", value: "volume-init" },
      ],
      logDriver: "json-file",
      logOpts: { "max-file": "5", "max-size": "50m" },
      logs: true,
      memory: 64,
      memorySwap: 64,
      mounts: [{ readOnly: false, source: "ai-system-nats-data", target: "/data", type: "volume" }],
      mustRun: false,
      name: "ai-system-nats-store-init",
      networkMode: "none",
      readOnly: true,
      restart: "no",
      securityOpts: ["no-new-privileges:true"],
      ulimits: [{ hard: 64, name: "nproc", soft: 64 }],
      user: "0:0",
    });
  });

  it("keeps every secret out of plain inputs: only secret-wrapped values hold a password", async () => {
    for (const r of run.registrations) {
      for (const text of plainStrings(r.inputs)) {
        for (const [name, value] of Object.entries(SECRETS)) {
          assert.ok(!text.includes(value) && !text.includes(encodeURIComponent(value)), `${r.type} ${r.name} exposes ${name}`);
        }
      }
    }
    assert.strictEqual(containerNamed("mainpc-nats-store-init").inputs.envs, undefined);
    for (const name of ["mainpc-core", "mainpc-model-gpu", "mainpc-language", "mainpc-nats", "mainpc-redis"]) {
      assert.strictEqual(unwrap(containerNamed(name).inputs.envs).secret, true, name);
    }
    const redisUser = (user: string) => deriveSecret(SECRETS.redisPassword, `redis-user:mainpc:${user}`);
    assert.deepStrictEqual(unwrap(containerNamed("mainpc-redis").inputs.envs).value, [
      `REDISCLI_AUTH=${redisUser("healthcheck")}`,
      ...["core", "healthcheck", "language", "model-gpu"].map((u) => `REDIS_PASSWORD_SHA256_${u.toUpperCase().replace("-", "_")}=${sha256Hex(redisUser(u))}`),
    ]);
    assert.strictEqual(await isSecretOutput(stack.groups[0].container.envs), true);
    assert.strictEqual(await isSecretOutput(stack.redis.container.envs), true);
    assert.strictEqual(await isSecretOutput(stack.endpoints), false);
  });

  it("exports the endpoints and the GPU allocation table", async () => {
    assert.deepStrictEqual(await promiseOf(stack.gpuAllocation), {
      capacityMb: 24576,
      headroomMb: 1536,
      allocatedMb: 8192,
      containers: [{ name: "model-gpu", deviceIds: ["0"], vramMb: 8192 }],
    });
    assert.strictEqual((await promiseOf(stack.endpoints)).natsLeafRole, "hub");
  });
});

describe("components/MachineStack secrets and Docker host", function () {
  this.timeout(60_000);

  it("marks values built from secrets secret even when the secrets arrive as plain outputs", async () => {
    const run = await mockPulumi();
    deployMachine(sampleSettings({ machine: "pc2" }), { ...samplePlan(), machine: "pc2" }, {
      ...testSecretOutputs(),
      redisPassword: pulumi.output(SECRETS.redisPassword),
      natsPassword: pulumi.output(SECRETS.natsPassword),
      natsLeafPassword: pulumi.output("leaf p@ss"),
    });
    await run.settle();
    const nats = run.registrations.find((r) => r.type === CONTAINER && r.name === "pc2-nats");
    assert.ok(nats);
    const env = unwrap(nats.inputs.envs);
    assert.strictEqual(env.secret, true);
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    assert.deepStrictEqual(env.value, [
      `NATS_LEAF_TLS_CA=${b64(SECRETS.natsLeafCa)}`,
      `NATS_LEAF_TLS_CERT=${b64(SECRETS.natsLeafCert)}`,
      `NATS_LEAF_TLS_KEY=${b64(SECRETS.natsLeafKey)}`,
      'NATS_LEAF_URL="nats-leaf://leaf:leaf%20p%40ss@192.168.1.10:7422"',
      ...["core", "language", "model-gpu"].map((g) => `NATS_PASSWORD_${g.toUpperCase().replace("-", "_")}="${deriveSecret(SECRETS.natsPassword, `nats-user:pc2:${g}`)}"`),
    ]);
    for (const r of run.registrations) {
      for (const text of plainStrings(r.inputs)) assert.ok(!text.includes(SECRETS.natsPassword), `${r.name} exposes natsPassword`);
    }
  });

  it("deploys to an ssh:// Docker host with its ssh options", async () => {
    const run = await mockPulumi();
    deployMachine(sampleSettings({ dockerHost: "ssh://ai@192.168.1.10", dockerSshOpts: ["-o", "StrictHostKeyChecking=yes"] }), samplePlan(), secretValues());
    await run.settle();
    const provider = run.registrations.find((r) => r.type === "pulumi:providers:docker");
    assert.deepStrictEqual(provider?.inputs, { host: "ssh://ai@192.168.1.10", sshOpts: '["-o","StrictHostKeyChecking=yes"]' });
  });
});

describe("components/MachineStack GPU groups in both gpuSharing modes", function () {
  this.timeout(60_000);
  const MPS = { mode: "mps", pipeDirectory: "/tmp/nvidia-mps", logDirectory: "/var/log/nvidia-mps", user: "10001:10001" } as const;

  async function gpuContainer(settings: ReturnType<typeof sampleSettings>): Promise<Registration> {
    const run = await mockPulumi();
    deployMachine(settings, samplePlan(), secretValues());
    await run.settle();
    const found = run.registrations.find((r) => r.type === CONTAINER && r.name === "mainpc-model-gpu");
    assert.ok(found);
    return found;
  }

  /** The inputs that differ between the modes, and the GPU lines of the environment. */
  const gpuInputs = (r: Registration) => ({
    deviceRequests: r.inputs.deviceRequests,
    ipcMode: r.inputs.ipcMode,
    labels: r.inputs.labels,
    mounts: r.inputs.mounts,
    shmSize: r.inputs.shmSize,
    user: r.inputs.user,
    env: (unwrap(r.inputs.envs).value as string[]).filter((l) => /^(GPU_|CUDA_)/.test(l)),
  });
  const MOUNTS = [
    { readOnly: false, source: "ai-system-cache", target: "/app/cache", type: "volume" },
    { readOnly: true, source: "ai-system-config", target: "/app/config", type: "volume" },
    { readOnly: false, source: "ai-system-data", target: "/app/data", type: "volume" },
    { readOnly: false, source: "ai-system-logs", target: "/app/logs", type: "volume" },
    { readOnly: false, source: "ai-system-models", target: "/app/models", type: "volume" },
  ];
  const labels = (extra: { label: string; value: string }[]) => [
    { label: "ai-system.hardening.exception.5.15", value: RESTART_EXCEPTION.reason },
    ...extra,
    { label: "ai-system.hardening.exception.5.29", value: processLimitException("10001:10001", 16384).reason },
    { label: "ai-system.hardening.internal-ports", value: "8212" },
    { label: "ai-system.role", value: "agent-group" },
  ];

  it("none: the whole card by device id, the budget as GPU_VRAM_BUDGET_MB, its own IPC and shm", async () => {
    assert.deepStrictEqual(gpuInputs(await gpuContainer(sampleSettings())), {
      deviceRequests: [{ capabilities: ["gpu"], deviceIds: ["0"], driver: "nvidia" }],
      ipcMode: "private",
      labels: labels([]),
      mounts: MOUNTS,
      shmSize: 2048,
      user: "10001:10001",
      env: ["GPU_VRAM_BUDGET_MB=8192"],
    });
  });

  it("mps: an MPS client with the pinned memory cap, the pipe directory, host IPC as a documented exception", async () => {
    assert.deepStrictEqual(gpuInputs(await gpuContainer(sampleSettings({ gpuSharing: MPS }))), {
      deviceRequests: [{ capabilities: ["gpu"], deviceIds: ["0"], driver: "nvidia" }],
      ipcMode: "host",
      labels: labels([{ label: "ai-system.hardening.exception.5.17", value: MPS_IPC_EXCEPTION.reason }]),
      mounts: [...MOUNTS, { readOnly: false, source: "/tmp/nvidia-mps", target: "/tmp/nvidia-mps", type: "bind" }],
      shmSize: undefined,
      user: "10001:10001",
      env: [
        "CUDA_MPS_LOG_DIRECTORY=/var/log/nvidia-mps",
        "CUDA_MPS_PINNED_DEVICE_MEM_LIMIT=0=8192M",
        "CUDA_MPS_PIPE_DIRECTORY=/tmp/nvidia-mps",
        "GPU_VRAM_BUDGET_MB=8192",
      ],
    });
  });
});
