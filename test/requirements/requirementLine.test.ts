import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as path from "path";
import * as fs from "fs";
import { formatRequirement, parseRequirement, parseRequirementsFile } from "../../src/requirements/requirementLine";
import { UserRequirements } from "../../src/requirements/userRequirements";
import { REAL_TREE } from "../support/realTree";

/** pip's own reading of one file (pip/_internal/req/req_file.py), lines of that file only. */
const PIP_READER = `
import json, re, sys
from pip._internal.req.req_file import parse_requirements, RequirementsFileParseError
from pip._internal.network.session import PipSession
from pip._vendor.packaging.requirements import Requirement
out = {}
for f in sys.argv[1:]:
    reqs, error = [], None
    try:
        for pr in parse_requirements(f, session=PipSession()):
            m = re.search(r"-r (.*) \\(line (\\d+)\\)$", pr.comes_from)
            if m.group(1) != f: continue
            r = Requirement(pr.requirement)
            reqs.append({"line": int(m.group(2)), "name": r.name, "specs": sorted(str(s) for s in r.specifier), "extras": sorted(r.extras), "url": r.url, "marker": str(r.marker) if r.marker else None})
    except RequirementsFileParseError as e:
        # "Invalid requirement: <the line>": pip names the line by its text only.
        text = str(e).splitlines()[0].split(": ", 1)[1]
        error = next(i + 1 for i, l in enumerate(open(f).read().splitlines()) if l.strip() == text.strip())
    out[f] = {"requirements": reqs, "error": error}
print(json.dumps(out))
`;

function pipAvailable(): boolean {
  return spawnSync("python3", ["-c", "import pip._internal.req.req_file"], { stdio: "ignore" }).status === 0;
}

