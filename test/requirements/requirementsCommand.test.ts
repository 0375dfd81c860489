import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runRequirementsCommand } from "../../src/cli/requirementsCommand";
import { LAUNCHER_SOURCE } from "../../src/launcher/launcherContract";
import { GENERATED_HEADER } from "../../src/requirements/requirementsFiles";
import { PROJECT_ROOT, removeConfigRoot, writeConfigRoot } from "../support/tempConfigRoot";

const V3 = [
  "machine_profiles:",
  "  mainpc: {enabled_groups: [main]}",
  "  pc2: {enabled_groups: [other]}",
  "agent_groups:",
  "  main:",
  "    Alpha: {script_path: main_pc_code/agents/alpha.py, port: 7000}",
  "    Beta: {script_path: main_pc_code/agents/beta.py, port: 7100, required: false}",
  "    Gamma: {script_path: main_pc_code/agents/gamma.py, port: 7200}",
  "  other:",
  "    Remote: {script_path: pc2_code/agents/remote.py, port: 9000}",
  "    Ghost: {script_path: pc2_code/agents/ghost.py, port: 9100}",
  "",
].join("\n");

const DOCKER = [
  "docker_groups:",
  "  mainpc:",
  "    core: {agents: [Alpha, Beta]}",
  "    vision-gpu: {agents: [Gamma], gpu: {vram_mb: 2048, device_ids: ['0']}}",
  "  pc2:",
  "    pc2-stack: {agents: [Remote, Ghost]}",
  "",
].join("\n");

const CODE: Record<string, string> = {
  "main_pc_code/__init__.py": "",
  "main_pc_code/agents/__init__.py": "",
  "common/base_agent.py": "import zmq\nimport yaml\nfrom prometheus_client import Counter\nimport logging\n",
  "main_pc_code/agents/alpha.py": "from common.base_agent import BaseAgent\nimport redis\nimport mystery_lib\n",
  "main_pc_code/agents/beta.py": "from common.base_agent import BaseAgent\ntry:\n    import orjson\nexcept ImportError:\n    import simplejson\nimport soundfile\n",
  "main_pc_code/agents/gamma.py": "from common.base_agent import BaseAgent\nimport cv2\nimport onnxruntime\nimport torch\nimport common.missing_mod\n",
  "pc2_code/agents/remote.py": "from common.base_agent import BaseAgent\nimport whisper\n",
};

const CONFIG = { "config/startup_config.v3.yaml": V3, "config/overrides/docker.yaml": DOCKER };

