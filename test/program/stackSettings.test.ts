import * as assert from "assert";
import { formatFinding } from "../../src/config/finding";
import { lineOfKey, parseStackSettings, planEnvironment, RawSettings, SettingsSource } from "../../src/program";
import { TEST_SECRETS } from "../support/fakeStackInputs";

const STACK_TEXT = [
  "config:",
  "  ai-system:machine: mainpc",
  "  ai-system:configRoot: ../monorepo",
  "  ai-system:mainpcIp: 192.168.1.10",
  "  ai-system:pc2Ip: 192.168.1.20",
  "  ai-system:waitTimeout: 600",
].join("\n");

const SOURCE: SettingsSource = { file: "Pulumi.mainpc.yaml", baseDir: "/srv/infra", lineOf: (key) => lineOfKey(STACK_TEXT, key) };

const SECRETS = TEST_SECRETS;
const MINIMAL: RawSettings = { machine: "mainpc", configRoot: "../monorepo", mainpcIp: "192.168.1.10", pc2Ip: "192.168.1.20", ...SECRETS };

const messages = (raw: RawSettings, source: SettingsSource = SOURCE): string[] => {
  const outcome = parseStackSettings(raw, source);
  assert.strictEqual(outcome.ok, false);
  return outcome.ok ? [] : outcome.findings.map(formatFinding);
};

