import * as assert from "assert";
import { loadEffectiveConfig } from "../../src/config/loadEffectiveConfig";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { INCLUDE_FIXTURE, V3_FIXTURE } from "../support/tempConfigRoot";

/** What the real snapshots say, checked by reading them; see shared/fixtures/.../README.md. */
describe("the user's real configuration snapshots", () => {
  describe("2025-07-26-include (v3 delegating to the legacy files)", () => {
    const plan = (machine: "mainpc" | "pc2") => buildDeploymentPlan({ configRoot: INCLUDE_FIXTURE, machine, env: {}, override: "docker" });
    const mainpc = plan("mainpc");
    const pc2 = plan("pc2");

    it("gives 54 mainpc + 23 pc2 = 77 agents, ObservabilityHub on both", () => {
      assert.strictEqual(mainpc.agents.length, 54);
      assert.strictEqual(pc2.agents.length, 23);
      assert.strictEqual(mainpc.agents.length + mainpc.peerAgents.length, 77);
      assert.deepStrictEqual(
        mainpc.agents.filter((a) => pc2.agents.some((b) => b.name === a.name)).map((a) => a.name),
        ["ObservabilityHub"],
      );
      const hubs = [mainpc, pc2].map((p) => p.agents.find((a) => a.name === "ObservabilityHub")!);
      assert.deepStrictEqual(hubs.map((h) => [h.machine, h.port, h.healthCheckPort, h.source.file]), [
        ["mainpc", 9000, 9001, "main_pc_code/config/startup_config.yaml"],
        ["pc2", 9100, 9110, "pc2_code/config/startup_config.yaml"],
      ]);
    });

    it("reads the files in the loader's order and finds no agent missing against the legacy files", () => {
      assert.deepStrictEqual(mainpc.config.files, [
        "config/startup_config.v3.yaml",
        "main_pc_code/config/startup_config.yaml",
        "pc2_code/config/startup_config.yaml",
        "config/overrides/mainpc.yaml",
        "config/overrides/docker.yaml",
      ]);
      assert.deepStrictEqual(mainpc.legacy, { file: "main_pc_code/config/startup_config.yaml", legacyCount: 54, missingFromV3: [], notInLegacy: [] });
      assert.deepStrictEqual(pc2.legacy, { file: "pc2_code/config/startup_config.yaml", legacyCount: 23, missingFromV3: [], notInLegacy: [] });
    });

    it("resolves every dependency on its own machine", () => {
      for (const p of [mainpc, pc2]) {
        assert.deepStrictEqual(p.findings.filter((f) => f.code === "unknown-dependency" || f.code === "dependency-cycle"), []);
        assert.deepStrictEqual(p.crossMachineDependencies, []);
      }
    });

    it("finds the real port clashes of the legacy launcher's single namespace", () => {
      const clashes = (p: typeof mainpc) => p.findings.filter((f) => f.code === "port-clash").map((f) => Number(/^port (\d+)/.exec(f.message)![1]));
      // e.g. LearningOrchestrationService's health_check_port 8212 is ModelManagerSuite's HTTP port (8211 + 1).
      assert.deepStrictEqual(clashes(mainpc).sort(), [6580, 6581, 6613, 6625, 6637, 6638, 6642, 6643, 6704, 6705, 6706, 6709, 6710, 6711, 6801, 6802, 7551, 7552, 7553, 8212, 8213]);
      assert.deepStrictEqual(clashes(pc2).sort(), [8101, 8102, 8105, 8112, 8113, 8116, 8119, 8123, 8124, 8127]);
      const first = mainpc.findings.find((f) => f.message.startsWith("port 8212 "))!;
      assert.deepStrictEqual(first, {
        severity: "error",
        code: "port-clash",
        message:
          "port 8212 is bound 2 times in mainpc (one network namespace: no docker_groups planned): LearningOrchestrationService's health_check_port, ModelManagerSuite's HTTP health port; give ModelManagerSuite a free port (each agent binds port, health_check_port and health_check_port + 1)",
        file: "main_pc_code/config/startup_config.yaml",
        line: 73,
      });
    });

    it("says there is no container plan (the overrides are empty)", () => {
      assert.deepStrictEqual(mainpc.containers, []);
      assert.strictEqual(mainpc.findings.filter((f) => f.code === "no-container-plan").length, 1);
    });

    it("warns about the variables the pc2 file leaves without defaults", () => {
      const warned = pc2.findings.filter((f) => f.code === "undefined-variable").map((f) => `${f.file}:${f.line} ${/\$\{(\w+)\}/.exec(f.message)![1]}`);
      assert.deepStrictEqual(warned, [
        "pc2_code/config/startup_config.yaml:6 PWD",
        "pc2_code/config/startup_config.yaml:6 PYTHONPATH",
        "pc2_code/config/startup_config.yaml:283 MAINPC_OBS_HUB",
      ]);
    });
  });

  describe("2025-07-26-v3 (self-contained, machine_profiles, 79 agents)", () => {
    const load = (machine: "mainpc" | "pc2") => loadEffectiveConfig({ configRoot: V3_FIXTURE, machine, env: {}, override: "docker" });
    const plan = (machine: "mainpc" | "pc2") => buildDeploymentPlan({ configRoot: V3_FIXTURE, machine, env: {}, override: "docker" });

    it("runs the enabled groups per machine: 63 on mainpc, 39 on pc2 (shared groups run on both)", () => {
      const mainpc = load("mainpc").config;
      const pc2 = load("pc2").config;
      assert.strictEqual(mainpc.agents.length, 63);
      assert.strictEqual(pc2.agents.length, 39);
      assert.deepStrictEqual(pc2.groups.map((g) => [g.name, g.agentNames.length]), [
        ["core_services", 6],
        ["memory_system", 8],
        ["utility_services", 9],
        ["pc2_services", 16],
      ]);
      const all = new Set([...mainpc.agents, ...pc2.agents].map((a) => a.name));
      assert.strictEqual(all.size, 79);
    });

    it("keeps the machine override's group settings as settings and applies its agents.<Name> blocks", () => {
      const mainpc = load("mainpc").config;
      assert.deepStrictEqual(mainpc.groups.find((g) => g.name === "gpu_infrastructure")!.settings, { resource_multiplier: 2, priority: "critical", gpu_exclusive: true });
      assert.ok(!mainpc.agents.some((a) => a.name === "resource_multiplier" || a.name === "priority"));
      assert.deepStrictEqual(mainpc.agents.find((a) => a.name === "ModelManagerSuite")!.config, { vram_limit_gb: 20, model_cache_size: 8, concurrent_models: 4 });
      assert.deepStrictEqual(load("pc2").config.agents.find((a) => a.name === "TieredResponder")!.config, { response_tiers: 3, load_balancing: true });
      assert.strictEqual(mainpc.vramGb, 24);
      assert.strictEqual(load("pc2").config.vramGb, 12);
    });

    it("compares with the legacy files beside it", () => {
      const mainpc = plan("mainpc").legacy!;
      const pc2 = plan("pc2").legacy!;
      assert.strictEqual(mainpc.legacyCount, 54);
      assert.deepStrictEqual(mainpc.missingFromV3, [
        "ActiveLearningMonitor", "AudioCapture", "EmotionEngine", "EmpathyAgent", "FaceRecognitionAgent", "FusedAudioPreprocessor",
        "GoTToTAgent", "HumanAwarenessAgent", "LearningAdjusterAgent", "LearningManager", "LearningOpportunityDetector",
        "LearningOrchestrationService", "MoodTrackerAgent", "ProactiveAgent", "STTService", "StreamingInterruptHandler",
        "StreamingLanguageAnalyzer", "StreamingSpeechRecognition", "StreamingTTSAgent", "TTSService", "ToneDetector",
        "VoiceProfilingAgent", "WakeWordDetector",
      ]);
      assert.strictEqual(mainpc.notInLegacy.length, 63 - (54 - 23));
      assert.deepStrictEqual(pc2.missingFromV3, ["VisionProcessingAgent"]);
      assert.strictEqual(pc2.notInLegacy.length, 39 - (23 - 1));
    });

    it("finds the v3 file's own port clashes at the v3 file's lines", () => {
      const clashes = plan("pc2").findings.filter((f) => f.code === "port-clash");
      assert.strictEqual(clashes.length, 10);
      assert.ok(clashes.every((f) => f.file === "config/startup_config.v3.yaml"));
      assert.strictEqual(plan("mainpc").findings.filter((f) => f.code === "port-clash").length, 21);
    });
  });
});
