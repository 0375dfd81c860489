import * as assert from "assert";
import { gateReasons, gatingAgents } from "../../src/plan/healthGate";
import { agent } from "../support/samplePlan";

const optional = (a: ReturnType<typeof agent>) => ({ ...a, required: false });

describe("plan/healthGate", () => {
  // One container holds Registry (required), Twin and Helper (optional); Twin is needed by an
  // agent of another container, Helper only by an agent of its own; pc2's Hub is needed from mainpc.
  const registry = agent("mainpc", "Registry", 7200, 8200);
  const twin = optional(agent("mainpc", "Twin", 7220, 8220));
  const helper = optional(agent("mainpc", "Helper", 7230, 8230, ["Twin"]));
  const member = [helper, registry, twin];
  const outside = optional(agent("mainpc", "Model", 7300, 8300, ["Twin"]));
  const hub = optional(agent("pc2", "Hub", 9000, 9100));
  const mainHub = optional(agent("mainpc", "Hub", 9000, 9100));
  const asker = optional(agent("mainpc", "Asker", 7400, 8400, ["Hub"]));
  const everyone = [...member, outside, hub, mainHub, asker];

  it("dependencies: required agents and those an agent in another container depends on", () => {
    assert.deepStrictEqual(gatingAgents("dependencies", member, everyone), ["Registry", "Twin"]);
  });

  it("resolves a dependency on the dependent's own machine first, like the host entries", () => {
    // Asker (mainpc) depends on Hub: mainpc's Hub gates, pc2's does not.
    assert.deepStrictEqual(gatingAgents("dependencies", [hub], everyone), []);
    assert.deepStrictEqual(gatingAgents("dependencies", [mainHub], everyone), ["Hub"]);
    const pc2Asker = optional(agent("pc2", "Reader", 7500, 8500, ["Twin"]));
    assert.deepStrictEqual(gatingAgents("dependencies", member, [...member, pc2Asker]), ["Registry", "Twin"]);
  });

  it("required: only the required agents; none: nobody", () => {
    assert.deepStrictEqual(gatingAgents("required", member, everyone), ["Registry"]);
    assert.deepStrictEqual(gatingAgents("none", member, everyone), []);
  });

  it("says why each agent gates, the rule gatingAgents applies (preflight's severity reads it)", () => {
    const pc2Reader = optional(agent("pc2", "Reader", 7500, 8500, ["Registry"]));
    const all = [...everyone, pc2Reader];
    assert.deepStrictEqual(
      member.map((a) => [a.name, gateReasons("dependencies", a, member, all)]),
      [["Helper", []], ["Registry", ["required", "pc2/Reader"]], ["Twin", ["Model"]]],
    );
    assert.deepStrictEqual(gateReasons("required", registry, member, all), ["required"]);
    assert.deepStrictEqual(gateReasons("none", registry, member, all), []);
  });
});
