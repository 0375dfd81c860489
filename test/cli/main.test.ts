import * as assert from "assert";
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { colourEnabled, colourFindings } from "../../src/cli/colour";
import { parseCommandLine } from "../../src/cli/commandLine";
import { COMMANDS } from "../../src/cli/commands";
import { runMain } from "../../src/cli/main";
import { PROJECT_ROOT } from "../../src/projectRoot";
import { assertBuilt, COMPILED_CLI, DIST_DIR } from "../support/compiledCli";
import { V3_TREE, withConfigRoot } from "../support/tempConfigRoot";

const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string; bin: Record<string, string>; scripts: Record<string, string> };

function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [COMPILED_CLI, ...args], { cwd: os.tmpdir(), encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, timeout: 60000 });
}

const BAD_CONFIG = { "config/startup_config.v3.yaml": "agent_groups: [oops\n" };

describe("ai-system (the entry point)", () => {
  before(() => assertBuilt());

  it("is the package's one bin, and every npm run <command> is an alias of it", () => {
    assert.deepStrictEqual(manifest.bin, { "ai-system": "dist/ai-system.js" });
    for (const name of Object.keys(COMMANDS)) assert.strictEqual(manifest.scripts[name], `node dist/ai-system.js ${name}`);
    assert.strictEqual(manifest.scripts["prepare"], "npm run build");
    assert.ok(fs.readFileSync(COMPILED_CLI, "utf8").startsWith("#!/usr/bin/env node\n"));
  });

  it("--help lists every command; --version prints the package's", async () => {
    const help = await runMain(["--help"], {});
    assert.strictEqual(help.exitCode, 0);
    assert.match(help.stdout, /^usage: ai-system <command> \[flags\]\n/);
    for (const [name, entry] of Object.entries(COMMANDS)) assert.ok(help.stdout.includes(`  ${name.padEnd(12)}  ${entry.summary}\n`), name);
    assert.deepStrictEqual(await runMain(["--version"], {}), { exitCode: 0, stdout: `ai-system-infra ${manifest.version}\n`, stderr: "" });
  });

  it("refuses no command and an unknown one with exit 2 and the usage", async () => {
    const none = await runMain([], {});
    assert.strictEqual(none.exitCode, 2);
    assert.match(none.stderr, /^a command is required\nusage: ai-system <command>/);
    const unknown = await runMain(["deploy", "--machine", "mainpc"], {});
    assert.strictEqual(unknown.exitCode, 2);
    assert.match(unknown.stderr, /^unknown command deploy\nusage: ai-system <command>/);
    assert.strictEqual((await runMain(["toString"], {})).exitCode, 2, "only own entries are commands");
  });

  it("gives each command its own --help, with exit 0", async () => {
    for (const name of Object.keys(COMMANDS)) {
      const result = await runMain([name, "--help"], {});
      assert.strictEqual(result.exitCode, 0, name);
      assert.ok(result.stdout.startsWith(`usage: ai-system ${name}`), result.stdout);
      assert.match(result.stdout, /\nexit status: 0 /);
    }
  });

  it("runs compiled, with the exit codes 0, 1 and 2", function () {
    this.timeout(120000);
    const ok = cli(["plan", "--machine", "pc2", "--json"]);
    assert.strictEqual(ok.status, 0, ok.stderr);
    assert.deepStrictEqual(JSON.parse(ok.stdout).counts, { mainpc: 54, pc2: 23, distinct: 76, shared: ["ObservabilityHub"] });
    const bad = withConfigRoot(BAD_CONFIG, (root) => cli(["plan", "--machine", "mainpc", "--config-root", root]));
    assert.strictEqual(bad.status, 1);
    assert.match(bad.stdout, /^  ERROR \[yaml-syntax\] config\/startup_config\.v3\.yaml:\d+: YAML syntax error/m);
    const usage = cli(["plan", "--machine"]);
    assert.strictEqual(usage.status, 2);
    assert.match(usage.stderr, /^--machine needs a value\nusage: ai-system plan /);
    const version = cli(["--version"]);
    assert.deepStrictEqual([version.status, version.stdout], [0, `ai-system-infra ${manifest.version}\n`]);
  });

  /** The files a real `ai-system plan --machine mainpc --json` process loads, and its output. */
  function loadedByPlan(extra: readonly string[]): { loaded: string[]; packages: Set<string>; stdout: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ai-system-modules-"));
    try {
      // Preloaded into the real process: on exit it writes every module file that was loaded.
      const probe = path.join(dir, "probe.js");
      const out = path.join(dir, "loaded.json");
      fs.writeFileSync(probe, `process.on("exit", () => require("fs").writeFileSync(${JSON.stringify(out)}, JSON.stringify(Object.keys(require.cache))));\n`);
      const run = spawnSync(process.execPath, ["--require", probe, COMPILED_CLI, "plan", "--machine", "mainpc", "--json", ...extra], { encoding: "utf8", timeout: 60000 });
      assert.ok(run.status === 0 || run.status === 1, run.stderr);
      const loaded = (JSON.parse(fs.readFileSync(out, "utf8")) as string[]).filter((f) => f !== probe);
      const packages = new Set(loaded.filter((f) => f.includes(`${path.sep}node_modules${path.sep}`)).map((f) => {
        const rest = f.split(`${path.sep}node_modules${path.sep}`).pop()!.split(path.sep);
        return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
      }));
      return { loaded, packages, stdout: run.stdout };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it("loads one file for a plan: the bundle, without the Pulumi SDK, TypeScript, ts-node, mermaid, jsdom or zod's locales", function () {
    this.timeout(60000);
    const { loaded, packages } = loadedByPlan([]);
    // No Python file exists under the default config root (every script is missing), so
    // web-tree-sitter is not loaded either; yaml and zod are inside the bundle.
    assert.deepStrictEqual(loaded, [COMPILED_CLI]);
    assert.deepStrictEqual([...packages], []);
    // What esbuild wrote into the bundle (an input tree-shaken away has 0 bytes in the output).
    const meta = JSON.parse(fs.readFileSync(path.join(DIST_DIR, "ai-system.meta.json"), "utf8")) as { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> };
    const inputs = Object.entries(meta.outputs["dist/ai-system.js"]!.inputs).filter(([, input]) => input.bytesInOutput > 0).map(([file]) => file);
    const bundled = new Set(inputs.filter((f) => f.startsWith("node_modules/")).map((f) => {
      const rest = f.split("/").slice(1);
      return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
    }));
    assert.deepStrictEqual([...bundled].sort(), ["@balena/dockerignore", "ohm-js", "pip-requirements-js", "yaml", "zod"]);
    // zod's ES modules, tree-shaken: its CommonJS entry would load all 64 locales.
    assert.deepStrictEqual(inputs.filter((f) => f.includes("zod/v4/locales/")), ["node_modules/zod/v4/locales/en.js", "node_modules/zod/v4/locales/index.js"]);
    // the project's own TypeScript (components/ for the inputs command), never tsc's dist/
    assert.ok(inputs.every((f) => f.startsWith("node_modules/") || (/^(src|components)\//.test(f) && f.endsWith(".ts"))), inputs.join(", "));
  });

  it("loads the Python grammar when the plan parses a Python file, with the same plan as in-process", async function () {
    this.timeout(120000);
    const { loaded, stdout } = loadedByPlan(["--config-root", V3_TREE]);
    // web-tree-sitter is an ES module, loaded by import() past require.cache: the finding below shows it ran.
    assert.deepStrictEqual(loaded, [COMPILED_CLI]);
    // In this process mocha's root hook loaded the grammar before any test: the reference.
    const inProcess = await runMain(["plan", "--machine", "mainpc", "--json", "--config-root", V3_TREE], {});
    assert.strictEqual(stdout, inProcess.stdout);
    const plan = JSON.parse(stdout) as { findings: { code: string }[] };
    assert.ok(plan.findings.some((f) => f.code === "python-syntax"), "preflight parsed the agents' scripts");
  });

  it("colours finding severities on a terminal only, and never with NO_COLOR", function () {
    this.timeout(120000);
    assert.strictEqual(colourEnabled({ isTTY: true }, {}), true);
    assert.strictEqual(colourEnabled({ isTTY: true }, { NO_COLOR: "" }), true, "an empty NO_COLOR does not count (no-color.org)");
    assert.strictEqual(colourEnabled({ isTTY: true }, { NO_COLOR: "1" }), false);
    assert.strictEqual(colourEnabled({ isTTY: false }, {}), false);
    assert.strictEqual(colourEnabled({}, {}), false);
    assert.strictEqual(
      colourFindings("ERROR [yaml-syntax] a.yaml:1: x\n  WARNING [w] b.yaml:2: ERROR y\nINFO [i] c:3: z\n"),
      "\x1b[31;1mERROR\x1b[0m [yaml-syntax] a.yaml:1: x\n  \x1b[33mWARNING\x1b[0m [w] b.yaml:2: ERROR y\n\x1b[36mINFO\x1b[0m [i] c:3: z\n",
    );
    // A real terminal: util-linux script(1) runs the CLI on a pseudo-terminal.
    withConfigRoot(BAD_CONFIG, (root) => {
      const command = `${process.execPath} ${COMPILED_CLI} plan --machine mainpc --config-root ${root}`;
      const onTerminal = (env: NodeJS.ProcessEnv) => spawnSync("script", ["-qec", command, "/dev/null"], { encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, timeout: 60000 });
      const coloured = onTerminal({});
      assert.strictEqual(coloured.status, 1, coloured.stderr);
      assert.match(coloured.stdout, /\x1b\[31;1mERROR\x1b\[0m \[yaml-syntax\]/);
      const plain = onTerminal({ NO_COLOR: "1" });
      assert.strictEqual(plain.status, 1);
      assert.match(plain.stdout, /^  ERROR \[yaml-syntax\]/m);
      assert.doesNotMatch(plain.stdout, /\x1b\[/);
      const piped = cli(["plan", "--machine", "mainpc", "--config-root", root]);
      assert.match(piped.stdout, /^  ERROR \[yaml-syntax\]/m);
      assert.doesNotMatch(piped.stdout, /\x1b\[/);
    });
  });
});

describe("parseCommandLine (util.parseArgs)", () => {
  const spec = { values: ["--machine", "--out"], switches: ["--json"] };

  it("takes --flag value, --flag=value and switches; a repeated flag keeps its last value", () => {
    const parsed = parseCommandLine(["--machine", "pc2", "--out=x", "--json", "--machine=mainpc"], spec);
    assert.strictEqual(parsed.kind, "ok");
    if (parsed.kind !== "ok") return;
    assert.deepStrictEqual([...parsed.values], [["--machine", "mainpc"], ["--out", "x"]]);
    assert.deepStrictEqual([...parsed.switches], ["--json"]);
  });

  it("says what is wrong, naming the argument", () => {
    const problem = (argv: string[]) => {
      const parsed = parseCommandLine(argv, spec);
      return parsed.kind === "usage" ? parsed.problem : parsed.kind;
    };
    assert.strictEqual(problem(["--machine"]), "--machine needs a value");
    assert.strictEqual(problem(["--bogus"]), "unknown argument --bogus");
    assert.strictEqual(problem(["--bogus=1"]), "unknown argument --bogus=1");
    assert.strictEqual(problem(["--json=yes"]), "unknown argument --json=yes");
    assert.strictEqual(problem(["mainpc"]), "unknown argument mainpc");
    assert.strictEqual(problem(["-x"]), "unknown argument -x");
    assert.strictEqual(problem(["--", "--json"]), "unknown argument --");
    assert.strictEqual(problem(["--machine", "pc2", "-h"]), "help");
    assert.strictEqual(problem(["--help"]), "help");
  });
});
