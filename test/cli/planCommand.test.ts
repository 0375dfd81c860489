import * as assert from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import * as fs from "fs";
import * as os from "os";
import { runPlanCommand, startIntervalNote } from "../../src/cli/planCommand";
import { sampleSettings } from "../support/samplePlan";
import { hardeningFailed, planHardening } from "../../src/cli/planHardening";
import { hardeningToText } from "../../src/cli/planOutput";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { INCLUDE_FIXTURE, PROJECT_ROOT, withConfigRoot } from "../support/tempConfigRoot";

describe("npm run plan", () => {
  it("prints the default config's plan as JSON with every documented field and exits 0", () => {
    const result = runPlanCommand(["--machine", "mainpc", "--json"], {});
    assert.strictEqual(result.exitCode, 0);
    const doc = JSON.parse(result.stdout);
    assert.deepStrictEqual(Object.keys(doc), [
      "machine", "configRoot", "override", "files", "counts", "preflight", "agents", "legacy", "crossMachineDependencies", "containers", "waves", "longestPath", "vram", "platform", "memory", "findings",
    ]);
    assert.strictEqual(doc.machine, "mainpc");
    assert.strictEqual(doc.configRoot, PROJECT_ROOT);
    assert.deepStrictEqual(doc.counts, { mainpc: 54, pc2: 23, distinct: 76, shared: ["ObservabilityHub"] });
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
      // healthGate dependencies: the required ones (all five in the default config)
      gatingAgents: ["ObservabilityHub", "PredictiveHealthMonitor", "RequestCoordinator", "ServiceRegistry", "SystemDigitalTwin"],
      publishedPorts: [],
      audioAgents: [],
    });
    assert.deepStrictEqual([doc.waves, doc.vram.capacityMb, doc.vram.allocatedMb], [4, 24576, 22528]);
    // The bundled stack files: a Linux host whose memory is not checked; the voice group has audio.
    assert.deepStrictEqual([doc.platform, doc.memory], ["linux", { capacityMb: null, allocatedMb: 64000, infrastructureMb: 1536 }]);
    assert.deepStrictEqual(doc.containers.filter((c: { audioAgents: string[] }) => c.audioAgents.length > 0).map((c: { name: string }) => c.name), ["audio-emotion"]);
    // The project root is not the monorepo: no legacy files to compare with.
    assert.strictEqual(doc.legacy, null);
    assert.deepStrictEqual(doc.findings, []);
  });

  it("prints findings and exits 1 when the config has errors", () => {
    const result = runPlanCommand(["--machine", "pc2", "--config-root", INCLUDE_FIXTURE], {});
    assert.strictEqual(result.exitCode, 1);
    assert.match(result.stdout, /^Plan for pc2 from .+2025-07-26-include \(override: docker\)$/m);
    // ${PYTHONPATH} resolves from the stack settings (/app, as in the containers); PWD and MAINPC_OBS_HUB stay unset.
    assert.match(result.stdout, /^Findings: 10 errors, 3 warnings, 0 notes$/m);
    assert.match(result.stdout, /^ {2}ERROR \[port-clash\] pc2_code\/config\/startup_config\.yaml:31: port 8101 is bound 2 times/m);
  });

  it("exits 2 with usage on wrong arguments", () => {
    for (const argv of [[], ["--machine", "pc3"], ["--machine"], ["--bogus"], ["--machine", "mainpc", "--config-root"]]) {
      const result = runPlanCommand(argv, {});
      assert.strictEqual(result.exitCode, 2, argv.join(" "));
      assert.strictEqual(result.stdout, "");
      assert.match(result.stderr, /usage: ai-system plan --machine mainpc\|pc2/);
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
    assert.deepStrictEqual(JSON.parse(out).counts, { mainpc: 54, pc2: 23, distinct: 76, shared: ["ObservabilityHub"] });
  });

  it("ends the human output with the hardening of every rendered container and its documented exceptions", () => {
    const result = runPlanCommand(["--machine", "pc2"], {});
    assert.strictEqual(result.exitCode, 0);
    const lines = result.stdout.split("\n");
    const start = lines.indexOf(
      "Hardening: CIS Docker Benchmark container-runtime checks and service checks of the rendered containers (settings: Pulumi.yaml, Pulumi.pc2.yaml)",
    );
    assert.ok(start > 0, "hardening section");
    assert.deepStrictEqual(lines.slice(start + 1, start + 11), [
      "container                       role         passed  exceptions       failed",
      "ai-system-nats-store-init       volume-init  16/19   4.1, 5.4, 5.29   -",
      "ai-system-nats                  nats         19/21   5.15, 5.29       -",
      "ai-system-redis                 redis        18/20   5.15, 5.29       -",
      "ai-system-config-init           volume-init  16/19   4.1, 5.13, 5.29  -",
      "ai-system-infra-core-cpu        agent-group  17/19   5.15, 5.29       -",
      "ai-system-memory-reasoning-gpu  agent-group  17/19   5.15, 5.29       -",
      "ai-system-tutor-suite-cpu       agent-group  17/19   5.15, 5.29       -",
      "ai-system-vision-dream-gpu      agent-group  17/19   5.15, 5.29       -",
      "Documented exceptions:",
    ]);
    const legend = lines.slice(start + 11, start + 20).map((l) => l.slice(0, l.indexOf("): ") + 1));
    assert.deepStrictEqual(legend, [
      "  4.1 Run as a non-root user (ai-system-nats-store-init)",
      "  4.1 Run as a non-root user (ai-system-config-init)",
      "  5.4 Drop all capabilities; add back only documented ones (ai-system-nats-store-init)",
      "  5.13 Read-only root filesystem (ai-system-config-init)",
      "  5.15 Restart policy bounded, or unless-stopped for a documented reason (ai-system-nats, ai-system-redis, ai-system-infra-core-cpu, ai-system-memory-reasoning-gpu, ai-system-tutor-suite-cpu, ai-system-vision-dream-gpu)",
      "  5.29 PIDs limit (ai-system-nats-store-init, ai-system-config-init)",
      "  5.29 PIDs limit (ai-system-nats)",
      "  5.29 PIDs limit (ai-system-redis)",
      "  5.29 PIDs limit (ai-system-infra-core-cpu, ai-system-memory-reasoning-gpu, ai-system-tutor-suite-cpu, ai-system-vision-dream-gpu)",
    ]);
    assert.match(lines[start + 15] ?? "", /\): restart unless-stopped: the hosts run unattended, /);
    assert.deepStrictEqual(lines.slice(start + 20, start + 25), [
      "Failed checks: none",
      "",
      "Healthcheck start interval: 5 s during the start period (dockerApiVersion 1.52, 1.44 or later)",
      "",
      "Findings: 0 errors, 0 warnings, 0 notes",
    ]);
  });

  it("skips the hardening of a plan with errors, and fails the command when a rendered container fails a check", () => {
    const broken = runPlanCommand(["--machine", "pc2", "--config-root", INCLUDE_FIXTURE], {});
    assert.match(broken.stdout, /^Hardening: not checked \(the plan has errors\)$/m);
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "ai-system-project-"));
    try {
      fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(project, "Pulumi.yaml"));
      const stack = fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.mainpc.yaml"), "utf8");
      // The config files come from this project's config/; an MPS pipe directory under /etc is a sensitive bind.
      const configDir = `  ai-system:hostConfigDir: ${path.join(PROJECT_ROOT, "config")}\n`;
      fs.writeFileSync(path.join(project, "Pulumi.mainpc.yaml"), `${stack}${configDir}  ai-system:gpuSharing: mps\n  ai-system:mpsPipeDirectory: /etc/nvidia-mps\n`);
      const plan = buildDeploymentPlan({ configRoot: PROJECT_ROOT, machine: "mainpc", env: {}, override: "docker" });
      const summary = planHardening(plan, project);
      assert.strictEqual(hardeningFailed(summary), true);
      const text = hardeningToText(summary);
      assert.deepStrictEqual(text.slice(1, 4), [
        "container                     role         passed  exceptions        failed",
        "ai-system-nats-store-init     volume-init  16/19   4.1, 5.4, 5.29    -",
        "ai-system-nats                nats         19/21   5.15, 5.29        -",
      ]);
      assert.strictEqual(text[5], "ai-system-config-init         volume-init  16/19   4.1, 5.13, 5.29   -");
      assert.strictEqual(text[8], "ai-system-model-manager-gpu   agent-group  15/19   5.15, 5.17, 5.29  5.6");
      const failed = text.slice(text.indexOf("Failed checks:"));
      assert.strictEqual(failed.length, 7);
      assert.strictEqual(failed[1], "  FAILED 5.6 No sensitive host directory mounted (ai-system-model-manager-gpu): binds host /etc/nvidia-mps");
      fs.writeFileSync(path.join(project, "Pulumi.mainpc.yaml"), `${stack}${configDir}  ai-system:gpuSharing: sometimes\n`);
      assert.strictEqual(hardeningFailed(planHardening(plan, project)), false);
      assert.deepStrictEqual(hardeningToText(planHardening(plan, project)), [
        'Hardening: not checked (the stack settings in Pulumi.yaml, Pulumi.mainpc.yaml are invalid: stack setting gpuSharing is invalid: "sometimes"; set it to none or mps)',
      ]);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it("says whether healthchecks get a start interval, from the engine's API level", () => {
    const result = runPlanCommand(["--machine", "pc2"], {});
    assert.match(result.stdout, /^Healthcheck start interval: 5 s during the start period \(dockerApiVersion 1\.52, 1\.44 or later\)$/m);
    const old = sampleSettings({ engineApiVersion: "1.41", healthcheck: { ...sampleSettings().healthcheck, startIntervalSeconds: null } });
    assert.strictEqual(
      startIntervalNote(old),
      "Healthcheck start interval: none (dockerApiVersion 1.41 is below 1.44, which refuses it); healthchecks run every 30 s from the start",
    );
  });
});
