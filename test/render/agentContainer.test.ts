import * as assert from "assert";
import { renderAgentContainer, RenderError } from "../../src/render";
import { samplePlan, sampleSettings } from "../support/samplePlan";

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

  it("refuses a container without agents", () => {
    const empty = { ...plan.containers[0], agents: [] };
    assert.throws(
      () => renderAgentContainer(plan, empty, settings),
      (e: unknown) => e instanceof RenderError && e.message === "container core has no agents: it would run nothing and could never turn healthy",
    );
  });
});
