import * as assert from "assert";
import { renderAgentContainer, RenderError, renderSpecText } from "../../src/render";
import { samplePlan, sampleSettings } from "../support/samplePlan";

const MPS = { mode: "mps", pipeDirectory: "/run/nvidia-mps", logDirectory: "/var/log/nvidia-mps", user: "20001:20001" } as const;

describe("render/agentContainer", () => {
  const plan = samplePlan();
  const settings = sampleSettings();
  const [core, modelGpu, language] = plan.containers.map((c) => renderAgentContainer(plan, c, settings));

  it("requests the GPU exactly on GPU groups, by explicit device id", () => {
    assert.deepStrictEqual(modelGpu.gpu, { driver: "nvidia", deviceIds: ["0"], capabilities: ["gpu"], vramMb: 8192 });
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
        image: "ai-system/agent-runtime:latest",
        command: ["python", "-m", "runner"],
        cpus: 1.5,
        memoryMb: 3072,
        shmMb: 128,
        restart: "unless-stopped",
        log: { driver: "json-file", options: { "max-size": "50m", "max-file": "5" } },
        waitTimeoutSeconds: 600,
        dependsOn: ["core", "model-gpu", "nats", "redis"],
        uploads: [],
      },
    );
    assert.strictEqual(core.command, null);
    assert.deepStrictEqual(core.dependsOn, ["nats", "redis"]);
    assert.deepStrictEqual(core.mounts, [
      { type: "volume", volume: "agent-cache", target: "/app/cache", readOnly: false },
      { type: "bind", source: "/srv/monorepo/config", target: "/app/config", readOnly: true },
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

  it("refuses a container without agents", () => {
    const empty = { ...plan.containers[0], agents: [] };
    assert.throws(
      () => renderAgentContainer(plan, empty, settings),
      (e: unknown) => e instanceof RenderError && e.message === "container core has no agents: it would run nothing and could never turn healthy",
    );
  });
});
