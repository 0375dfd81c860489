import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { resolveGroupImages } from "../../src/images/resolveGroupImages";
import * as pythonParser from "../../src/python/pythonParser";
import { PythonFiles } from "../../src/python/pythonFiles";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { buildableRoot, CODE, removeConfigRoot } from "../images/imageFixture";
import { withConfigRoot } from "../support/tempConfigRoot";

/** Runs `body` and returns the sources parsePython was given meanwhile. */
function parsedDuring(body: () => void): string[] {
  const parsed: string[] = [];
  const original = pythonParser.parsePython;
  const module = pythonParser as { parsePython: typeof original };
  module.parsePython = (source: string) => {
    parsed.push(source);
    return original(source);
  };
  try {
    body();
  } finally {
    module.parsePython = original;
  }
  return parsed;
}

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
    const parsed = parsedDuring(() => {
      withConfigRoot(files, (configRoot) => {
        const plan = buildDeploymentPlan({ configRoot, machine: "mainpc", env: {}, override: "docker" });
        // Both passes ran: the sound scan found Speaker, the preflight checked every agent.
        assert.deepStrictEqual(plan.containers.map((c) => [c.name, c.audioAgents]), [["voice", ["Speaker"]]]);
        assert.deepStrictEqual(plan.preflight.counts, { ready: 2, missing: 0, broken: 0 });
      });
    });
    const byFile = new Map(Object.entries(files).map(([file, text]) => [text, file]));
    assert.deepStrictEqual(parsed.map((s) => byFile.get(s) ?? s).sort(), ["svc/__init__.py", "svc/deep.py", "svc/listener.py", "svc/shared.py", "svc/speaker.py"]);
  });

  it("shares those parses with build mode's image inputs, whose staleness check plans both machines again", () => {
    const root = buildableRoot();
    try {
      const pythonFiles = new PythonFiles(root);
      let imagesOk = false;
      const parsed = parsedDuring(() => {
        const plan = buildDeploymentPlan({ configRoot: root, machine: "mainpc", env: {}, override: "docker", pythonFiles });
        const images = resolveGroupImages({ plan, configRoot: root, images: { mode: "build", torchVersion: "", torchIndexUrl: "", buildTimeoutMinutes: 30 }, env: {}, pythonFiles });
        imagesOk = images.ok;
      });
      // The generated requirements were compared (they are fresh), every group's code was hashed.
      assert.strictEqual(imagesOk, true);
      // Each file an agent reaches, once (two of them are empty __init__.py files: compared as texts).
      const reached = Object.keys(CODE).filter((file) => file !== "tools/unrelated.py").sort();
      assert.deepStrictEqual(parsed.sort(), reached.map((file) => fs.readFileSync(path.join(root, file), "utf8")).sort(), "each reached file parsed exactly once, pc2's included (the staleness check plans both machines)");
      assert.throws(
        () => buildDeploymentPlan({ configRoot: path.join(root, "config"), machine: "mainpc", env: {}, override: "docker", pythonFiles }),
        { message: `the shared Python parses are of ${root}, not of the config root ${path.join(root, "config")}` },
      );
    } finally {
      removeConfigRoot(root);
    }
  });
});
