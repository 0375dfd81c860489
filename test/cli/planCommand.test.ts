import * as assert from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import { runPlanCommand } from "../../src/cli/planCommand";
import { INCLUDE_FIXTURE, PROJECT_ROOT, withConfigRoot } from "../support/tempConfigRoot";

describe("npm run plan", () => {
  it("prints the default config's plan as JSON with every documented field and exits 0", () => {
    const result = runPlanCommand(["--machine", "mainpc", "--json"], {});
    assert.strictEqual(result.exitCode, 0);
    const doc = JSON.parse(result.stdout);
    assert.deepStrictEqual(Object.keys(doc), [
      "machine", "configRoot", "override", "files", "counts", "agents", "legacy", "crossMachineDependencies", "containers", "waves", "longestPath", "vram", "findings",
    ]);
    assert.strictEqual(doc.machine, "mainpc");
    assert.strictEqual(doc.configRoot, PROJECT_ROOT);
    assert.deepStrictEqual(doc.counts, { mainpc: 54, pc2: 23, total: 77 });
    assert.deepStrictEqual(doc.agents.find((a: { name: string }) => a.name === "ServiceRegistry"), {
      name: "ServiceRegistry",
      group: "core_services",
      scriptPath: "main_pc_code/agents/service_registry_agent.py",
      port: 7200,
      healthCheckPort: 8200,
      httpHealthPort: 8201,
      required: true,
      dependencies: [],
      source: { file: "config/startup_config.v3.yaml", line: doc.agents.find((a: { name: string }) => a.name === "ServiceRegistry").source.line },
    });
    assert.deepStrictEqual(doc.containers[0], {
      name: "core-platform",
      agents: ["ObservabilityHub", "PredictiveHealthMonitor", "RequestCoordinator", "ServiceRegistry", "SystemDigitalTwin"],
      gpu: null,
      cpus: 2,
      memoryMb: 4096,
      shmMb: 256,
      image: "ai-system/agent-runtime:latest",
      dependsOn: [],
      wave: 1,
      publishedPorts: [5613, 6617, 7200, 7220, 8200, 8220, 9000, 9001, 26002, 27002],
    });
    assert.deepStrictEqual([doc.waves, doc.vram.capacityMb, doc.vram.allocatedMb], [4, 24576, 22528]);
    // The project root is not the monorepo: no legacy files to compare with.
    assert.strictEqual(doc.legacy, null);
    assert.deepStrictEqual(doc.findings, []);
  });

  it("prints findings and exits 1 when the config has errors", () => {
    const result = runPlanCommand(["--machine", "pc2", "--config-root", INCLUDE_FIXTURE], {});
    assert.strictEqual(result.exitCode, 1);
    assert.match(result.stdout, /^Plan for pc2 from .+2025-07-26-include \(override: docker\)$/m);
    assert.match(result.stdout, /^Findings: 10 errors, 4 warnings, 0 notes$/m);
    assert.match(result.stdout, /^ {2}ERROR \[port-clash\] pc2_code\/config\/startup_config\.yaml:31: port 8101 is bound 2 times/m);
  });

  it("exits 2 with usage on wrong arguments", () => {
    for (const argv of [[], ["--machine", "pc3"], ["--machine"], ["--bogus"], ["--machine", "mainpc", "--config-root"]]) {
      const result = runPlanCommand(argv, {});
      assert.strictEqual(result.exitCode, 2, argv.join(" "));
      assert.strictEqual(result.stdout, "");
      assert.match(result.stderr, /usage: npm run plan -- --machine mainpc\|pc2/);
    }
    assert.strictEqual(runPlanCommand(["--machine", "pc3"], {}).stderr.split("\n")[0], "unknown machine pc3; use one of mainpc, pc2");
  });

  it("takes the machine from MACHINE_TYPE, in the monorepo's spellings, and --override none", () => {
    const result = runPlanCommand(["--json", "--override", "none"], { MACHINE_TYPE: "MAIN_PC" });
    const doc = JSON.parse(result.stdout);
    assert.deepStrictEqual([doc.machine, doc.override, doc.containers.length], ["mainpc", null, 0]);
    assert.deepStrictEqual(doc.findings.map((f: { code: string }) => f.code), ["no-container-plan"]);
  });

  it("reports a bad config without a stack trace", () => {
    const result = withConfigRoot({ "config/startup_config.v3.yaml": "agent_groups: [oops\n" }, (root) => runPlanCommand(["--machine", "mainpc", "--config-root", root], {}));
    assert.strictEqual(result.exitCode, 1);
    assert.match(result.stdout, /ERROR \[yaml-syntax\] config\/startup_config\.v3\.yaml:\d+: YAML syntax error/);
    assert.doesNotMatch(result.stdout, /\n\s+at /);
  });

  it("runs as a real process through npm's script", function () {
    this.timeout(60000);
    const out = execFileSync("npm", ["run", "-s", "plan", "--", "--machine", "pc2", "--json"], { cwd: path.resolve(__dirname, "..", ".."), encoding: "utf8" });
    assert.deepStrictEqual(JSON.parse(out).counts, { mainpc: 54, pc2: 23, total: 77 });
  });
});
