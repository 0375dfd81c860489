import * as assert from "assert";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { AgentGroup, HostNetwork, imageSlug, resolveText } from "../../components";
import { renderAgentContainer } from "../../src/render";
import { isSecretOutput, mockPulumi, promiseOf } from "../support/pulumiMocks";
import { samplePlan, sampleSettings } from "../support/samplePlan";
import { TEST_SECRETS, testSecretOutputs } from "../support/fakeStackInputs";

const secrets = testSecretOutputs();

describe("components used on their own", function () {
  this.timeout(10_000);

  it("HostNetwork: a bridge by default, another driver when asked, and its name as output", async () => {
    const run = await mockPulumi();
    const plain = new HostNetwork("net", { networkName: "ai_system_network" });
    new HostNetwork("overlay", { networkName: "other", driver: "overlay" });
    assert.strictEqual(await promiseOf(plain.networkName), "ai_system_network");
    await run.settle();
    const networks = run.registrations.filter((r) => r.type === "docker:index/network:Network");
    assert.deepStrictEqual(
      networks.map((r) => [r.name, r.inputs, r.parent.endsWith("ai-system:network:HostNetwork::" + r.name)]),
      [
        ["net", { driver: "bridge", name: "ai_system_network" }, true],
        ["overlay", { driver: "overlay", name: "other" }, true],
      ],
    );
  });

  it("AgentGroup: one container named after the group, waiting for the containers it is given", async () => {
    const run = await mockPulumi();
    const plan = samplePlan();
    const spec = renderAgentContainer(plan, plan.containers[0], sampleSettings());
    const first = new docker.Container("first", { image: "x", name: "first" });
    const volumes = Object.fromEntries(
      ["agent-cache", "agent-config", "agent-data", "agent-logs", "agent-models"].map((k) => [k, new docker.Volume(k, { name: `v-${k}` })]),
    );
    const group = new AgentGroup("core", { spec, image: "img", networkName: "net", volumes, secrets, dependsOn: [first] });
    assert.strictEqual(await promiseOf(group.containerName), "ai-system-core");
    await run.settle();
    const container = run.registrations.find((r) => r.type === "docker:index/container:Container" && r.name === "core");
    assert.ok(container);
    assert.ok(container.parent.endsWith("ai-system:agents:AgentGroup::core"));
    assert.ok(container.dependencies.some((u) => u.endsWith("docker:index/container:Container::first")));
    assert.deepStrictEqual(
      (container.inputs.mounts as { source: string; target: string }[]).map((m) => `${m.source}:${m.target}`),
      ["v-agent-cache:/app/cache", "v-agent-config:/app/config", "v-agent-data:/app/data", "v-agent-logs:/app/logs", "v-agent-models:/app/models"],
    );
  });

  it("resolveText: a value built from a secret is a secret output; plain text stays plain", async () => {
    await mockPulumi();
    const url = resolveText({ parts: ["redis://:", { secret: "redisPassword", encoding: "url" }, "@redis:6379/0"] }, secrets);
    assert.ok(pulumi.Output.isInstance(url));
    assert.strictEqual(await isSecretOutput(url), true);
    assert.strictEqual(await promiseOf(url), `redis://:${TEST_SECRETS.redisPassword}@redis:6379/0`);
    assert.strictEqual(resolveText("plain", secrets), "plain");
  });

  it("imageSlug makes image references resource-name safe", () => {
    assert.strictEqual(imageSlug("nats:2.10-alpine"), "nats-2-10-alpine");
    assert.strictEqual(imageSlug("registry.local:5000/ai-system/agent-runtime@sha256:ab"), "registry-local-5000-ai-system-agent-runtime-sha256-ab");
  });
});
