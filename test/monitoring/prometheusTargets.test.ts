import * as assert from "assert";
import { Machine } from "../../src/config/machine";
import { prometheusTargets, targetsFile, targetsJson } from "../../src/monitoring/prometheusTargets";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { INCLUDE_FIXTURE, PROJECT_ROOT } from "../support/tempConfigRoot";

describe("monitoring/prometheusTargets", () => {
  const plan = (machine: Machine, configRoot = PROJECT_ROOT) => buildDeploymentPlan({ configRoot, machine, env: {}, override: "docker" });

  it("lists every agent of the default configuration once, at its network alias and HTTP health port", () => {
    for (const [machine, count] of [["mainpc", 54], ["pc2", 23]] as const) {
      const p = plan(machine);
      const targets = prometheusTargets(p);
      assert.strictEqual(targets.length, count);
      assert.strictEqual(p.agents.length, count);
      const container = new Map(p.containers.flatMap((c) => c.agents.map((a) => [a.name, c.name] as const)));
      const expected = p.agents
        .map((a) => ({
          targets: [`${machine}-${a.name.toLowerCase()}:${a.healthCheckPort + 1}`],
          labels: { machine, group: container.get(a.name)!, agent: a.name, __metrics_path__: "/metrics" },
        }))
        .sort((a, b) => (a.targets[0]! < b.targets[0]! ? -1 : 1));
      assert.deepStrictEqual(targets, expected);
    }
  });

  it("gives exact entries, sorted by target", () => {
    const targets = prometheusTargets(plan("mainpc"));
    assert.deepStrictEqual(targets.find((t) => t.labels.agent === "ServiceRegistry"), {
      targets: ["mainpc-serviceregistry:8201"],
      labels: { machine: "mainpc", group: "core-platform", agent: "ServiceRegistry", __metrics_path__: "/metrics" },
    });
    assert.deepStrictEqual(targets.slice(0, 3).map((t) => t.targets[0]), ["mainpc-activelearningmonitor:6639", "mainpc-advancedcommandhandler:6718", "mainpc-audiocapture:7551"]);
    assert.deepStrictEqual(prometheusTargets(plan("pc2")).find((t) => t.labels.agent === "ObservabilityHub"), {
      targets: ["pc2-observabilityhub:9111"],
      labels: { machine: "pc2", group: "infra-core-cpu", agent: "ObservabilityHub", __metrics_path__: "/metrics" },
    });
  });

  it("has no targets where no container runs the agents", () => {
    assert.deepStrictEqual(prometheusTargets(plan("mainpc", INCLUDE_FIXTURE)), []);
  });

  it("writes file_sd JSON with a final newline, under monitoring/", () => {
    const targets = prometheusTargets(plan("pc2"));
    const json = targetsJson(targets);
    assert.ok(json.endsWith("]\n"));
    assert.deepStrictEqual(JSON.parse(json), targets);
    assert.strictEqual(targetsFile("pc2"), "monitoring/pc2.targets.json");
  });
});
