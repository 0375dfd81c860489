import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Machine } from "../../src/config/machine";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { INCLUDE_FIXTURE, PROJECT_ROOT } from "../support/tempConfigRoot";

/** The project's own config/ must describe the user's 77 agents faithfully and plan cleanly. */
describe("the default configuration (config/)", () => {
  const plans = {
    mainpc: buildDeploymentPlan({ configRoot: PROJECT_ROOT, machine: "mainpc", env: {}, override: "docker" }),
    pc2: buildDeploymentPlan({ configRoot: PROJECT_ROOT, machine: "pc2", env: {}, override: "docker" }),
  };
  const legacy = {
    mainpc: buildDeploymentPlan({ configRoot: INCLUDE_FIXTURE, machine: "mainpc", env: {}, override: null }),
    pc2: buildDeploymentPlan({ configRoot: INCLUDE_FIXTURE, machine: "pc2", env: {}, override: null }),
  };
  const machines: Machine[] = ["mainpc", "pc2"];

  it("loads and plans both machines with no finding at all", () => {
    for (const m of machines) assert.deepStrictEqual(plans[m].findings, [], m);
  });

  it("describes the legacy files' 54 + 23 agents: same names, scripts, dependencies and required flags", () => {
    assert.strictEqual(plans.mainpc.agents.length, 54);
    assert.strictEqual(plans.pc2.agents.length, 23);
    for (const m of machines) {
      const facts = (p: (typeof plans)["mainpc"]) => p.agents.map((a) => [a.name, a.scriptPath, [...a.dependencies].sort(), a.required, a.port]);
      assert.deepStrictEqual(facts(plans[m]), facts(legacy[m]), m);
    }
  });

  it("changes a legacy health port only where it clashed, and says so on that line", () => {
    const v3Lines = fs.readFileSync(path.join(PROJECT_ROOT, "config/startup_config.v3.yaml"), "utf8").split("\n");
    let changed = 0;
    for (const m of machines) {
      for (const agent of plans[m].agents) {
        const before = legacy[m].agents.find((a) => a.name === agent.name)!;
        const where = plans[m].config.locate(["agent_groups", agent.group, agent.name, "health_check_port"])!;
        assert.strictEqual(where.file, "config/startup_config.v3.yaml");
        const line = v3Lines[where.line - 1]!;
        if (agent.healthCheckPort === before.healthCheckPort) {
          assert.ok(!line.includes("# legacy"), `${m} ${agent.name}: unchanged port carries a comment: ${line}`);
        } else {
          changed++;
          assert.match(line, new RegExp(`# legacy ${before.healthCheckPort}\\b`), `${m} ${agent.name}: changed port without a comment: ${line}`);
          // The change was needed: the legacy value clashed in the legacy single namespace.
          assert.ok(legacy[m].findings.some((f) => f.code === "port-clash" && f.message.includes(`${agent.name}'s`)), `${agent.name} had no clash`);
        }
      }
    }
    assert.strictEqual(changed, 20);
  });

  it("places every agent in the request's 12 container groups, within VRAM, in 4 and 2 waves", () => {
    assert.deepStrictEqual(plans.mainpc.containers.map((c) => [c.name, c.wave, c.gpu?.vramMb ?? null]), [
      ["core-platform", 1, null],
      ["memory-stack", 2, null],
      ["model-manager-gpu", 2, 9216],
      ["audio-emotion", 3, 3072],
      ["reasoning-gpu", 3, 2048],
      ["utility-gpu", 3, 4096],
      ["vision-gpu", 3, 2048],
      ["language-stack-gpu", 4, 2048],
    ]);
    assert.deepStrictEqual(plans.pc2.containers.map((c) => [c.name, c.wave, c.gpu?.vramMb ?? null]), [
      ["infra-core-cpu", 1, null],
      ["memory-reasoning-gpu", 2, 4096],
      ["tutor-suite-cpu", 2, null],
      ["vision-dream-gpu", 2, 6144],
    ]);
    for (const m of machines) {
      const placed = plans[m].containers.flatMap((c) => c.agents.map((a) => a.name)).sort();
      assert.deepStrictEqual(placed, plans[m].agents.map((a) => a.name).sort());
      assert.strictEqual(plans[m].waves, plans[m].longestPath);
    }
    assert.deepStrictEqual([plans.mainpc.waves, plans.pc2.waves], [4, 2]);
    assert.deepStrictEqual(plans.mainpc.vram, { capacityMb: 24576, headroomMb: 1536, allocatedMb: 22528, allowOvercommit: false });
    assert.deepStrictEqual(plans.pc2.vram, { capacityMb: 12288, headroomMb: 1536, allocatedMb: 10240, allowOvercommit: false });
  });
});
