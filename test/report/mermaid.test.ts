import * as assert from "assert";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { mermaidIdAllocator, mermaidLabel, startupFlowchart } from "../../src/report/mermaid";
import { withConfigRoot } from "../support/tempConfigRoot";
import { mermaidProblems } from "./markdownChecks";

describe("report/mermaid", () => {
  it("turns names into unique ids Mermaid accepts", () => {
    const id = mermaidIdAllocator();
    assert.deepStrictEqual(
      ["core-platform", "end", "END", "9lives", "wave_1", "wave-1", "graph", "a.b"].map(id),
      ["core_platform", "end_", "END_", "n_9lives", "wave_1", "wave_1_2", "graph_", "a_b"],
    );
  });

  it("escapes quotes and brackets in labels with Mermaid entity codes", () => {
    assert.strictEqual(mermaidLabel('a "b" <c> #1'), "a #quot;b#quot; #lt;c#gt; #35;1");
  });

  it("the flowchart check finds bad ids, undeclared endpoints and unbalanced subgraphs", () => {
    assert.deepStrictEqual(mermaidProblems('graph TD\n  end["x"]\n  a-b --> c\n  subgraph s["S"]'), [
      "line 2: id end is a keyword",
      "line 3: id a-b is not /^[A-Za-z][A-Za-z0-9_]*$/",
      "1 subgraph(s) not closed",
      "edge a-b --> c: a-b is not a declared node",
      "edge a-b --> c: c is not a declared node",
    ]);
  });

  it("draws containers named like Mermaid keywords, digits or wave ids as valid nodes", () => {
    const names = ["end", "9lives", "wave-1", "o-ring", "x-ray", "graph", "default", "class", "style", "subgraph", "click"];
    const agents = names.map((_, i) => `    A${i}: {script_path: a${i}.py, port: ${5000 + i * 10}, dependencies: [${i > 0 ? `A${i - 1}` : ""}]}`);
    const groups = names.map((n, i) => `    ${n}: {agents: [A${i}]}`);
    const yaml = ["machine_profiles:", "  mainpc: {enabled_groups: [g]}", "  pc2: {enabled_groups: []}", "agent_groups:", "  g:", ...agents, "docker_groups:", "  mainpc:", ...groups, ""].join("\n");
    withConfigRoot({ "config/startup_config.v3.yaml": yaml }, (root) => {
      const plan = buildDeploymentPlan({ configRoot: root, machine: "mainpc", env: {}, override: null });
      assert.deepStrictEqual(plan.findings, []);
      const chart = startupFlowchart(plan)!;
      assert.deepStrictEqual(mermaidProblems(chart), []);
      assert.deepStrictEqual(
        chart.split("\n").filter((l) => l.includes(" --> ")),
        ["  end_ --> n_9lives", "  n_9lives --> wave_1_2", "  wave_1_2 --> o_ring", "  o_ring --> x_ray", "  x_ray --> graph_", "  graph_ --> default_", "  default_ --> class_", "  class_ --> style_", "  style_ --> subgraph_", "  subgraph_ --> click_"],
      );
      assert.ok(chart.includes('  subgraph wave_1["Wave 1"]\n    end_["end<br/>1 agent"]\n  end\n'));
    });
  });

  it("draws nothing without a container plan", () => {
    withConfigRoot({ "config/startup_config.v3.yaml": "agent_groups:\n  g:\n    A: {script_path: a.py, port: 5000}\n" }, (root) => {
      assert.strictEqual(startupFlowchart(buildDeploymentPlan({ configRoot: root, machine: "mainpc", env: {}, override: null })), null);
    });
  });
});
