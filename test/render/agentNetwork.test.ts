import * as assert from "assert";
import { renderAgentAliases, renderPeerHostEntries } from "../../src/render";
import { samplePlan, sampleSettings } from "../support/samplePlan";

describe("render/agentNetwork", () => {
  it("aliases every agent of the container by name and by machine-name, lower-cased and sorted", () => {
    const plan = samplePlan();
    assert.deepStrictEqual(renderAgentAliases(plan, plan.containers[0]), [
      "mainpc-observabilityhub",
      "mainpc-serviceregistry",
      "mainpc-systemdigitaltwin",
      "observabilityhub",
      "serviceregistry",
      "systemdigitaltwin",
    ]);
  });

  it("sends the peer's agents to the peer's LAN address, bare names only when no local agent has them", () => {
    const pc2 = "192.168.1.20";
    assert.deepStrictEqual(renderPeerHostEntries(samplePlan(), sampleSettings()), [
      { host: "memoryorchestratorservice", ip: pc2 },
      { host: "pc2-memoryorchestratorservice", ip: pc2 },
      // ObservabilityHub runs on both machines: the bare name stays with the local alias
      { host: "pc2-observabilityhub", ip: pc2 },
      { host: "pc2-tieredresponder", ip: pc2 },
      { host: "tieredresponder", ip: pc2 },
    ]);
  });
});
