import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import {
  containerStopTimeoutSeconds,
  LAUNCHER_DEFAULT_GRACE_SECONDS,
  renderAgentContainer,
  RenderError,
  renderNatsContainer,
  renderNatsStoreInit,
  renderRedisContainer,
  renderSpecText,
  STOP_TIMEOUT_MARGIN_SECONDS,
} from "../../src/render";
import { samplePlan, sampleSettings } from "../support/samplePlan";
import { PROJECT_ROOT } from "../support/tempConfigRoot";

const MPS = { mode: "mps", pipeDirectory: "/run/nvidia-mps", logDirectory: "/var/log/nvidia-mps", user: "20001:20001" } as const;

describe("render/agentContainer", () => {
  const plan = samplePlan();
  const settings = sampleSettings();
  const [core, modelGpu, language] = plan.containers.map((c) => renderAgentContainer(plan, c, settings));

  it("requests the GPU exactly on GPU groups, by explicit device id", () => {
    assert.deepStrictEqual(modelGpu.gpu, { driver: "nvidia", deviceIds: ["0"], count: null, capabilities: ["gpu"], vramMb: 8192 });
    assert.strictEqual(core.gpu, null);
    assert.strictEqual(language.gpu, null);
  });

  it("publishes each agent's port and ZMQ health port on the LAN address, never the HTTP health port", () => {
    const ip = "192.168.1.10";
    assert.deepStrictEqual(
      core.ports,
      [7200, 7220, 8200, 8220, 9000, 9100].map((p) => ({ internal: p, external: p, ip, protocol: "tcp" })),
    );
    const published = new Set(core.ports.map((p) => p.external));
    for (const http of [8201, 8221, 9101]) assert.ok(!published.has(http), `HTTP health port ${http} must not be published`);
  });

  it("names, resources, restart, logs, mounts, wait and dependencies come from the plan and settings", () => {
    assert.deepStrictEqual(
      {
        key: language.key,
        name: language.name,
        image: language.image,
        command: language.command,
        cpus: language.cpus,
        memoryMb: language.memoryMb,
        shmMb: language.shmMb,
        restart: language.restart,
        log: language.log,
        waitTimeoutSeconds: language.waitTimeoutSeconds,
        dependsOn: language.dependsOn,
        uploads: language.uploads,
      },
      {
        key: "language",
        name: "ai-system-language",
        // its own launcher image (prebuilt in the sample settings), run without a command
        image: "ai-system-language:latest",
        command: null,
        cpus: 1.5,
        memoryMb: 3072,
        shmMb: 128,
        restart: "unless-stopped",
        log: { driver: "json-file", options: { "max-size": "50m", "max-file": "5" } },
        waitTimeoutSeconds: 600,
        dependsOn: ["core", "model-gpu", "config-init", "nats", "redis"],
        uploads: [],
      },
    );
    assert.strictEqual(core.command, null);
    assert.deepStrictEqual(core.dependsOn, ["config-init", "nats", "redis"]);
    assert.deepStrictEqual(core.mounts, [
      { type: "volume", volume: "agent-cache", target: "/app/cache", readOnly: false },
      { type: "volume", volume: "agent-config", target: "/app/config", readOnly: true },
      { type: "volume", volume: "agent-data", target: "/app/data", readOnly: false },
      { type: "volume", volume: "agent-logs", target: "/app/logs", readOnly: false },
      { type: "volume", volume: "agent-models", target: "/app/models", readOnly: false },
    ]);
  });

  it("hardens every group: its user, no capabilities, no new privileges, read-only root with a /tmp tmpfs, init and a process limit", () => {
    assert.deepStrictEqual(
      {
        role: language.role,
        user: language.user,
        attachNetwork: language.attachNetwork,
        readOnlyRootfs: language.readOnlyRootfs,
        noNewPrivileges: language.noNewPrivileges,
        capabilities: language.capabilities,
        ipc: language.ipc,
        tmpfs: language.tmpfs,
        processLimit: language.processLimit,
        init: language.init,
        internalPorts: language.internalPorts,
        lifecycle: language.lifecycle,
        exceptions: language.exceptions.map((e) => e.id),
      },
      {
        role: "agent-group",
        user: "10001:10001",
        attachNetwork: true,
        readOnlyRootfs: true,
        noNewPrivileges: true,
        capabilities: { drop: ["ALL"], add: [] },
        ipc: "private",
        tmpfs: [{ target: "/tmp", options: "rw,nosuid,nodev,size=512m,mode=1777" }],
        processLimit: 16384,
        init: true,
        // The agents' HTTP health ports (health_check_port + 1): listening, never published.
        internalPorts: [6573, 6647, 6710],
        lifecycle: "service",
        exceptions: ["5.15", "5.29"],
      },
    );
    assert.deepStrictEqual(renderAgentContainer(plan, plan.containers[0], sampleSettings({ agentTmpfsMb: 64 })).tmpfs, [
      { target: "/tmp", options: "rw,nosuid,nodev,size=64m,mode=1777" },
    ]);
  });

  it("with gpuSharing mps makes GPU groups MPS clients: the MPS user, host IPC (a documented exception), the pipe directory, no shm size", () => {
    const mps = sampleSettings({ gpuSharing: MPS });
    const gpu = renderAgentContainer(plan, plan.containers[1], mps);
    assert.deepStrictEqual(
      { user: gpu.user, ipc: gpu.ipc, shmMb: gpu.shmMb, exceptions: gpu.exceptions.map((e) => e.id), mounts: gpu.mounts.map((m) => m.target) },
      {
        user: "20001:20001",
        ipc: "host",
        shmMb: null,
        exceptions: ["5.15", "5.17", "5.29"],
        mounts: ["/app/cache", "/app/config", "/app/data", "/app/logs", "/app/models", "/run/nvidia-mps"],
      },
    );
    assert.deepStrictEqual(gpu.mounts[5], { type: "bind", source: "/run/nvidia-mps", target: "/run/nvidia-mps", readOnly: false });
    assert.deepStrictEqual(gpu.gpu, modelGpu.gpu);
    // CPU groups are not MPS clients.
    const cpu = renderAgentContainer(plan, plan.containers[0], mps);
    assert.deepStrictEqual([cpu.user, cpu.ipc, cpu.shmMb, cpu.mounts.length], ["10001:10001", "private", 256, 5]);
    assert.deepStrictEqual(renderAgentContainer(plan, plan.containers[0], settings), cpu);
  });

  it("passes the VRAM budget to GPU groups in both modes, and the MPS cap and directories with mps", () => {
    const gpuLines = (s: ReturnType<typeof sampleSettings>) =>
      renderAgentContainer(plan, plan.containers[1], s)
        .env.map((e) => `${e.name}=${renderSpecText(e.value, () => "secret")}`)
        .filter((l) => /^(GPU_|CUDA_)/.test(l));
    assert.deepStrictEqual(gpuLines(settings), ["GPU_VRAM_BUDGET_MB=8192"]);
    assert.deepStrictEqual(gpuLines(sampleSettings({ gpuSharing: MPS })), [
      "CUDA_MPS_LOG_DIRECTORY=/var/log/nvidia-mps",
      "CUDA_MPS_PINNED_DEVICE_MEM_LIMIT=0=8192M",
      "CUDA_MPS_PIPE_DIRECTORY=/run/nvidia-mps",
      "GPU_VRAM_BUDGET_MB=8192",
    ]);
    const twoCards = { ...plan.containers[1], gpu: { vramMb: 4096, deviceIds: ["0", "1"] } };
    const env = renderAgentContainer(plan, twoCards, sampleSettings({ gpuSharing: MPS })).env;
    assert.deepStrictEqual(env.find((e) => e.name === "CUDA_MPS_PINNED_DEVICE_MEM_LIMIT")?.value, "0=4096M,1=4096M");
    assert.ok(!core.env.some((e) => /^(GPU_|CUDA_)/.test(e.name)));
  });

  it("runs the group's own image: the GroupImageSpec's reference, else what the image settings name", () => {
    const built = { key: "language", reference: "ai-system-language:0123456789abcdef", build: null };
    assert.strictEqual(renderAgentContainer(plan, plan.containers[2], settings, built).image, "ai-system-language:0123456789abcdef");
    assert.strictEqual(
      renderAgentContainer(plan, plan.containers[2], sampleSettings({ images: { mode: "prebuilt", registry: "registry.lan:5000/ai", tag: "v7", digests: {}, registryUser: "" } })).image,
      "registry.lan:5000/ai/ai-system-language:v7",
    );
    // Build mode without the group image (the plan command, the compose export): the untagged repository.
    const build = sampleSettings({ images: { mode: "build", torchVersion: "2.5.1", torchIndexUrl: "https://download.pytorch.org/whl/cu121", buildTimeoutMinutes: 60 } });
    assert.strictEqual(renderAgentContainer(plan, plan.containers[2], build).image, "ai-system-language");
    assert.throws(
      () => renderAgentContainer(plan, plan.containers[0], settings, built),
      (e: unknown) => e instanceof RenderError && e.message === "container core was given the image of group language",
    );
  });

  it("refuses a group command: the launcher is the entrypoint and takes no arguments", () => {
    const withCommand = { ...plan.containers[2], command: ["python", "-m", "runner"] };
    assert.throws(
      () => renderAgentContainer(plan, withCommand, settings),
      (e: unknown) =>
        e instanceof RenderError &&
        e.message ===
          'container group language sets command ["python","-m","runner"], but every agent-group image runs the group launcher (launcher/group_launcher.py), which starts the group\'s agents itself and takes no arguments; remove command from docker_groups.mainpc.language (config/overrides/docker.yaml:40)',
    );
  });

  it("gives agent groups a stop timeout above the launcher's grace period, NATS and Redis time to persist, the store init none", () => {
    assert.deepStrictEqual([LAUNCHER_DEFAULT_GRACE_SECONDS, STOP_TIMEOUT_MARGIN_SECONDS], [20, 10]);
    assert.strictEqual(containerStopTimeoutSeconds(core), 30);
    assert.strictEqual(containerStopTimeoutSeconds(renderRedisContainer(settings, [])), 120);
    assert.strictEqual(containerStopTimeoutSeconds(renderNatsContainer(settings, [])), 60);
    assert.strictEqual(containerStopTimeoutSeconds(renderNatsStoreInit(settings)), null);
    // A grace period set through the environment moves the stop timeout with it.
    const slow = renderAgentContainer(plan, plan.containers[0], sampleSettings({ extraEnvironment: { LAUNCHER_GRACE_SECONDS: "45.5" } }));
    assert.strictEqual(containerStopTimeoutSeconds(slow), 56);
    assert.throws(
      () => renderAgentContainer(plan, plan.containers[0], sampleSettings({ extraEnvironment: { LAUNCHER_GRACE_SECONDS: "soon" } })),
      (e: unknown) => e instanceof RenderError && e.message === "LAUNCHER_GRACE_SECONDS=soon is not a number of seconds above 0: the group launcher would refuse to start",
    );
    // The default is the launcher's own.
    const launcher = fs.readFileSync(path.join(PROJECT_ROOT, "launcher", "group_launcher.py"), "utf8");
    assert.ok(launcher.includes(`read_seconds(env, "LAUNCHER_GRACE_SECONDS", ${LAUNCHER_DEFAULT_GRACE_SECONDS}.0)`));
  });

  it("refuses a container without agents", () => {
    const empty = { ...plan.containers[0], agents: [] };
    assert.throws(
      () => renderAgentContainer(plan, empty, settings),
      (e: unknown) => e instanceof RenderError && e.message === "container core has no agents: it would run nothing and could never turn healthy",
    );
  });
});
