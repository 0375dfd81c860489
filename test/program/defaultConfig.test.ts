/**
 * Both stacks end to end under mocks: the stack files, the real plan builder on the project's
 * default configuration, the renderers and the components.
 */
import * as assert from "assert";
import { Machine, otherMachine } from "../../src/config/machine";
import { FileSdTarget, prometheusTargets } from "../../src/monitoring/prometheusTargets";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { DeploymentPlan } from "../../src/plan/deploymentPlan";
import { parseStackSettings, planEnvironment, runProgram } from "../../src/program";
import { agentEnvName, GpuAllocationTable } from "../../src/render";
import { launcherAgents } from "../../src/launcher/launcherContract";
import { fakeStackInputs, TEST_SECRETS } from "../support/fakeStackInputs";
import { mockPulumi, MockedRun, plainStrings, promiseOf, Registration, unwrap } from "../support/pulumiMocks";
import { PROJECT_DIR, stackRawSettings } from "../support/stackFiles";

const CONTAINER = "docker:index/container:Container";

for (const machine of ["mainpc", "pc2"] as const satisfies readonly Machine[]) {
  describe(`the ${machine} stack on the default configuration`, function () {
    this.timeout(60_000); // the whole stack under mocks; generous for a loaded 2-core machine
    let run: MockedRun;
    let plan: DeploymentPlan;
    let gpuAllocation: GpuAllocationTable;
    let monitoringTargets: FileSdTarget[];
    const inputs = fakeStackInputs(stackRawSettings(machine), machine, PROJECT_DIR);
    const parsed = parseStackSettings(inputs.raw, inputs.source);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.findings));
    const settings = parsed.settings;
    const groupContainer = (name: string): Registration => {
      const found = run.registrations.find((r) => r.type === CONTAINER && r.name === `${machine}-${name}`);
      assert.ok(found, `container ${name}`);
      return found;
    };

    before(async () => {
      plan = buildDeploymentPlan({ configRoot: settings.configRoot, machine, env: planEnvironment(settings), override: "docker" });
      run = await mockPulumi(machine);
      const outputs = runProgram(inputs, buildDeploymentPlan, () => undefined);
      gpuAllocation = await promiseOf(outputs.gpuAllocation);
      monitoringTargets = await promiseOf(outputs.monitoringTargets);
      await run.settle();
    });

    it("exports every agent's /metrics endpoint as Prometheus targets", () => {
      assert.deepStrictEqual(monitoringTargets, prometheusTargets(plan));
      assert.strictEqual(monitoringTargets.length, machine === "mainpc" ? 54 : 23);
      const hub = monitoringTargets.find((t) => t.labels.agent === "ObservabilityHub")!;
      const agent = plan.agents.find((a) => a.name === "ObservabilityHub")!;
      assert.deepStrictEqual(hub.targets, [`${machine}-observabilityhub:${agent.httpHealthPort}`]);
    });

    it("has a plan without errors, with the default configuration's containers", () => {
      assert.deepStrictEqual(plan.findings.filter((f) => f.severity === "error"), []);
      assert.strictEqual(plan.containers.length, machine === "mainpc" ? 8 : 4);
      const containers = run.registrations.filter((r) => r.type === CONTAINER).map((r) => r.name).sort();
      assert.deepStrictEqual(
        containers,
        [...plan.containers.map((c) => `${machine}-${c.name}`), `${machine}-config-init`, `${machine}-nats`, `${machine}-nats-store-init`, `${machine}-redis`].sort(),
      );
    });

    it("requests exactly the planned GPUs and reports them within capacity", () => {
      for (const c of plan.containers) {
        const expected = c.gpu === null ? undefined : [{ driver: "nvidia", deviceIds: [...c.gpu.deviceIds], capabilities: ["gpu"] }];
        assert.deepStrictEqual(groupContainer(c.name).inputs.deviceRequests, expected, c.name);
      }
      const gpus = plan.containers.filter((c) => c.gpu !== null);
      assert.deepStrictEqual(gpuAllocation.containers.map((r) => r.name), gpus.map((c) => c.name).sort());
      assert.strictEqual(gpuAllocation.containers.reduce((sum, r) => sum + r.vramMb, 0), gpuAllocation.allocatedMb);
      assert.ok(gpuAllocation.allocatedMb <= plan.vram.capacityMb - plan.vram.headroomMb);
    });

    it("puts every agent's aliases on exactly one container and every peer agent in the host entries", () => {
      const aliasOwners = new Map<string, string[]>();
      for (const c of plan.containers) {
        const [network] = groupContainer(c.name).inputs.networksAdvanced as { aliases: string[] }[];
        for (const alias of network.aliases) aliasOwners.set(alias, [...(aliasOwners.get(alias) ?? []), c.name]);
        const hosts = (groupContainer(c.name).inputs.hosts as { host: string; ip: string }[]).map((h) => `${h.host}@${h.ip}`);
        for (const peer of plan.peerAgents) {
          assert.ok(hosts.includes(`${otherMachine(machine)}-${peer.name.toLowerCase()}@${settings.lanIps[otherMachine(machine)]}`), `${c.name}: ${peer.name}`);
        }
      }
      for (const a of plan.agents) {
        for (const alias of [a.name.toLowerCase(), `${machine}-${a.name.toLowerCase()}`]) {
          assert.strictEqual(aliasOwners.get(alias)?.length, 1, alias);
        }
      }
    });

    it("publishes no agent port (no agent of the other host depends on one, no group asks); the healthcheck asks the launcher, which knows the gating agents", () => {
      for (const c of plan.containers) {
        const r = groupContainer(c.name);
        assert.deepStrictEqual(c.publishedPorts, [], c.name);
        assert.strictEqual(r.inputs.ports, undefined, c.name);
        assert.deepStrictEqual((r.inputs.healthcheck as { tests: string[] }).tests, ["CMD", "python3", "/opt/ai-launcher/group_launcher.py", "healthcheck"], c.name);
        const launcherAgents = JSON.parse((unwrap(r.inputs.envs).value as string[]).find((l) => l.startsWith("GROUP_AGENTS_JSON="))!.slice("GROUP_AGENTS_JSON=".length)) as { name: string; gates: boolean }[];
        assert.deepStrictEqual(launcherAgents.filter((a) => a.gates).map((a) => a.name), [...c.gatingAgents], c.name);
      }
    });

    it("waits for exactly the planned dependencies, the config init, NATS and Redis", () => {
      const urn = (name: string) => groupContainer(name).urn;
      for (const c of plan.containers) {
        const expected = [...c.dependsOn.map(urn), urn("config-init"), urn("nats"), urn("redis")].sort();
        assert.deepStrictEqual(groupContainer(c.name).dependencies.filter((u) => u.includes(`$${CONTAINER}::`)), expected, c.name);
      }
    });

    it("gives each group its agents' port variables in a sorted, secret environment; no secret leaks", () => {
      for (const c of plan.containers) {
        const env = unwrap(groupContainer(c.name).inputs.envs);
        assert.strictEqual(env.secret, true);
        const lines = env.value as string[];
        assert.deepStrictEqual(lines, [...lines].sort((a, b) => (a.split("=")[0] < b.split("=")[0] ? -1 : 1)));
        for (const a of c.agents) {
          assert.ok(lines.includes(`${agentEnvName(a.name)}_PORT=${a.port}`), `${c.name}: ${a.name}`);
          assert.ok(lines.includes(`${agentEnvName(a.name)}_HEALTH_PORT=${a.healthCheckPort}`), `${c.name}: ${a.name}`);
        }
        assert.ok(lines.includes(`MACHINE_TYPE=${machine}`) && lines.includes(`GROUP_NAME=${c.name}`));
      }
      for (const r of run.registrations) {
        for (const text of plainStrings(r.inputs)) {
          for (const value of Object.values(TEST_SECRETS)) assert.ok(!text.includes(value), `${r.name} leaks a secret`);
        }
      }
    });

    it("runs every group on its own prebuilt launcher image (the stack files' imageMode), with the launcher's input and a stop timeout above its grace", () => {
      assert.deepStrictEqual(settings.images, { mode: "prebuilt", registry: "", tag: "latest", digests: {}, registryUser: "" });
      const images = run.registrations.filter((r) => r.type === "docker:index/remoteImage:RemoteImage");
      assert.deepStrictEqual(images.filter((r) => r.inputs.build !== undefined), []);
      for (const c of plan.containers) {
        const r = groupContainer(c.name);
        const image = images.find((i) => i.name === `${machine}-group-image-${c.name}`);
        assert.deepStrictEqual(image?.inputs, { keepLocally: true, name: `ai-system-${c.name}:latest` }, c.name);
        assert.strictEqual(r.inputs.image, `sha256:ai-system-${c.name}:latest`);
        assert.strictEqual(r.inputs.command, undefined, c.name);
        assert.deepStrictEqual([r.inputs.stopTimeout, r.inputs.destroyGraceSeconds], [30, 30], c.name);
        const lines = unwrap(r.inputs.envs).value as string[];
        const agentsJson = lines.find((l) => l.startsWith("GROUP_AGENTS_JSON="))?.slice("GROUP_AGENTS_JSON=".length);
        assert.deepStrictEqual(JSON.parse(agentsJson ?? "null"), launcherAgents(c), c.name);
      }
    });

    it(`runs NATS as the leaf-node ${machine === "mainpc" ? "hub" : "remote"} in JetStream domain ${machine}`, () => {
      const nats = groupContainer("nats");
      const config = (nats.inputs.command as string[])[4] ?? "";
      assert.match(config, new RegExp(`domain: "${machine}"`));
      const env = unwrap(nats.inputs.envs).value as string[];
      if (machine === "mainpc") {
        assert.match(config, /listen: "0.0.0.0:7422"/);
        assert.ok(env.includes(`NATS_LEAF_PASSWORD="${TEST_SECRETS.natsLeafPassword}"`));
      } else {
        assert.match(config, /remotes: \[/);
        assert.ok(env.includes(`NATS_LEAF_URL="nats-leaf://leaf:${TEST_SECRETS.natsLeafPassword}@${settings.lanIps.mainpc}:7422"`));
      }
    });
  });
}
