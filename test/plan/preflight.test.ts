import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Finding } from "../../src/config/finding";
import { Machine } from "../../src/config/machine";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { DeploymentPlan } from "../../src/plan/deploymentPlan";
import { V3_TREE, withConfigRoot } from "../support/tempConfigRoot";

const V3 = "config/startup_config.v3.yaml";
const DOCKER = "config/overrides/docker.yaml";
const brief = (f: Finding) => `${f.severity} ${f.code} ${f.file}:${f.line} ${f.message}`;

/** CPython's view of each script: "missing", "syntax" (compile() raises) or "ok". */
function cpythonScripts(root: string, scripts: readonly string[]): Record<string, string> {
  const script = `
import json, os, sys
root = sys.argv[1]
out = {}
for rel in json.loads(sys.stdin.read()):
    p = os.path.join(root, rel)
    real = os.path.realpath(p)
    if not os.path.isfile(p) or not real.startswith(os.path.realpath(root) + os.sep):
        out[rel] = "missing"
        continue
    try:
        compile(open(p, "rb").read(), rel, "exec", dont_inherit=True)
        out[rel] = "ok"
    except SyntaxError:
        out[rel] = "syntax"
print(json.dumps(out))
`;
  return JSON.parse(execFileSync("python3", ["-c", script, root], { input: JSON.stringify(scripts), encoding: "utf8" })) as Record<string, string>;
}

