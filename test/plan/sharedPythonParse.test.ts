import * as assert from "assert";
import * as pythonParser from "../../src/python/pythonParser";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { withConfigRoot } from "../support/tempConfigRoot";

/**
 * A plan reads the agents' code twice over, for the sound-library check (which containers get
 * the sound device) and for the preflight; both walk one parse of each file.
 */
describe("plan: one parse of each Python file per plan", () => {
  const files = {
    "config/startup_config.v3.yaml": [
      "machine_profiles:",
      "  mainpc: {enabled_groups: [main]}",
      "  pc2: {enabled_groups: []}",
      "agent_groups:",
      "  main:",
      "    Speaker: {script_path: svc/speaker.py, port: 7000}",
      "    Listener: {script_path: svc/listener.py, port: 7100}",
      "",
    ].join("\n"),
    "config/overrides/docker.yaml": "docker_groups:\n  mainpc:\n    voice: {agents: [Speaker, Listener]}\n",
    "svc/__init__.py": "# svc\n",
    "svc/speaker.py": "import svc.shared\nimport sounddevice\n",
    "svc/listener.py": "from svc import shared\n",
    "svc/shared.py": "import os\nimport svc.deep\n",
    "svc/deep.py": "import json\n",
  };

  it("parses each file once although the sound scan and the preflight both read it", () => {
    const parsed: string[] = [];
    const original = pythonParser.parsePython;
    const module = pythonParser as { parsePython: typeof original };
    module.parsePython = (source: string) => {
      parsed.push(source);
      return original(source);
    };
    try {
      withConfigRoot(files, (configRoot) => {
        const plan = buildDeploymentPlan({ configRoot, machine: "mainpc", env: {}, override: "docker" });
        // Both passes ran: the sound scan found Speaker, the preflight checked every agent.
        assert.deepStrictEqual(plan.containers.map((c) => [c.name, c.audioAgents]), [["voice", ["Speaker"]]]);
        assert.deepStrictEqual(plan.preflight.counts, { ready: 2, missing: 0, broken: 0 });
      });
    } finally {
      module.parsePython = original;
    }
    const byFile = new Map(Object.entries(files).map(([file, text]) => [text, file]));
    assert.deepStrictEqual(parsed.map((s) => byFile.get(s) ?? s).sort(), ["svc/__init__.py", "svc/deep.py", "svc/listener.py", "svc/shared.py", "svc/speaker.py"]);
  });
});