describe("npm run requirements", () => {
  const roots: string[] = [];
  const tempRoot = (files: Record<string, string>): string => {
    const root = writeConfigRoot(files);
    roots.push(root);
    return root;
  };
  afterEach(() => {
    for (const root of roots.splice(0)) removeConfigRoot(root);
  });

  it("writes base.txt, group files and system packages for both machines, and reports what it could not follow", () => {
    const root = tempRoot({ ...CONFIG, ...CODE });
    const out = path.join(root, "ai-system-build", "requirements");
    const result = runRequirementsCommand(["--config-root", root], {});
    assert.strictEqual(result.stderr, "");
    assert.strictEqual(result.exitCode, 0);
    assert.strictEqual(
      result.stdout.split(root).join("<root>"),
      [
        "Requirements for mainpc, pc2 from <root> (override: docker)",
        "Scanned 7 Python files for 4 of 5 agents in 3 docker groups.",
        "Wrote 8 files to <root>/ai-system-build/requirements:",
        "  base.txt               3 distributions shared by every group",
        "  core.txt               4 more (mainpc, CPU, 2 of 2 agents scanned)",
        "  core.system.txt        1 apt package",
        "  pc2-stack.txt          1 more (pc2, CPU, 1 of 2 agents scanned)",
        "  pc2-stack.system.txt   1 apt package",
        "  vision-gpu.txt         3 more (mainpc, GPU, 1 of 1 agent scanned)",
        "  vision-gpu.system.txt  2 apt packages",
        "  group_launcher.py      the group launcher (image entrypoint)",
        "Unmapped import names, written commented out (not installed): mystery_lib (core)",
        "Versions from your requirements files: none found",
        "Warnings: 2",
        "  WARNING [missing-script] config/startup_config.v3.yaml:11: Ghost's script_path pc2_code/agents/ghost.py does not exist under the config root; its imports are unknown",
        "  WARNING [unresolved-module] main_pc_code/agents/gamma.py:5: cannot resolve local module common.missing_mod (imported as common.missing_mod): neither common/missing_mod.py nor a package directory common/missing_mod/ exists under the config root",
        "",
      ].join("\n"),
    );
    assert.deepStrictEqual(fs.readdirSync(out).sort(), [
      "base.txt",
      "core.system.txt",
      "core.txt",
      "group_launcher.py",
      "pc2-stack.system.txt",
      "pc2-stack.txt",
      "vision-gpu.system.txt",
      "vision-gpu.txt",
    ]);
    const read = (name: string) => fs.readFileSync(path.join(out, name), "utf8");
    assert.strictEqual(
      read("base.txt"),
      `${GENERATED_HEADER}
# Shared by every docker group whose scripts were found (the intersection of their requirements):
#   core (mainpc)
#   pc2-stack (pc2)
#   vision-gpu (mainpc)
prometheus-client
PyYAML
pyzmq
`,
    );
    assert.strictEqual(
      read("core.txt"),
      `${GENERATED_HEADER}
# Docker group core on mainpc (CPU image), from the imports of:
#   Alpha  main_pc_code/agents/alpha.py
#   Beta   main_pc_code/agents/beta.py
# Not installed, only imported as ImportError fallbacks: simplejson
-r base.txt
# mystery_lib  # unmapped import name: not installed; map it to its distribution (docker_defaults.requirements.map), exclude it, or make it local code
orjson
redis
soundfile
`,
    );
    assert.strictEqual(
      read("vision-gpu.txt"),
      `${GENERATED_HEADER}
# Docker group vision-gpu on mainpc (GPU image), from the imports of:
#   Gamma  main_pc_code/agents/gamma.py
-r base.txt
onnxruntime-gpu
opencv-python-headless
torch
`,
    );
    assert.strictEqual(
      read("pc2-stack.txt"),
      `${GENERATED_HEADER}
# Docker group pc2-stack on pc2 (CPU image), from the imports of:
#   Ghost   pc2_code/agents/ghost.py  (missing: not scanned)
#   Remote  pc2_code/agents/remote.py
-r base.txt
openai-whisper
`,
    );
    const packages = (name: string) => read(name).split("\n").filter((l) => l !== "" && !l.startsWith("#"));
    assert.deepStrictEqual([packages("core.system.txt"), packages("vision-gpu.system.txt"), packages("pc2-stack.system.txt")], [["libsndfile1"], ["libgl1", "libglib2.0-0"], ["ffmpeg"]]);
    assert.strictEqual(read("group_launcher.py"), fs.readFileSync(LAUNCHER_SOURCE, "utf8"));
  });

  it("covers one machine with --machine, writes to --out, and removes only its own stale files", () => {
    const root = tempRoot({ ...CONFIG, ...CODE });
    const out = path.join(root, "elsewhere");
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, "old-group.txt"), `${GENERATED_HEADER}\n-r base.txt\nnumpy\n`);
    fs.writeFileSync(path.join(out, "hand-written.txt"), "numpy\n");
    const result = runRequirementsCommand(["--config-root", root, "--out", out, "--machine", "pc2"], {});
    assert.strictEqual(result.exitCode, 0);
    assert.match(result.stdout, /^Requirements for pc2 from /);
    assert.match(result.stdout, /^Removed files generated for groups that no longer exist: old-group\.txt$/m);
    assert.deepStrictEqual(fs.readdirSync(out).sort(), ["base.txt", "group_launcher.py", "hand-written.txt", "pc2-stack.system.txt", "pc2-stack.txt"]);
    // One scanned group: everything it needs is the base.
    assert.match(fs.readFileSync(path.join(out, "base.txt"), "utf8"), /\nopenai-whisper\nprometheus-client\nPyYAML\npyzmq\n$/);
  });

  it("leaves the monorepo's own requirements/ alone, and refuses to overwrite files it did not write", () => {
    const own = { "requirements/base.txt": "numpy==1.26.4\n", "requirements/group_launcher.py": "print('mine')\n" };
    const root = tempRoot({ ...CONFIG, ...CODE, ...own });
    assert.strictEqual(runRequirementsCommand(["--config-root", root], {}).exitCode, 0);
    assert.deepStrictEqual(fs.readdirSync(path.join(root, "requirements")).sort(), ["base.txt", "group_launcher.py"]);
    assert.strictEqual(fs.readFileSync(path.join(root, "requirements", "base.txt"), "utf8"), "numpy==1.26.4\n");
    const result = runRequirementsCommand(["--config-root", root, "--out", path.join(root, "requirements")], {});
    assert.strictEqual(result.exitCode, 2);
    assert.strictEqual(
      result.stderr.split("\n")[0],
      `refusing to overwrite base.txt, group_launcher.py in ${path.join(root, "requirements")}: not written by this command; choose another --out`,
    );
    // Its own earlier output it replaces.
    assert.strictEqual(runRequirementsCommand(["--config-root", root, "--out", path.join(root, "gen")], {}).exitCode, 0);
    assert.strictEqual(runRequirementsCommand(["--config-root", root, "--out", path.join(root, "gen")], {}).exitCode, 0);
  });

  it("exits 1 and writes nothing when the plan has errors or a group name is on both machines", () => {
    const broken = tempRoot({ ...CONFIG, "config/overrides/docker.yaml": DOCKER.replace("[Alpha, Beta]", "[Alpha, Beta, Nobody]") });
    const result = runRequirementsCommand(["--config-root", broken], {});
    assert.strictEqual(result.exitCode, 1);
    assert.match(result.stdout, /^ {2}ERROR \[unknown-agent-in-group\] config\/overrides\/docker\.yaml:3: docker group core lists Nobody/m);
    assert.match(result.stdout, /\nNothing written: fix the errors above first\.\n$/);
    assert.ok(!fs.existsSync(path.join(broken, "ai-system-build")));

    const clash = tempRoot({ ...CONFIG, "config/overrides/docker.yaml": DOCKER.replace("pc2-stack:", "core:") });
    const both = runRequirementsCommand(["--config-root", clash], {});
    assert.strictEqual(both.exitCode, 1);
    assert.match(
      both.stdout,
      /^ERROR docker group core exists on mainpc and pc2; its requirements file would be ambiguous, so run once per machine with --machine and separate --out directories$/m,
    );
    assert.ok(!fs.existsSync(path.join(clash, "ai-system-build")));
    assert.strictEqual(runRequirementsCommand(["--config-root", clash, "--machine", "pc2", "--out", path.join(clash, "pc2")], {}).exitCode, 0);
  });

  it("exits 2 with usage on wrong arguments", () => {
    const missing = path.join(os.tmpdir(), "surely-not-a-config-root-4711");
    const cases: [string[], string][] = [
      [[], "--config-root is required"],
      [["--config-root"], "--config-root needs a value"],
      [["--config-root", PROJECT_ROOT, "--machine", "pc3"], "unknown machine pc3; use one of mainpc, pc2, all"],
      [["--config-root", PROJECT_ROOT, "--bogus"], "unknown argument --bogus"],
      [["--config-root", missing], `--config-root ${missing} is not a directory`],
    ];
    for (const [argv, problem] of cases) {
      const result = runRequirementsCommand(argv, {});
      assert.deepStrictEqual([result.exitCode, result.stdout, result.stderr.split("\n")[0]], [2, "", problem], argv.join(" "));
      assert.match(result.stderr, /\nusage: ai-system requirements --config-root DIR \[--out DIR\] \[--machine mainpc\|pc2\|all\]/);
    }
    const help = runRequirementsCommand(["--help"], {});
    assert.deepStrictEqual([help.exitCode, help.stdout.split("\n")[0]], [0, "usage: ai-system requirements --config-root DIR [--out DIR] [--machine mainpc|pc2|all] [--override NAME|none] [--env NAME=VALUE]..."]);
  });

  it("handles the default config, whose code is not here: every script missing, exit 0", () => {
    const out = tempRoot({});
    const result = runRequirementsCommand(["--config-root", PROJECT_ROOT, "--out", out], {});
    assert.strictEqual(result.exitCode, 0);
    assert.match(result.stdout, /^Scanned 0 Python files for 0 of 77 agents in 12 docker groups\.$/m);
    assert.ok(result.stdout.includes(`\nNo agent script exists under the config root: is ${PROJECT_ROOT} the monorepo root? Every requirements file is empty.\n`), result.stdout);
    assert.match(result.stdout, /^ {2}base\.txt +0 distributions shared by every group$/m);
    assert.match(result.stdout, /^Warnings: 77$/m);
    assert.strictEqual(result.stdout.match(/WARNING \[missing-script\]/g)?.length, 77);
    assert.strictEqual(fs.readdirSync(out).filter((f) => f.endsWith(".system.txt")).length, 12);
  });

  it("runs as a real process through npm's script", function () {
    this.timeout(60000);
    const root = tempRoot({ ...CONFIG, ...CODE });
    const stdout = execFileSync("npm", ["run", "--silent", "requirements", "--", "--config-root", root, "--machine", "mainpc"], { cwd: PROJECT_ROOT, encoding: "utf8" });
    assert.match(stdout, /^Scanned 6 Python files for 3 of 3 agents in 2 docker groups\.$/m);
    assert.ok(fs.existsSync(path.join(root, "ai-system-build", "requirements", "vision-gpu.txt")));
  });
});