function compiles(root: string, file: string): boolean {
  try {
    execFileSync("python3", ["-c", "import sys; compile(open(sys.argv[1], 'rb').read(), sys.argv[1], 'exec', dont_inherit=True)", path.join(root, file)], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}

describe("plan/preflight", function () {
  this.timeout(180_000);

  describe("on the user's monorepo (2025-07-26 v3 tree)", () => {
    const plans: Partial<Record<Machine, DeploymentPlan>> = {};
    const planOf = (machine: Machine): DeploymentPlan => (plans[machine] ??= buildDeploymentPlan({ configRoot: V3_TREE, machine, env: {}, override: "docker" }));

    for (const [machine, expected] of [
      ["mainpc", { agents: 63, missing: 31, syntax: 10, imports: 7 }],
      ["pc2", { agents: 39, missing: 2, syntax: 22, imports: 3 }],
    ] as const) {
      it(`${machine}: missing scripts and syntax verdicts are CPython's, agent by agent`, () => {
        const plan = planOf(machine);
        assert.strictEqual(plan.preflight.skipped, null);
        const reference = cpythonScripts(V3_TREE, plan.agents.map((a) => a.scriptPath));
        const ours = plan.preflight.agents.map((a) => `${a.name} ${a.problem?.code === "missing-script" ? "missing" : a.problem?.code === "python-syntax" ? "syntax" : "ok"}`);
        const theirs = plan.agents.map((a) => `${a.name} ${reference[a.scriptPath]}`);
        assert.deepStrictEqual(ours, theirs);
        const count = (v: string) => theirs.filter((t) => t.endsWith(` ${v}`)).length;
        assert.deepStrictEqual([plan.agents.length, count("missing"), count("syntax")], [expected.agents, expected.missing, expected.syntax]);
        assert.strictEqual(plan.preflight.counts.missing, expected.missing);
        assert.strictEqual(plan.preflight.counts.broken, expected.syntax + expected.imports);
      });

      it(`${machine}: each broken-import names a module chain that ends in a file CPython rejects`, () => {
        const plan = planOf(machine);
        const broken = plan.preflight.agents.filter((a) => a.problem?.code === "broken-import");
        assert.strictEqual(broken.length, expected.imports);
        for (const a of broken) {
          // The importing statement is in a file that exists and compiles; the module it reaches does not.
          assert.ok(compiles(V3_TREE, a.problem!.file), `${a.problem!.file} should compile`);
          const cause = /which does not compile \(Python 3\.11\): ([^:]+\.py):(\d+)/.exec(a.problem!.message);
          if (cause !== null) assert.strictEqual(compiles(V3_TREE, cause[1]!), false, a.problem!.message);
          else assert.match(a.problem!.message, /which cannot be found: /);
        }
      });
    }

    it("leads the findings' files with the Python file and line for syntax errors", () => {
      const f = planOf("pc2").findings.filter((x) => x.code === "python-syntax");
      assert.strictEqual(f.length, 22);
      for (const x of f) assert.match(x.file, /\.py$/);
    });
  });

  describe("severity follows what the agent gates", () => {
    const agents = [
      "machine_profiles:",
      "  mainpc: {enabled_groups: [main]}",
      "  pc2: {enabled_groups: [other]}",
      "agent_groups:",
      "  main:",
      "    Core: {script_path: pkg/core.py, port: 7000, required: true}",
      "    Helper: {script_path: pkg/helper.py, port: 7100}",
      "    Optional: {script_path: pkg/optional.py, port: 7200, required: false}",
      "    User: {script_path: pkg/user.py, port: 7300, required: true, dependencies: [Core, Helper]}",
      "  other:",
      "    Remote: {script_path: r.py, port: 9000}",
      "",
    ].join("\n");
    const docker = [
      "docker_groups:",
      "  mainpc:",
      "    base: {agents: [Core, Helper, Optional], gpu: null}",
      "    top: {agents: [User], gpu: null}",
      "",
    ].join("\n");
    const files = {
      [V3]: agents,
      [DOCKER]: docker,
      "pkg/__init__.py": "",
      "pkg/core.py": "import pkg.broken\n",
      "pkg/broken.py": "def f(:\n    pass\n",
      "pkg/optional.py": "x = (\n",
      "pkg/user.py": "import os\n",
    };

    it("errors for agents that gate a container, a warning for one that gates nothing, and names what never starts", () => {
      withConfigRoot(files, (configRoot) => {
        const plan = buildDeploymentPlan({ configRoot, machine: "mainpc", env: {}, override: "docker" });
        const preflight = plan.findings.filter((f) => ["missing-script", "python-syntax", "broken-import"].includes(f.code));
        assert.deepStrictEqual(preflight.map(brief), [
          "error missing-script config/startup_config.v3.yaml:7 Helper's script_path pkg/helper.py does not exist under the config root; fix the path or remove the agent; Helper gates container base (User depends on it), which can never become healthy",
          'error broken-import pkg/core.py:1 Core imports pkg.broken at start-up, which does not compile (Python 3.11): pkg/broken.py:1: invalid syntax: missing ); Core gates container base (required: true, User depends on it), which can never become healthy',
          `warning python-syntax pkg/optional.py:1 Optional's script pkg/optional.py does not compile (Python 3.11): invalid syntax near "x = ("; Optional is optional and gates nothing, so container base still starts without it`,
        ]);
        assert.deepStrictEqual(plan.preflight.counts, { ready: 1, missing: 1, broken: 2 });
        assert.deepStrictEqual(plan.preflight.neverHealthy, ["base", "top"]);
        assert.deepStrictEqual(plan.preflight.wavesNeverCreated, [2]);
        assert.deepStrictEqual(
          plan.preflight.agents.map((a) => [a.name, a.readiness, a.gates]),
          [
            ["Core", "broken", ["required", "User"]],
            ["Helper", "missing", ["User"]],
            ["Optional", "broken", []],
            ["User", "ready", ["required"]],
          ],
        );
      });
    });

    it("reads the gating of the plan's healthGate rule: the containers' gatingAgents, agents of the other machine, healthGate required and none", () => {
      // pc2's Remote depends on Optional, which then gates base from the other machine.
      const crossMachine = { ...files, [V3]: agents.replace("Remote: {script_path: r.py, port: 9000}", "Remote: {script_path: r.py, port: 9000, dependencies: [Optional]}") };
      withConfigRoot(crossMachine, (configRoot) => {
        const plan = buildDeploymentPlan({ configRoot, machine: "mainpc", env: {}, override: "docker" });
        const base = plan.containers.find((c) => c.name === "base")!;
        assert.deepStrictEqual(base.gatingAgents, ["Core", "Helper", "Optional"]);
        assert.deepStrictEqual(plan.preflight.agents.find((a) => a.name === "Optional")!.gates, ["pc2/Remote"]);
        const optional = plan.findings.find((f) => f.code === "python-syntax")!;
        assert.strictEqual(brief(optional), `error python-syntax pkg/optional.py:1 Optional's script pkg/optional.py does not compile (Python 3.11): invalid syntax near "x = ("; Optional gates container base (pc2/Remote depends on it), which can never become healthy`);
      });
      withConfigRoot(files, (configRoot) => {
        const required = buildDeploymentPlan({ configRoot, machine: "mainpc", env: {}, override: "docker", healthGate: "required" });
        assert.deepStrictEqual(
          required.preflight.agents.map((a) => [a.name, a.gates]),
          [["Core", ["required"]], ["Helper", []], ["Optional", []], ["User", ["required"]]],
        );
        assert.deepStrictEqual(
          required.findings.filter((f) => f.code === "missing-script").map(brief),
          ["warning missing-script config/startup_config.v3.yaml:7 Helper's script_path pkg/helper.py does not exist under the config root; fix the path or remove the agent; Helper is optional and gates nothing under healthGate required, so container base still starts without it"],
        );
        assert.deepStrictEqual(required.preflight.neverHealthy, ["base", "top"]);
        for (const c of required.containers) {
          assert.deepStrictEqual(c.gatingAgents, required.preflight.agents.filter((a) => a.gates.length > 0 && c.agents.some((m) => m.name === a.name)).map((a) => a.name));
        }

        const none = buildDeploymentPlan({ configRoot, machine: "mainpc", env: {}, override: "docker", healthGate: "none" });
        assert.deepStrictEqual(none.preflight.agents.map((a) => a.gates), [[], [], [], []]);
        assert.deepStrictEqual(none.preflight.neverHealthy, []);
        assert.deepStrictEqual(none.preflight.wavesNeverCreated, []);
        assert.deepStrictEqual(
          none.findings.filter((f) => f.code === "broken-import").map(brief),
          ["warning broken-import pkg/core.py:1 Core imports pkg.broken at start-up, which does not compile (Python 3.11): pkg/broken.py:1: invalid syntax: missing ); Core gates nothing under healthGate none, so container base still becomes healthy, but it is required: its launcher exits when it dies and Docker restarts container base"],
        );
      });
    });

    it("a script reached through a symbolic link out of the config root is missing", () => {
      withConfigRoot(files, (configRoot) => {
        const outside = fs.mkdtempSync(path.join(path.dirname(configRoot), "outside-"));
        try {
          fs.writeFileSync(path.join(outside, "user.py"), "import os\n");
          fs.rmSync(path.join(configRoot, "pkg/user.py"));
          fs.symlinkSync(path.join(outside, "user.py"), path.join(configRoot, "pkg/user.py"));
          const plan = buildDeploymentPlan({ configRoot, machine: "mainpc", env: {}, override: "docker" });
          const user = plan.preflight.agents.find((a) => a.name === "User")!;
          assert.strictEqual(user.readiness, "missing");
          assert.strictEqual(user.problem!.message, `User's script_path pkg/user.py goes through the symbolic link pkg/user.py to ${path.join(outside, "user.py")} outside the config root, which dangles in the image`);
        } finally {
          fs.rmSync(outside, { recursive: true, force: true });
        }
      });
    });
  });

  it("is not run, and says why, on a root that holds configuration only", () => {
    withConfigRoot({ [V3]: "agent_groups:\n  g:\n    A: {script_path: a/a.py, port: 7000}\n" }, (configRoot) => {
      const plan = buildDeploymentPlan({ configRoot, machine: "mainpc", env: {}, override: null });
      assert.strictEqual(
        plan.preflight.skipped,
        "none of the 1 agents' scripts exists in this config root, so it holds configuration only (like this project's own config/) and no code was checked; point --config-root at the monorepo checkout",
      );
    });
  });
});