describe("requirement lines (pip's file format, PEP 508 by pip-requirements-js)", () => {
  it("reads names, extras, specifiers, URLs and markers, and writes them back as pip reads them", () => {
    const cases: [string, string][] = [
      ["numpy==1.26.4", "numpy==1.26.4"],
      ["uvicorn[standard] >= 0.23 , <1 ; python_version >= \"3.8\"", 'uvicorn[standard]>=0.23,<1; python_version >= "3.8"'],
      ["foo (>=1.0)", "foo>=1.0"],
      ["pkg @ https://example.org/pkg-1.0.whl", "pkg @ https://example.org/pkg-1.0.whl"],
      ["googletrans==4.0.0-rc1", "googletrans==4.0.0-rc1"],
      ["Foo_Bar.baz~=1.2", "Foo_Bar.baz~=1.2"],
    ];
    assert.deepStrictEqual(
      cases.map(([line]) => {
        const r = parseRequirement(line);
        return "problem" in r ? r.problem : formatRequirement(r);
      }),
      cases.map(([, written]) => written),
    );
    assert.deepStrictEqual(parseRequirement("Foo_Bar.baz~=1.2"), { name: "Foo_Bar.baz", key: "foo-bar-baz", extras: [], specifier: "~=1.2", url: null, marker: null });
    assert.deepStrictEqual(parseRequirement("numpy = 1"), { problem: "not a PEP 508 requirement (Line 1, col 7: expected end of input)" });
  });

  it("handles pip's options, comments and continuation lines, and names the lines it cannot take", () => {
    const text = [
      "# a comment",
      "-r base.txt",
      "--requirement=extra.txt",
      "-c constraints.txt",
      "--index-url https://example.org/simple",
      "--extra-index-url https://download.pytorch.org/whl/cpu",
      "-e ./local_pkg",
      "--pre",
      "numpy==1.26.4 --hash=sha256:0123  # pinned",
      "torch>=2.0,\\",
      "<3",
      "pandas==2.2.1#not a comment without a space",
      "RUN python -m spacy download en_core_web_sm",
      "--frobnicate",
      "requests --pre",
      "--hash=sha256:0123",
      "",
    ].join("\n");
    const parsed = parseRequirementsFile(text);
    assert.deepStrictEqual(
      parsed.requirements.map((r) => [r.line, formatRequirement(r.requirement)]),
      [
        [9, "numpy==1.26.4"],
        [10, "torch>=2.0,<3"],
      ],
    );
    assert.deepStrictEqual(parsed.includes, [
      { line: 2, path: "base.txt", constraint: false },
      { line: 3, path: "extra.txt", constraint: false },
      { line: 4, path: "constraints.txt", constraint: true },
    ]);
    assert.deepStrictEqual(parsed.problems, [
      { line: 12, message: '"pandas==2.2.1#not a comment without a space" is not a PEP 508 requirement (pip reads # as a comment only after a space)' },
      // pip too: "no such option: -m" (break_args_options starts the options at "-m").
      { line: 13, message: "pip does not know the option -m in a requirements file" },
      { line: 14, message: "pip does not know the option --frobnicate in a requirements file" },
      { line: 15, message: "--pre cannot follow a requirement on the same line" },
      { line: 16, message: "--hash belongs after a requirement on the same line" },
    ]);
  });

  it("agrees with pip itself on every requirements file of the user's monorepo", function () {
    if (!pipAvailable()) this.skip();
    this.timeout(120_000);
    const files = new UserRequirements(REAL_TREE).files;
    assert.deepStrictEqual(files, [
      "docker/pc2/requirements.pc2.txt",
      "main_pc_code/requirements.txt",
      "pc2_code/agents/requirements_pc2.txt",
      "pc2_code/docker/requirements.common.txt",
      "pc2_code/docker/requirements.core_infrastructure.txt",
      "pc2_code/docker/requirements.memory_storage.txt",
      "pc2_code/requirements.txt",
      "requirements/audio.txt",
      "requirements/base.txt",
      "requirements/gpu.txt",
    ]);
    const pip = JSON.parse(execFileSync("python3", ["-c", PIP_READER, ...files], { cwd: REAL_TREE, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })) as Record<string, { requirements: { line: number; name: string; specs: string[]; extras: string[]; url: string | null; marker: string | null }[]; error: number | null }>;
    let lines = 0;
    for (const file of files) {
      const ours = parseRequirementsFile(fs.readFileSync(path.join(REAL_TREE, file), "utf8"));
      const expected = pip[file]!;
      // pip stops at the first line it refuses; compare up to there, and that line.
      const firstProblem = ours.problems[0]?.line ?? Infinity;
      assert.deepStrictEqual(
        ours.requirements.filter((r) => r.line < firstProblem).map((r) => ({ line: r.line, name: r.requirement.name, specs: r.requirement.specifier.split(",").filter((s) => s !== "").sort(), extras: [...r.requirement.extras].sort(), url: r.requirement.url, marker: r.requirement.marker })),
        expected.requirements,
        file,
      );
      assert.strictEqual(expected.error, Number.isFinite(firstProblem) ? firstProblem : null, file);
      lines += ours.requirements.length;
    }
    assert.strictEqual(lines, 250);
  });

  it("gives each group of the user's monorepo the versions of the nearest of its files, and warns about the lines pip refuses", () => {
    const user = new UserRequirements(REAL_TREE);
    assert.deepStrictEqual(user.findings.map((f) => `${f.file}:${f.line} ${f.code}`), [
      "docker/pc2/requirements.pc2.txt:1 invalid-requirement",
      "pc2_code/docker/requirements.memory_storage.txt:27 invalid-requirement",
    ]);
    const versions = (script: string) => {
      const { constraints, conflicts } = user.constraintsFor([script]);
      assert.strictEqual(conflicts.size, 0);
      return ["numpy", "pillow", "pyzmq", "torch"].map((k) => `${k}${constraints.get(k)?.requirement.specifier} ${constraints.get(k)?.file}:${constraints.get(k)?.line}`);
    };
    assert.deepStrictEqual(versions("main_pc_code/agents/streaming_tts_agent.py"), [
      "numpy>=1.24.0 main_pc_code/requirements.txt:5",
      "pillow==10.0.1 main_pc_code/requirements.txt:78",
      "pyzmq==25.1.2 main_pc_code/requirements.txt:4",
      "torch>=2.0.0 main_pc_code/requirements.txt:6",
    ]);
    assert.deepStrictEqual(versions("pc2_code/agents/tutor_agent.py"), [
      "numpy==1.26.4 pc2_code/agents/requirements_pc2.txt:3",
      "pillow>=10.0.0 requirements/gpu.txt:21",
      "pyzmq==25.1.2 pc2_code/agents/requirements_pc2.txt:2",
      "torch==2.2.1 pc2_code/agents/requirements_pc2.txt:12",
    ]);
    assert.deepStrictEqual(versions("phase1_implementation/x.py"), [
      "numpy>=1.24.0 requirements/base.txt:12",
      "pillow>=10.0.0 requirements/gpu.txt:21",
      "pyzmq>=25.0.0 requirements/base.txt:17",
      "torch>=2.0.0 requirements/gpu.txt:5",
    ]);
    // Scripts of both trees in one group: equally near files disagree, said per distribution.
    const mixed = user.constraintsFor(["main_pc_code/a.py", "pc2_code/b.py"]).conflicts;
    assert.strictEqual(mixed.get("numpy")?.message, "numpy==1.26.4 here and numpy>=1.24.0 in main_pc_code/requirements.txt:5 apply to the same code; main_pc_code/requirements.txt wins (first by path); pin it in docker_defaults.requirements.pins to decide");
  });
});