describe("program/stackSettings", () => {
  it("fills every default and resolves paths against the project directory", () => {
    const outcome = parseStackSettings(MINIMAL, SOURCE);
    assert.ok(outcome.ok);
    assert.deepStrictEqual(outcome.settings, {
      machine: "mainpc",
      platform: "linux",
      lanIps: { mainpc: "192.168.1.10", pc2: "192.168.1.20" },
      networkName: "ai_system_network",
      hostConfigDir: "/srv/monorepo/config",
      natsImage: "nats:2.10-alpine",
      redisImage: "redis:7-alpine",
      natsLeafUser: "leaf",
      redisMemoryMb: 1024,
      redisCpus: 1,
      natsMemoryMb: 512,
      natsCpus: 1,
      containerUsers: { agent: "10001:10001", nats: "10002:10002", redis: "999:1000" },
      agentProcessLimit: 16384,
      agentTmpfsMb: 512,
      gpuSharing: { mode: "none" },
      portOffset: 0,
      waitTimeoutSeconds: 600,
      engineApiVersion: "1.52",
      publishServices: [],
      healthcheck: { intervalSeconds: 30, timeoutSeconds: 10, retries: 3, startPeriodSeconds: 120, startIntervalSeconds: 5 },
      logMaxSize: "50m",
      logMaxFiles: 5,
      extraEnvironment: {},
      images: { mode: "build", torchVersion: "2.5.1", torchIndexUrl: "https://download.pytorch.org/whl/cu121", buildTimeoutMinutes: 60 },
      configRoot: "/srv/monorepo",
      dockerHost: "unix:///var/run/docker.sock",
      dockerSshOpts: [],
      vramCapacityMb: null,
      hostMemoryMb: null,
      healthGate: "dependencies",
    });
  });

  it("reads values as Pulumi passes them: integers and lists as text, machine spellings normalised", () => {
    const outcome = parseStackSettings(
      {
        ...MINIMAL,
        machine: "MAIN_PC",
        portOffset: "100",
        vramCapacityMb: "20480",
        dockerSshOpts: '["-o","StrictHostKeyChecking=yes"]',
        extraEnvironment: '["HF_HOME=/app/models/hf","A=b=c"]',
        hostConfigDir: "/opt/ai/config",
      },
      SOURCE,
    );
    assert.ok(outcome.ok);
    const s = outcome.settings;
    assert.deepStrictEqual(
      [s.machine, s.portOffset, s.vramCapacityMb, s.dockerSshOpts, s.extraEnvironment, s.hostConfigDir],
      ["mainpc", 100, 20480, ["-o", "StrictHostKeyChecking=yes"], { HF_HOME: "/app/models/hf", A: "b=c" }, "/opt/ai/config"],
    );
  });

  it("reports every missing, malformed and unknown setting at its line, never printing a secret", () => {
    const raw: RawSettings = {
      machine: "pc3",
      mainpcIp: "192.168.1.300",
      pc2Ip: "192.168.1.20",
      waitTimeout: "soon",
      extraEnvironment: "HF_HOME=/x",
      redisPassword: "short pass",
      natsPassword: SECRETS.natsPassword,
      natsLeafPassword: SECRETS.natsLeafPassword,
      natsLeafCa: SECRETS.natsLeafCa,
      natsLeafCert: SECRETS.natsLeafCert,
      natsLeafKey: SECRETS.natsLeafKey,
      natsUserName: "agents",
      natsUser: "agents",
    };
    // This stack file lacks configRoot, so that finding points at line 1.
    const text = STACK_TEXT.replace("  ai-system:configRoot: ../monorepo\n", "  # no configRoot\n");
    const source = { ...SOURCE, lineOf: (key: string) => lineOfKey(text, key) };
    assert.deepStrictEqual(messages(raw, source), [
      "ERROR [invalid-value] Pulumi.mainpc.yaml:1: stack setting configRoot is missing; set it to the path of the monorepo root",
      'ERROR [invalid-value] Pulumi.mainpc.yaml:1: stack setting extraEnvironment is invalid: "HF_HOME=/x" (not a list); write a list of KEY=value strings',
      "ERROR [invalid-value] Pulumi.mainpc.yaml:1: stack setting natsUser is no longer used: each container group connects to NATS as its own user, named after the group (NATS_USER in its container), with a password derived from natsPassword; remove ai-system:natsUser from the stack file",
      "ERROR [invalid-value] Pulumi.mainpc.yaml:1: stack setting redisPassword is invalid: the secret value; set it with `pulumi config set --secret redisPassword`: at least 16 characters of at least three kinds (lower case, upper case, digits, others), no spaces; e.g. `openssl rand -base64 24`",
      "ERROR [invalid-value] Pulumi.mainpc.yaml:1: unknown stack setting ai-system:natsUserName; remove it or fix its spelling",
      'ERROR [invalid-value] Pulumi.mainpc.yaml:2: stack setting machine is invalid: "pc3"; set it to mainpc or pc2',
      'ERROR [invalid-value] Pulumi.mainpc.yaml:4: stack setting mainpcIp is invalid: "192.168.1.300"; set it to mainpc\'s IPv4 LAN address',
      'ERROR [invalid-value] Pulumi.mainpc.yaml:6: stack setting waitTimeout is invalid: "soon" (not a whole number); set a whole number of seconds, longer than healthcheckStartPeriodSeconds',
    ]);
  });

  it("reads the hardening and GPU-sharing settings: container users, limits, mps with its directories and user", () => {
    const outcome = parseStackSettings(
      {
        ...MINIMAL,
        natsCpus: "0.5",
        redisCpus: "2",
        natsMemoryMb: "256",
        agentContainerUser: "20001:20001",
        natsContainerUser: "4222:4222",
        redisContainerUser: "999:1000",
        agentProcessLimit: "8192",
        agentTmpfsMb: "128",
        gpuSharing: "mps",
        mpsPipeDirectory: "/run/nvidia-mps",
        mpsUser: "20001:20001",
      },
      SOURCE,
    );
    assert.ok(outcome.ok);
    const s = outcome.settings;
    assert.deepStrictEqual(
      [s.natsCpus, s.redisCpus, s.natsMemoryMb, s.containerUsers, s.agentProcessLimit, s.agentTmpfsMb, s.gpuSharing],
      [
        0.5,
        2,
        256,
        { agent: "20001:20001", nats: "4222:4222", redis: "999:1000" },
        8192,
        128,
        { mode: "mps", pipeDirectory: "/run/nvidia-mps", logDirectory: "/var/log/nvidia-mps", user: "20001:20001" },
      ],
    );
  });

  it("refuses root or named container users, wildcard LAN addresses, unknown sharing modes, relative MPS paths and bad CPU counts", () => {
    assert.deepStrictEqual(
      messages({
        ...MINIMAL,
        mainpcIp: "0.0.0.0",
        agentContainerUser: "0:0",
        natsContainerUser: "nats",
        mpsUser: "10001:0",
        gpuSharing: "mig",
        mpsPipeDirectory: "tmp/nvidia-mps",
        natsCpus: "0",
        redisCpus: "fast",
      }),
      [
        'ERROR [invalid-value] Pulumi.mainpc.yaml:1: stack setting agentContainerUser is invalid: "0:0"; write a numeric uid:gid other than 0, such as 10001:10001',
        'ERROR [invalid-value] Pulumi.mainpc.yaml:1: stack setting gpuSharing is invalid: "mig"; set it to none or mps',
        'ERROR [invalid-value] Pulumi.mainpc.yaml:1: stack setting mpsPipeDirectory is invalid: "tmp/nvidia-mps"; write an absolute path without spaces',
        'ERROR [invalid-value] Pulumi.mainpc.yaml:1: stack setting mpsUser is invalid: "10001:0"; write a numeric uid:gid other than 0, such as 10001:10001',
        'ERROR [invalid-value] Pulumi.mainpc.yaml:1: stack setting natsContainerUser is invalid: "nats"; write a numeric uid:gid other than 0, such as 10002:10002',
        'ERROR [invalid-value] Pulumi.mainpc.yaml:1: stack setting natsCpus is invalid: "0"; write a positive number of CPUs such as 1 or 0.5',
        'ERROR [invalid-value] Pulumi.mainpc.yaml:1: stack setting redisCpus is invalid: "fast"; write a positive number of CPUs such as 1 or 0.5',
        'ERROR [invalid-value] Pulumi.mainpc.yaml:4: stack setting mainpcIp is invalid: "0.0.0.0"; set it to mainpc\'s IPv4 LAN address',
      ],
    );
  });

  it("reads the image settings: build (the default) with its PyTorch arguments and timeout, or prebuilt from a registry", () => {
    const images = (raw: RawSettings) => {
      const outcome = parseStackSettings({ ...MINIMAL, ...raw }, SOURCE);
      assert.ok(outcome.ok, JSON.stringify(outcome));
      return outcome.settings.images;
    };
    assert.deepStrictEqual(images({ torchVersion: "", torchIndexUrl: "https://download.pytorch.org/whl/cu124", imageBuildTimeoutMinutes: "120" }), {
      mode: "build",
      torchVersion: "",
      torchIndexUrl: "https://download.pytorch.org/whl/cu124",
      buildTimeoutMinutes: 120,
    });
    assert.deepStrictEqual(images({ imageMode: "prebuilt" }), { mode: "prebuilt", registry: "", tag: "latest", digests: {}, registryUser: "" });
    assert.deepStrictEqual(images({ imageMode: "prebuilt", imageRegistry: "registry.lan:5000/ai", imageTag: "2025-07-26.1" }), {
      mode: "prebuilt",
      registry: "registry.lan:5000/ai",
      tag: "2025-07-26.1",
      digests: {},
      registryUser: "",
    });
  });

  it("refuses unknown image modes, registries with a tag or upper case, bad tags, URLs a shell would split and short build timeouts", () => {
    assert.deepStrictEqual(
      messages({
        ...MINIMAL,
        imageMode: "pull",
        imageRegistry: "Registry.lan/ai:v1",
        imageTag: "-latest",
        torchIndexUrl: "https://x.org/$(id)",
        imageBuildTimeoutMinutes: "1",
      }),
      [
        'ERROR [invalid-value] Pulumi.mainpc.yaml:1: stack setting imageBuildTimeoutMinutes is invalid: "1"; set a whole number of minutes from 5 to 1440',
        'ERROR [invalid-value] Pulumi.mainpc.yaml:1: stack setting imageMode is invalid: "pull"; set it to build or prebuilt',
        'ERROR [invalid-value] Pulumi.mainpc.yaml:1: stack setting imageRegistry is invalid: "Registry.lan/ai:v1"; write a registry host with an optional :port and /namespace, such as registry.lan:5000/ai, or leave it empty',
        'ERROR [invalid-value] Pulumi.mainpc.yaml:1: stack setting imageTag is invalid: "-latest"; write a Docker tag: letters, digits, _, . and -, at most 128 characters',
        'ERROR [invalid-value] Pulumi.mainpc.yaml:1: stack setting torchIndexUrl is invalid: "https://x.org/$(id)"; write an http(s) URL without spaces or quotes',
      ],
    );
  });

  it("leaves the secrets out when asked to (the plan command renders without deploying)", () => {
    const { redisPassword: _r, natsPassword: _n, natsLeafPassword: _l, ...withoutSecrets } = MINIMAL;
    const outcome = parseStackSettings(withoutSecrets, SOURCE, { secrets: "ignore" });
    assert.ok(outcome.ok);
    assert.strictEqual(outcome.settings.machine, "mainpc");
  });

  it("requires the three secrets", () => {
    const { redisPassword: _r, natsPassword: _n, natsLeafPassword: _l, ...withoutSecrets } = MINIMAL;
    assert.deepStrictEqual(messages(withoutSecrets), [
      "ERROR [invalid-value] Pulumi.mainpc.yaml:1: stack setting natsLeafPassword is missing; set it with `pulumi config set --secret natsLeafPassword` to the same value in both stacks: at least 16 characters of at least three kinds (lower case, upper case, digits, others), no spaces; e.g. `openssl rand -base64 24`",
      "ERROR [invalid-value] Pulumi.mainpc.yaml:1: stack setting natsPassword is missing; set it with `pulumi config set --secret natsPassword`: at least 16 characters of at least three kinds (lower case, upper case, digits, others), no spaces; e.g. `openssl rand -base64 24`",
      "ERROR [invalid-value] Pulumi.mainpc.yaml:1: stack setting redisPassword is missing; set it with `pulumi config set --secret redisPassword`: at least 16 characters of at least three kinds (lower case, upper case, digits, others), no spaces; e.g. `openssl rand -base64 24`",
    ]);
  });

  it("checks settings against each other", () => {
    assert.deepStrictEqual(
      messages({ ...MINIMAL, pc2Ip: "192.168.1.10", waitTimeout: "60", extraEnvironment: '["A=1","A=2"]' }),
      [
        "ERROR [invalid-value] Pulumi.mainpc.yaml:1: stack setting extraEnvironment sets A twice; keep one",
        "ERROR [invalid-value] Pulumi.mainpc.yaml:5: stack settings mainpcIp and pc2Ip are the same address; set each host's own LAN address",
        "ERROR [invalid-value] Pulumi.mainpc.yaml:6: stack setting waitTimeout (60) must be longer than healthcheckStartPeriodSeconds (120), or every deploy times out while models load",
      ],
    );
  });

  it("builds the plan with the containers' plain environment, never the secrets or the operator's shell", () => {
    const outcome = parseStackSettings({ ...MINIMAL, extraEnvironment: '["HF_HOME=/hf"]', portOffset: "7" }, SOURCE);
    assert.ok(outcome.ok);
    assert.deepStrictEqual(planEnvironment(outcome.settings), {
      BIND_ADDRESS: "0.0.0.0",
      CONFIG_OVERRIDE: "docker",
      CONTAINER_MODE: "true",
      DOCKER_CONTAINER: "true",
      DOCKER_NETWORK: "ai_system_network",
      HF_HOME: "/hf",
      LAUNCHER_NATS_RELAY_UPSTREAM: "nats:4222",
      LAUNCHER_REDIS_RELAY_UPSTREAM: "redis:6379",
      MACHINE_TYPE: "mainpc",
      MAINPC_IP: "192.168.1.10",
      MAIN_PC_IP: "192.168.1.10",
      PC2_IP: "192.168.1.20",
      PORT_OFFSET: "7",
      PYTHONPATH: "/app",
      REDIS_HOST: "127.0.0.1",
      REDIS_PORT: "6379",
    });
  });

  it("finds a key's line in the stack file", () => {
    assert.strictEqual(lineOfKey(STACK_TEXT, "ai-system:pc2Ip"), 5);
    assert.strictEqual(lineOfKey(STACK_TEXT, "ai-system:natsImage"), 1);
    assert.strictEqual(lineOfKey(null, "ai-system:machine"), 1);
  });
});
