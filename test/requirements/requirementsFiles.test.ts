import * as assert from "assert";
import { compareDistributions, groupRequirements, GroupRequirements } from "../../src/requirements/groupRequirements";
import { ImportScan } from "../../src/requirements/importScanner";
import { baseDistributions, GENERATED_HEADER, requirementsFiles } from "../../src/requirements/requirementsFiles";
import { fakeContainer } from "./fakeContainer";

/** A scan result: module -> only reached as a fallback. */
function scanOf(thirdParty: Record<string, boolean>, foundAgents: string[]): ImportScan {
  return { thirdParty: new Map(Object.entries(thirdParty)), files: [], foundAgents, warnings: [] };
}

/** A group whose lines are its distributions without versions (unmapped ones commented out, as groupRequirements writes them). */
function group(name: string, distributions: string[], options: Partial<GroupRequirements> = {}): GroupRequirements {
  const unmapped = new Set(options.unmapped ?? []);
  const lines = distributions.map((d) => (unmapped.has(d) ? `# ${d}  # unmapped import name: not installed; map it to its distribution (docker_defaults.requirements.map), exclude it, or make it local code` : d));
  return { group: name, machine: "mainpc", gpu: false, agents: [{ name: "A", scriptPath: "a.py", found: true }], distributions, lines, unmapped: [], excluded: [], optional: [], systemPackages: [], ...options };
}

describe("group requirements", () => {
  it("maps modules to distributions once each, keeps fallback-only ones apart and flags unmapped names", () => {
    const container = fakeContainer("vision-gpu", { Zeta: "agents/zeta.py", Alpha: "agents/alpha.py" }, { gpu: true });
    const result = groupRequirements(
      container,
      scanOf(
        {
          cv2: false,
          "cv2.dnn": false,
          "sklearn.cluster.KMeans": false,
          onnxruntime: false,
          yaml: false,
          "mystery_lib.core": false,
          simplejson: true,
          "yaml.constructor": true,
          soundfile: true,
        },
        ["Alpha"],
      ),
    );
    assert.deepStrictEqual(result, {
      group: "vision-gpu",
      machine: "mainpc",
      gpu: true,
      agents: [
        { name: "Alpha", scriptPath: "agents/alpha.py", found: true },
        { name: "Zeta", scriptPath: "agents/zeta.py", found: false },
      ],
      distributions: ["mystery_lib", "onnxruntime-gpu", "opencv-python-headless", "PyYAML", "scikit-learn"],
      lines: [
        "# mystery_lib  # unmapped import name: not installed; map it to its distribution (docker_defaults.requirements.map), exclude it, or make it local code",
        "onnxruntime-gpu",
        "opencv-python-headless",
        "PyYAML",
        "scikit-learn",
      ],
      unmapped: ["mystery_lib"],
      excluded: [],
      optional: ["simplejson", "soundfile"],
      // soundfile is only a fallback: no libsndfile1
      systemPackages: ["libgl1", "libglib2.0-0"],
    });
  });

  it("sorts distributions case-insensitively, treating - _ . alike, like pip-compile", () => {
    assert.deepStrictEqual(["pyzmq", "PyYAML", "Pillow", "aiohttp", "py_cpuinfo", "py-cpuinfo", "TTS"].sort(compareDistributions), ["aiohttp", "Pillow", "py-cpuinfo", "py_cpuinfo", "PyYAML", "pyzmq", "TTS"]);
  });
});

describe("requirements files", () => {
  it("puts the intersection of every group with a scanned script into base.txt", () => {
    const groups = [
      group("a", ["numpy", "PyYAML", "pyzmq", "redis"]),
      group("b", ["PyYAML", "pyzmq", "torch"]),
      group("c", ["numpy", "PyYAML", "pyzmq"]),
      // No script found: its requirements are unknown, not empty, so it does not empty the base.
      group("d", [], { agents: [{ name: "D", scriptPath: "d.py", found: false }] }),
    ];
    assert.deepStrictEqual(baseDistributions(groups), ["PyYAML", "pyzmq"]);
    assert.deepStrictEqual(baseDistributions([group("d", [], { agents: [{ name: "D", scriptPath: "d.py", found: false }] })]), []);
    assert.deepStrictEqual(baseDistributions([]), []);
  });

  it("writes base.txt, each group's file after -r base.txt, and its system packages, byte for byte", () => {
    const files = requirementsFiles([
      group("vision", ["numpy", "opencv-python-headless", "PyYAML", "weird_lib"], {
        gpu: true,
        agents: [
          { name: "Eye", scriptPath: "agents/eye.py", found: true },
          { name: "LongerName", scriptPath: "agents/gone.py", found: false },
        ],
        unmapped: ["weird_lib"],
        optional: ["simplejson"],
        systemPackages: ["libgl1", "libglib2.0-0"],
      }),
      group("core", ["numpy", "PyYAML"], { machine: "pc2" }),
    ]);
    assert.deepStrictEqual([...files.keys()], ["base.txt", "core.system.txt", "core.txt", "vision.system.txt", "vision.txt"]);
    assert.strictEqual(
      files.get("base.txt"),
      [
        GENERATED_HEADER,
        "# Shared by every docker group whose scripts were found (the intersection of their requirements):",
        "#   core (pc2)",
        "#   vision (mainpc)",
        "numpy",
        "PyYAML",
        "",
      ].join("\n"),
    );
    assert.strictEqual(
      files.get("vision.txt"),
      [
        GENERATED_HEADER,
        "# Docker group vision on mainpc (GPU image), from the imports of:",
        "#   Eye         agents/eye.py",
        "#   LongerName  agents/gone.py  (missing: not scanned)",
        "# Not installed, only imported as ImportError fallbacks: simplejson",
        "-r base.txt",
        "opencv-python-headless",
        "# weird_lib  # unmapped import name: not installed; map it to its distribution (docker_defaults.requirements.map), exclude it, or make it local code",
        "",
      ].join("\n"),
    );
    assert.strictEqual(
      files.get("core.txt"),
      [GENERATED_HEADER, "# Docker group core on pc2 (CPU image), from the imports of:", "#   A  a.py", "-r base.txt", ""].join("\n"),
    );
    assert.strictEqual(
      files.get("vision.system.txt"),
      [
        GENERATED_HEADER,
        "# apt packages for docker group vision, from its imports (table: src/requirements/systemPackages.ts).",
        "# Pass them space-separated as the image's SYSTEM_PACKAGES build argument.",
        "libgl1",
        "libglib2.0-0",
        "",
      ].join("\n"),
    );
  });

  it("says so when no script of a group was found", () => {
    const files = requirementsFiles([group("ghosts", [], { agents: [{ name: "G", scriptPath: "g.py", found: false }] })]);
    assert.strictEqual(
      files.get("ghosts.txt"),
      [
        GENERATED_HEADER,
        "# Docker group ghosts on mainpc (CPU image), from the imports of:",
        "#   G  g.py  (missing: not scanned)",
        "# No script of this group was found: its requirements are unknown.",
        "-r base.txt",
        "",
      ].join("\n"),
    );
    assert.match(files.get("base.txt")!, /^# {3}ghosts \(mainpc\) - not counted: no script found$/m);
  });
});
