import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { DeploymentPlan } from "../../src/plan/deploymentPlan";
import { INCLUDE_FIXTURE, removeConfigRoot, writeConfigRoot } from "../support/tempConfigRoot";

/**
 * The container plan of the request (shared/seed/), taken literally, over the user's real
 * legacy files (the include snapshot): what does it leave out, and does it fit?
 */
const REQUEST_GROUPS = `
docker_groups:
  mainpc:
    core-platform: {agents: [ServiceRegistry, SystemDigitalTwin, RequestCoordinator, ObservabilityHub]}
    model-manager-gpu: {agents: [ModelManagerSuite, UnifiedSystemAgent], gpu: {vram_mb: 8192, device_ids: ["0"]}}
    memory-stack: {agents: [MemoryClient, SessionMemoryAgent, KnowledgeBase]}
    utility-gpu: {agents: [CodeGenerator, TinyLlamaServiceEnhanced, LocalFineTunerAgent, NLLBAdapter], gpu: {vram_mb: 14336, device_ids: ["0"]}}
    reasoning-gpu: {agents: [ChainOfThoughtAgent, GoTToTAgent, CognitiveModelAgent], gpu: {vram_mb: 10240, device_ids: ["0"]}}
    vision-gpu: {agents: [FaceRecognitionAgent, VRAMOptimizerAgent], gpu: {vram_mb: 6144, device_ids: ["0"]}}
    language-stack-gpu:
      agents: [ModelOrchestrator, GoalManager, IntentionValidatorAgent, NLUAgent, AdvancedCommandHandler, ChitchatAgent,
               FeedbackHandler, Responder, TranslationService, DynamicIdentityAgent, EmotionSynthesisAgent]
      gpu: {vram_mb: 20480, device_ids: ["0"]}
    audio-emotion: {agents: [STTService, TTSService], gpu: {vram_mb: 4096, device_ids: ["0"]}}
  pc2:
    vision-dream-gpu: {agents: [VisionProcessingAgent, DreamWorldAgent, DreamingModeAgent], gpu: {vram_mb: 7168, device_ids: ["0"]}}
    memory-reasoning-gpu: {agents: [UnifiedMemoryReasoningAgent, MemoryOrchestratorService], gpu: {vram_mb: 4096, device_ids: ["0"]}}
    tutor-suite-cpu: {agents: [TutorAgent, TutoringAgent, ProactiveContextMonitor, TieredResponder]}
    infra-core-cpu:
      agents: [ContextManager, ExperienceTracker, CacheManager, ResourceManager, TaskScheduler, AuthenticationAgent,
               UnifiedUtilsAgent, AgentTrustScorer, FileSystemAssistantAgent, RemoteConnectorAgent, UnifiedWebAgent,
               AdvancedRouter, ObservabilityHub]
`;

describe("the request's container plan taken literally", () => {
  let plans: Record<"mainpc" | "pc2", DeploymentPlan>;
  before(() => {
    const files: Record<string, string> = { "config/overrides/docker.yaml": REQUEST_GROUPS };
    for (const f of ["config/startup_config.v3.yaml", "main_pc_code/config/startup_config.yaml", "pc2_code/config/startup_config.yaml"]) {
      files[f] = fs.readFileSync(path.join(INCLUDE_FIXTURE, f), "utf8");
    }
    const root = writeConfigRoot(files);
    try {
      plans = {
        mainpc: buildDeploymentPlan({ configRoot: root, machine: "mainpc", env: {}, override: "docker" }),
        pc2: buildDeploymentPlan({ configRoot: root, machine: "pc2", env: {}, override: "docker" }),
      };
    } finally {
      removeConfigRoot(root);
    }
  });
  const codes = (p: DeploymentPlan, code: string) => p.findings.filter((f) => f.code === code);
  const unassigned = (p: DeploymentPlan) => codes(p, "unassigned-agent").map((f) => f.message.split(" ")[0]!);

  it("leaves 23 of the 54 mainpc agents without a container", () => {
    assert.deepStrictEqual(unassigned(plans.mainpc), [
      "SelfTrainingOrchestrator", "PredictiveHealthMonitor", "FixedStreamingTranslation", "Executor",
      "LearningOrchestrationService", "LearningOpportunityDetector", "LearningManager", "ActiveLearningMonitor", "LearningAdjusterAgent",
      "AudioCapture", "FusedAudioPreprocessor", "StreamingInterruptHandler", "StreamingSpeechRecognition", "StreamingTTSAgent",
      "WakeWordDetector", "StreamingLanguageAnalyzer", "ProactiveAgent",
      "EmotionEngine", "MoodTrackerAgent", "HumanAwarenessAgent", "ToneDetector", "VoiceProfilingAgent", "EmpathyAgent",
    ]);
  });

  it("leaves AsyncProcessor without a container on pc2", () => {
    assert.deepStrictEqual(unassigned(plans.pc2), ["AsyncProcessor"]);
  });

  it("asks mainpc's 24 GB card for 62 GB", () => {
    assert.deepStrictEqual(plans.mainpc.vram, { capacityMb: 24576, headroomMb: 1024, allocatedMb: 63488, allowOvercommit: false });
    assert.deepStrictEqual(codes(plans.mainpc, "vram-over-capacity").map((f) => f.message), [
      "GPU groups on mainpc ask for 63488 MiB (model-manager-gpu 8192, audio-emotion 4096, reasoning-gpu 10240, utility-gpu 14336, vision-gpu 6144, language-stack-gpu 20480) but 23552 MiB is usable (24576 MiB capacity - 1024 MiB headroom); lower vram_mb of some groups, or set docker_defaults.allow_vram_overcommit: true to accept the risk",
    ]);
    // pc2's upper budgets (7 + 4 GB) just fit its 12 GB less the default headroom.
    assert.deepStrictEqual([plans.pc2.vram.allocatedMb, codes(plans.pc2, "vram-over-capacity").length], [11264, 0]);
  });

  it("puts agents whose legacy ports clash into the same container", () => {
    const clashes = (p: DeploymentPlan) => codes(p, "port-clash").map((f) => /^port (\d+) is bound 2 times in container ([\w-]+)/.exec(f.message)!.slice(1).join(" "));
    assert.deepStrictEqual(clashes(plans.mainpc), [
      "6710 language-stack-gpu",
      "6711 language-stack-gpu",
      "6637 language-stack-gpu",
      "6801 audio-emotion",
    ]);
    assert.deepStrictEqual(clashes(plans.pc2), ["8112 infra-core-cpu", "8113 infra-core-cpu", "8116 infra-core-cpu", "8123 infra-core-cpu", "8124 infra-core-cpu"]);
  });

  it("still orders what it does place, without group cycles", () => {
    // mainpc: core-platform -> model-manager-gpu -> vision-gpu -> language-stack-gpu (Responder needs FaceRecognitionAgent).
    assert.deepStrictEqual(codes(plans.mainpc, "group-cycle"), []);
    assert.deepStrictEqual(codes(plans.pc2, "group-cycle"), []);
    assert.deepStrictEqual([plans.mainpc.waves, plans.mainpc.longestPath, plans.pc2.waves, plans.pc2.longestPath], [4, 4, 3, 3]);
  });
});
