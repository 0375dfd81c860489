/**
 * Build mode on the user's real monorepo (../shared/fixtures/.../2025-07-26-v3-tree), with a
 * container plan of the test's own: the requirements command, the group images' inputs and the
 * compose export, all in a temporary copy of the tree (the fixture is read-only and stays as it
 * is; nothing is copied into the project). The plan is the agents preflight calls ready, one per
 * container; every other agent is disabled, and the ready agents' dependencies (all on agents
 * that cannot start) are cleared, since a container plan with errors builds nothing.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runRequirementsCommand } from "../../src/cli/requirementsCommand";
import { exportCompose } from "../../src/compose/exportCompose";
import { MACHINES } from "../../src/config/machine";
import { formatFinding } from "../../src/config/finding";
import { GROUP_AGENTS_VARIABLE } from "../../src/launcher/launcherContract";
import { prepareProjectMachine } from "../../src/pipeline/prepareMachine";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { ContainerSpec } from "../../src/render/spec";
import { parseDockerfile } from "../requirements/dockerfileRules";
import { REAL_TREE } from "../support/realTree";
import { PROJECT_ROOT } from "../support/tempConfigRoot";

/** A writable copy of the fixture (its files are read-only). */
function copyTree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "ai-system-real-tree-"));
  fs.cpSync(REAL_TREE, root, { recursive: true, verbatimSymlinks: true });
  const writable = (dir: string): void => {
    fs.chmodSync(dir, 0o755);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const child = path.join(dir, entry.name);
      if (entry.isDirectory()) writable(child);
      else if (entry.isFile()) fs.chmodSync(child, 0o644);
    }
  };
  writable(root);
  return root;
}

/** This project's stack files with imageMode build (Pulumi.yaml's default; the stack files say prebuilt). */
function buildModeProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ai-system-project-"));
  for (const name of ["Pulumi.yaml", ...MACHINES.map((m) => `Pulumi.${m}.yaml`)]) {
    const text = fs.readFileSync(path.join(PROJECT_ROOT, name), "utf8");
    fs.writeFileSync(path.join(dir, name), text.replace(/^\s*ai-system:imageMode: prebuilt\n/m, ""));
  }
  return dir;
}

const kebab = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2").toLowerCase();

