import * as assert from "assert";
import { ALL_VOLUMES, machineContainers } from "../../src/render";
import { renderedSpec, renderRefusals } from "../support/renderedSpec";
import { samplePlan, samplePc2Settings, sampleSettings } from "../support/samplePlan";

describe("render/machineSpec", () => {
  it("renders NATS, Redis and every group in plan order, with the GPU table and endpoints", () => {
    const spec = renderedSpec(samplePlan(), sampleSettings());
    assert.deepStrictEqual(
      spec.groups.map((g) => g.key),
      ["core", "model-gpu", "language"],
    );
    assert.deepStrictEqual(spec.gpuAllocation, {
      capacityMb: 24576,
      headroomMb: 1536,
      allocatedMb: 8192,
      containers: [{ name: "model-gpu", deviceIds: ["0"], vramMb: 8192 }],
    });
    assert.deepStrictEqual(spec.endpoints, {
      machine: "mainpc",
      network: "ai_system_network",
      natsUrl: "nats://192.168.1.10:4222",
      natsInternalUrl: "nats://nats:4222",
      natsJetStreamDomain: "mainpc",
      natsLeafRole: "hub",
      natsLeafUrl: "nats-leaf://192.168.1.10:7422",
      redisUrl: "redis://192.168.1.10:6379/0",
      redisInternalUrl: "redis://redis:6379/0",
    });
  });

  it("names each group's own image: exactly as given, else as the image settings say; refuses images that do not match the groups", () => {
    const plan = samplePlan();
    const images = ["core", "model-gpu", "language"].map((key, i) => ({ key, reference: `ai-system-${key}:${String(i).repeat(16)}`, build: null }));
    assert.deepStrictEqual(
      renderedSpec(plan, sampleSettings(), images).groups.map((g) => g.image),
      ["ai-system-core:0000000000000000", "ai-system-model-gpu:1111111111111111", "ai-system-language:2222222222222222"],
    );
    assert.deepStrictEqual(
      renderedSpec(plan, sampleSettings()).groups.map((g) => g.image),
      ["ai-system-core:latest", "ai-system-model-gpu:latest", "ai-system-language:latest"],
    );
    for (const wrong of [images.slice(1), [...images, { key: "other", reference: "ai-system-other:x", build: null }], [...images, images[0]!]]) {
      assert.match(renderRefusals(plan, sampleSettings(), wrong).join("\n"), /^render: the group images .* do not match the planned groups/);
    }
    // NATS and Redis keep the images of their settings.
    const spec = renderedSpec(plan, sampleSettings(), images);
    assert.deepStrictEqual([spec.natsStoreInit.image, spec.nats.image, spec.redis.image], ["nats:2.10-alpine", "nats:2.10-alpine", "redis:7-alpine"]);
  });

  it("retains data, models, NATS and Redis volumes; logs and cache are disposable", () => {
    assert.deepStrictEqual(
      ALL_VOLUMES.map((v) => `${v.key}:${v.name}:${v.retainOnDelete}`),
      [
        "agent-cache:ai-system-cache:false",
        "agent-config:ai-system-config:false",
        "agent-data:ai-system-data:true",
        "agent-logs:ai-system-logs:false",
        "agent-models:ai-system-models:true",
        "nats-data:ai-system-nats-data:true",
        "redis-data:ai-system-redis-data:true",
      ],
    );
  });

  it("refuses a plan for the other machine and a group named like a server", () => {
    assert.deepStrictEqual(renderRefusals(samplePlan(), samplePc2Settings()), ["render: the plan is for mainpc but the stack deploys pc2"]);
    const plan = samplePlan();
    const clash = { ...plan, containers: [{ ...plan.containers[0], name: "redis" }] };
    assert.deepStrictEqual(renderRefusals(clash, sampleSettings()), ["render: container group redis takes the name of the redis server; rename the group"]);
    const initClash = { ...plan, containers: [{ ...plan.containers[0], name: "nats-store-init" }] };
    assert.deepStrictEqual(renderRefusals(initClash, sampleSettings()), ["render: container group nats-store-init takes the name of the NATS store init container; rename the group"]);
    const configClash = { ...plan, containers: [{ ...plan.containers[0], name: "config-init" }] };
    assert.deepStrictEqual(renderRefusals(configClash, sampleSettings()), ["render: container group config-init takes the name of the config init container; rename the group"]);
  });

  it("lists every container in creation order: the NATS store init, NATS, Redis, the config init, then the groups", () => {
    assert.deepStrictEqual(
      machineContainers(renderedSpec(samplePlan(), sampleSettings())).map((c) => `${c.key}:${c.role}`),
      ["nats-store-init:volume-init", "nats:nats", "redis:redis", "config-init:volume-init", "core:agent-group", "model-gpu:agent-group", "language:agent-group"],
    );
  });
});

describe("render/machineSpec plan order", () => {
  it("refuses a group whose dependency the plan does not start before it", () => {
    const plan = samplePlan();
    const [core, modelGpu, language] = plan.containers;
    assert.deepStrictEqual(renderRefusals({ ...plan, containers: [core, language, modelGpu] }, sampleSettings()), ["render: container language depends on model-gpu, which the plan does not start before it"]);
  });
});
