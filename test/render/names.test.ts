import * as assert from "assert";
import * as fc from "fast-check";
import { agentEnvName, agentHostName, goDuration, goDurationSeconds, machineAgentHostName } from "../../src/render";

describe("render/names", () => {
  describe("agentEnvName", () => {
    const cases: [string, string][] = [
      ["ModelOrchestrator", "MODEL_ORCHESTRATOR"],
      ["AdvancedRouter", "ADVANCED_ROUTER"],
      ["NLUAgent", "NLU_AGENT"],
      ["VRAMOptimizerAgent", "VRAM_OPTIMIZER_AGENT"],
      ["GoTToTAgent", "GO_T_TO_T_AGENT"],
      ["TTSService", "TTS_SERVICE"],
      ["STTService", "STT_SERVICE"],
      ["NLLBAdapter", "NLLB_ADAPTER"],
      ["TinyLlamaServiceEnhanced", "TINY_LLAMA_SERVICE_ENHANCED"],
      ["Phi3Agent", "PHI3_AGENT"],
      ["ServiceRegistry", "SERVICE_REGISTRY"],
      ["memory-orchestrator service", "MEMORY_ORCHESTRATOR_SERVICE"],
    ];
    for (const [name, expected] of cases) {
      it(`${name} -> ${expected}`, () => assert.strictEqual(agentEnvName(name), expected));
    }

    it("always yields a valid variable name that keeps every letter and digit in order", () => {
      const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_ -]{0,30}$/);
      fc.assert(
        fc.property(name, (n) => {
          const v = agentEnvName(n);
          assert.match(v, /^[A-Z0-9]+(_[A-Z0-9]+)*$/);
          assert.strictEqual(v.replace(/_/g, ""), n.replace(/[^A-Za-z0-9]/g, "").toUpperCase());
        }),
      );
    });
  });

  it("lower-cases DNS names, with and without the machine", () => {
    assert.strictEqual(agentHostName("ServiceRegistry"), "serviceregistry");
    assert.strictEqual(machineAgentHostName("pc2", "MemoryOrchestratorService"), "pc2-memoryorchestratorservice");
  });

  describe("goDuration", () => {
    const cases: [number, string][] = [
      [0, "0s"],
      [500, "500ms"],
      [1000, "1s"],
      [1250, "1.25s"],
      [1500, "1.5s"],
      [30_000, "30s"],
      [60_000, "1m0s"],
      [61_500, "1m1.5s"],
      [90_000, "1m30s"],
      [300_000, "5m0s"],
      [3_600_000, "1h0m0s"],
      [3_661_000, "1h1m1s"],
    ];
    for (const [ms, expected] of cases) {
      it(`${ms} ms -> ${expected}`, () => assert.strictEqual(goDuration(ms), expected));
    }
    it("takes seconds too", () => assert.strictEqual(goDurationSeconds(120), "2m0s"));
    it("rejects negative and fractional milliseconds", () => {
      assert.throws(() => goDuration(-1), /whole, non-negative number of milliseconds, got -1/);
      assert.throws(() => goDuration(1.5), /got 1.5/);
    });
  });
});
