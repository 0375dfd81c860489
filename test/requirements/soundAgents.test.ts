import * as assert from "assert";
import * as path from "path";
import { loadEffectiveConfig } from "../../src/config/loadEffectiveConfig";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { soundAgents } from "../../src/requirements/soundAgents";
import { PROJECT_DIR } from "../support/stackFiles";

const TREE = path.resolve(PROJECT_DIR, "../shared/fixtures/voice-assistant-prod/2025-07-26-v3-tree");

describe("requirements/soundAgents", function () {
  this.timeout(60_000);

  it("finds the agents whose real code opens the sound card: on mainpc only Responder (import sounddevice as sd), on pc2 none", () => {
    for (const [machine, expected] of [["mainpc", ["Responder"]], ["pc2", []]] as const) {
      const { config } = loadEffectiveConfig({ configRoot: TREE, machine, env: {}, override: null, cache: new Map() });
      assert.deepStrictEqual([...soundAgents(TREE, config.agents)].sort(), expected, machine);
    }
  });

  it("takes audio: true from docker_groups where there is no code (the bundled configuration): the voice group, every agent of it", () => {
    const plan = buildDeploymentPlan({ configRoot: PROJECT_DIR, machine: "mainpc", env: {}, override: "docker" });
    const audio = plan.containers.filter((c) => c.audioAgents.length > 0);
    assert.deepStrictEqual(audio.map((c) => c.name), ["audio-emotion"]);
    assert.deepStrictEqual(audio[0]!.audioAgents, audio[0]!.agents.map((a) => a.name));
    assert.ok(audio[0]!.audioAgents.includes("AudioCapture") && audio[0]!.audioAgents.includes("StreamingTTSAgent"));
  });
});