describe("build mode on the user's real monorepo", function () {
  this.timeout(600_000);
  let root: string;
  let project: string;
  const ready: Record<string, string[]> = {};
  before(() => {
    root = copyTree();
    project = buildModeProject();
    const configured = new Set<string>();
    for (const machine of MACHINES) {
      const plan = buildDeploymentPlan({ configRoot: root, machine, env: {}, override: "docker" });
      for (const a of plan.preflight.agents) configured.add(a.name);
      ready[machine] = plan.preflight.agents.filter((a) => a.readiness === "ready").map((a) => a.name).sort();
    }
    const keep = new Set(MACHINES.flatMap((m) => ready[m]!));
    const override = [
      "",
      `disabled_agents: [${[...configured].filter((n) => !keep.has(n)).sort().join(", ")}]`,
      "agents:",
      ...[...keep].sort().map((n) => `  ${n}: {dependencies: []}`),
      "docker_groups:",
      ...MACHINES.flatMap((m) => [
        `  ${m}:`,
        ...ready[m]!.map((n) => `    ${m}-${kebab(n)}: {agents: [${n}]${n === "ModelManagerSuite" ? ", gpu: {vram_mb: 4096, device_ids: ['0']}" : ""}}`),
      ]),
      "",
    ].join("\n");
    fs.appendFileSync(path.join(root, "config", "overrides", "docker.yaml"), override);
    // What the build asks of the user's .dockerignore (their own lacks these three rules).
    fs.appendFileSync(path.join(root, ".dockerignore"), "\n**/secrets*\n**/.env*\n**/.envrc\n");
  });
  after(() => {
    for (const dir of [root, project]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("plans the ready agents, writes their requirements, and builds each group from files that exist in the tree", () => {
    assert.deepStrictEqual([ready.mainpc!.length, ready.pc2!.length], [15, 12]);
    const requirements = runRequirementsCommand(["--config-root", root], {});
    assert.strictEqual(requirements.exitCode, 0, requirements.stdout + requirements.stderr);
    const summary = requirements.stdout.split("\n");
    assert.ok(summary.includes("Scanned 55 Python files for 27 of 27 agents in 27 docker groups."), requirements.stdout);
    // netifaces is no longer unmapped: the user's requirements/base.txt lists that distribution.
    assert.ok(summary.includes("Unmapped import names, written commented out (not installed): utils (mainpc-model-manager-suite), utils (mainpc-model-orchestrator), utils (mainpc-request-coordinator), fasttext (mainpc-translation-service), utils (mainpc-translation-service), utils (pc2-model-manager-suite), utils (pc2-request-coordinator)"), requirements.stdout);
    // The tutor's imports (the old tokenizer lost all but zmq after line 166) with the versions of the nearest file.
    assert.strictEqual(
      fs.readFileSync(path.join(root, "ai-system-build", "requirements", "pc2-tutor-agent.txt"), "utf8").split("\n").slice(3).join("\n"),
      [
        "-r base.txt",
        "numpy==1.26.4  # version from pc2_code/agents/requirements_pc2.txt",
        "pandas==2.2.1  # version from pc2_code/agents/requirements_pc2.txt",
        "prometheus-client==0.19.0  # version from pc2_code/agents/requirements_pc2.txt",
        "psutil==5.9.8  # version from pc2_code/agents/requirements_pc2.txt",
        "pydantic==2.5.2  # version from pc2_code/agents/requirements_pc2.txt",
        "PyYAML==6.0.1  # version from pc2_code/agents/requirements_pc2.txt",
        "pyzmq==25.1.2  # version from pc2_code/agents/requirements_pc2.txt",
        "redis==5.0.1  # version from pc2_code/agents/requirements_pc2.txt",
        "scikit-learn==1.4.1.post1  # version from pc2_code/agents/requirements_pc2.txt",
        "torch==2.2.1  # version from pc2_code/agents/requirements_pc2.txt",
        "",
      ].join("\n"),
    );
    for (const machine of MACHINES) {
      const outcome = prepareProjectMachine(project, machine, root);
      assert.ok(outcome.ok, outcome.ok ? "" : outcome.refusal);
      assert.deepStrictEqual(outcome.images.map((i) => i.key), outcome.plan.containers.map((c) => c.name));
      for (const image of outcome.images) {
        const build = image.build!;
        assert.strictEqual(build.context, root);
        assert.strictEqual(build.template, image.key.endsWith("-model-manager-suite") ? "gpu" : "cpu", image.key);
        // Every COPY source of the template, with this group's build arguments, is a file of the context.
        const args: Record<string, string> = { REQUIREMENTS_DIR: "ai-system-build/requirements", ...build.buildArgs };
        const sources = parseDockerfile(fs.readFileSync(build.dockerfile, "utf8"))
          .filter((i) => i.keyword === "COPY")
          .map((i) => i.args.split(/\s+/)[0]!.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name]!));
        assert.deepStrictEqual(sources, ["ai-system-build/requirements/base.txt", `ai-system-build/requirements/${image.key}.txt`, "ai-system-build/requirements/group_launcher.py", "."]);
        for (const source of sources) assert.ok(fs.existsSync(path.join(root, source)), source);
        // The code the hash covers is the user's real files.
        const code = build.hashed.filter((h) => h.startsWith("code:")).map((h) => h.slice("code:".length));
        assert.ok(code.length > 0, image.key);
        for (const file of code) assert.ok(fs.statSync(path.join(REAL_TREE, file)).isFile(), file);
        // The modules the launcher runs are the agents' scripts in the tree.
        const container: ContainerSpec = outcome.spec.groups.find((g) => g.key === image.key)!;
        const agentsJson: unknown = container.env.find((e) => e.name === GROUP_AGENTS_VARIABLE)!.value;
        assert.strictEqual(typeof agentsJson, "string");
        for (const agent of JSON.parse(agentsJson as string) as { module: string }[]) {
          assert.ok(fs.statSync(path.join(REAL_TREE, `${agent.module.split(".").join("/")}.py`)).isFile(), agent.module);
        }
      }
      // The preflight's verdicts stay in the plan: the agents it found broken are simply not planned here.
      assert.deepStrictEqual(outcome.findings.filter((f) => f.severity === "error").map(formatFinding), []);
    }
  });

  it("exports the same builds to compose", () => {
    for (const machine of MACHINES) {
      const exported = exportCompose(project, machine, root);
      assert.ok(exported.ok, exported.ok ? "" : exported.problems.join("\n"));
      const text = exported.export.files.map((f) => f.content).join("\n");
      for (const name of ready[machine]!.map((n) => `${machine}-${kebab(n)}`)) assert.match(text, new RegExp(`dockerfile: ${path.join(PROJECT_ROOT, "docker")}/Dockerfile\\.(cpu|gpu)[\\s\\S]*?REQUIREMENTS: ai-system-build/requirements/${name}\\.txt`));
      assert.ok(text.includes(`context: ${root}`), machine);
    }
  });
});
