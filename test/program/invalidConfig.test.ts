import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { runProgram } from "../../src/program";
import { fakeStackInputs } from "../support/fakeStackInputs";
import { mockPulumi } from "../support/pulumiMocks";
import { PROJECT_ROOT, withConfigRoot } from "../support/tempConfigRoot";

/** The whole program on a real config root with several mistakes: nothing may be registered. */
describe("program on an invalid configuration", function () {
  this.timeout(20_000);

  it("registers zero resources and ends with every finding, each with file, line and what to do", async () => {
    const run = await mockPulumi();
    const files = {
      "config/startup_config.v3.yaml": [
        "agent_groups:",
        "  core:",
        "    Hub: {script_path: hub.py, port: 7000, dependencies: [Ghost]}",
        "    Worker: {script_path: w.py, port: 7001}",
        "    Lone: {script_path: l.py, port: 7100}",
        "",
      ].join("\n"),
      "config/overrides/docker.yaml": "docker_groups:\n  mainpc:\n    core: {agents: [Hub, Worker], gpu: {vram_mb: 99999, device_ids: ['0']}}\n",
    };
    let error: unknown = null;
    withConfigRoot(files, (root) => {
      try {
        runProgram(fakeStackInputs({ machine: "mainpc", configRoot: root, mainpcIp: "192.168.1.10", pc2Ip: "192.168.1.20" }), buildDeploymentPlan, () => undefined);
      } catch (e) {
        error = e;
      }
    });
    await run.settle();
    assert.strictEqual(run.registrations.length, 0);
    assert.ok(error instanceof pulumi.RunError, String(error));
    const lines = (error as Error).message.split("\n");
    assert.strictEqual(lines[0], "The mainpc plan has 5 errors; nothing was deployed. Fix these and run again:");
    // Root causes first: the agent graph before the container plan built on it.
    assert.deepStrictEqual(lines.slice(1).map((l) => l.replace(/: .*$/, "")), [
      "ERROR [unknown-dependency] config/startup_config.v3.yaml:3",
      "ERROR [port-clash] config/startup_config.v3.yaml:4",
      "ERROR [port-clash] config/startup_config.v3.yaml:4",
      "ERROR [vram-over-capacity] config/overrides/docker.yaml:3",
      "ERROR [unassigned-agent] config/startup_config.v3.yaml:5",
    ]);
  });

  it("deploys the default configuration's project root without errors (control)", () => {
    const plan = buildDeploymentPlan({ configRoot: PROJECT_ROOT, machine: "pc2", env: {}, override: "docker" });
    assert.deepStrictEqual(plan.findings, []);
  });
});
