import * as assert from "assert";
import { execFileSync } from "child_process";
import { PROJECT_ROOT, runPlanCommand } from "../../src/cli/planCommand";
import { exportCompose } from "../../src/compose/exportCompose";
import { Finding, formatFinding, sortFindings } from "../../src/config/finding";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { V3_TREE, withConfigRoot } from "../support/tempConfigRoot";

const brief = (f: Finding) => `${f.severity} ${f.code} ${f.file}:${f.line}`;

/**
 * A config with root causes and what they cause: a missing include file (which would have
 * defined Nope, so Dep's dependency is unknown), a shared module that does not compile (so both
 * agents importing it cannot start), besides a missing script.
 */
const FILES = {
  "config/startup_config.v3.yaml": [
    "include: [config/agents_extra.yaml]",
    "machine_profiles:",
    "  mainpc: {enabled_groups: [main]}",
    "  pc2: {enabled_groups: []}",
    "agent_groups:",
    "  main:",
    "    Alpha: {script_path: pkg/alpha.py, port: 7000, required: true}",
    "    Beta: {script_path: pkg/beta.py, port: 7100, required: true}",
    "    Gone: {script_path: pkg/gone.py, port: 7200, required: true}",
    "    Dep: {script_path: pkg/dep.py, port: 7300, dependencies: [Nope]}",
    "",
  ].join("\n"),
  "config/overrides/docker.yaml": "docker_groups:\n  mainpc:\n    core: {agents: [Alpha, Beta, Gone, Dep]}\n",
  "pkg/__init__.py": "",
  "pkg/alpha.py": "import pkg.shared\n",
  "pkg/beta.py": "from pkg import shared\n",
  "pkg/dep.py": "import os\n",
  "pkg/shared.py": "import os\n\ndef broken(:\n    pass\n",
};

describe("pipeline: root causes first, in every output", function () {
  this.timeout(120_000);

  it("orders the plan's findings: unreadable files, values, the agent graph, the broken module, then the agents it stops", () => {
    withConfigRoot(FILES, (configRoot) => {
      const plan = buildDeploymentPlan({ configRoot, machine: "mainpc", env: {}, override: "docker" });
      const errors = plan.findings.filter((f) => f.severity === "error");
      assert.deepStrictEqual(errors.map(brief), [
        "error missing-file config/startup_config.v3.yaml:1",
        "error unknown-dependency config/startup_config.v3.yaml:10",
        "error broken-module pkg/shared.py:3",
        "error missing-script config/startup_config.v3.yaml:9",
        "error broken-import pkg/alpha.py:1",
        "error broken-import pkg/beta.py:1",
      ]);
      assert.strictEqual(
        errors[2]!.message,
        "pkg/shared.py does not compile (Python 3.11): invalid syntax: missing ); 2 agents import it at start-up and cannot start (Alpha, Beta): fix this file first",
      );

      // The plan command's text and JSON, and the compose export, list them in the same order.
      const text = runPlanCommand(["--machine", "mainpc", "--config-root", configRoot], {}).stdout;
      const at = errors.map((f) => text.indexOf(formatFinding(f)));
      assert.ok(at.every((i) => i >= 0) && at.every((i, k) => k === 0 || i > at[k - 1]!), text);
      const json = JSON.parse(runPlanCommand(["--machine", "mainpc", "--config-root", configRoot, "--json"], {}).stdout) as { findings: Finding[] };
      assert.deepStrictEqual(json.findings.filter((f) => f.severity === "error").map(brief), errors.map(brief));
      const exported = exportCompose(PROJECT_ROOT, "mainpc", configRoot);
      assert.ok(!exported.ok);
      // It plans both hosts; pc2 reads the same v3 file, so its missing include is named again.
      const composed = [...new Set(exported.findings.filter((f) => f.severity === "error" && errors.some((e) => e.message === f.message)).map(brief))];
      assert.deepStrictEqual(composed, errors.map(brief));
    });
  });

  it("names the user's broken shared modules once each, at CPython's error line, with the agents they stop (2025-07-26 v3 tree)", () => {
    const near = 'invalid syntax near "os.environ.get(\\"ERROR_BUS_HOST\\") or get_"';
    const publisher = (agents: string) =>
      `warning main_pc_code/agents/error_publisher.py:117 main_pc_code/agents/error_publisher.py does not compile (Python 3.11): ${near}; ${agents}: fix this file first`;
    const found = (machine: "mainpc" | "pc2") =>
      buildDeploymentPlan({ configRoot: V3_TREE, machine, env: {}, override: "docker" }).findings.filter((f) => f.code === "broken-module").map((f) => `${f.severity} ${f.file}:${f.line} ${f.message}`);
    assert.deepStrictEqual(found("mainpc"), [
      publisher("3 agents import it at start-up and cannot start (FeedbackHandler, NLUAgent, UnifiedSystemAgent)"),
      'warning main_pc_code/agents/memory_client.py:32 main_pc_code/agents/memory_client.py does not compile (Python 3.11): invalid syntax near "get_pc2_ip())"; 1 agent imports it at start-up and cannot start (GoalManager): fix this file first',
    ]);
    assert.deepStrictEqual(found("pc2"), [publisher("1 agent imports it at start-up and cannot start (UnifiedSystemAgent)")]);
    // CPython 3.11 rejects both files at those lines.
    const line = (file: string) =>
      execFileSync("python3", ["-c", "import sys\ntry:\n compile(open(sys.argv[1],'rb').read(), sys.argv[1], 'exec', dont_inherit=True)\nexcept SyntaxError as e:\n print(e.lineno)", `${V3_TREE}/${file}`], { encoding: "utf8" }).trim();
    assert.deepStrictEqual([line("main_pc_code/agents/error_publisher.py"), line("main_pc_code/agents/memory_client.py")], ["117", "32"]);
  });

  it("keeps the order when a later step's findings join the plan's (the pipeline sorts what it returns)", () => {
    const at = { file: "x.py", line: 1 };
    const later: Finding = { severity: "error", code: "hardening-check", message: "a", ...at };
    const image: Finding = { severity: "error", code: "missing-requirements", message: "b", file: "a.yaml", line: 9 };
    const root: Finding = { severity: "error", code: "yaml-syntax", message: "c", file: "z.yaml", line: 2 };
    const warning: Finding = { severity: "warning", code: "yaml-syntax", message: "d", file: "a.yaml", line: 1 };
    assert.deepStrictEqual(sortFindings([warning, later, image, root]), [root, image, later, warning]);
  });
});
