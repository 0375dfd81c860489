import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { formatFinding } from "../../src/config/finding";
import { loadEffectiveConfig } from "../../src/config/loadEffectiveConfig";
import { readImageInputs, resolveGroupImages } from "../../src/images";
import { GENERATED_HEADER } from "../../src/requirements/requirementsFiles";
import { buildableRoot, DOCKER, generateRequirementsInto, planOf, removeConfigRoot, writeFile } from "../images/imageFixture";

const SETTINGS = (pins: string) => [
  "docker_defaults:",
  "  requirements:",
  `    pins: {${pins}}`,
  "    exclude: [soundfile]",
  "    extra: [sentencepiece]",
  "    map: {cv2: opencv-contrib-python-headless}",
  "    machines:",
  "      mainpc: {pins: {pyzmq: '==25.1.2'}}",
  "    groups:",
  "      core: {extra: [soundfile], pins: {redis: '>=5,<6'}}",
  "",
].join("\n");

/** The user's own files: the root's requirements/ speaks for the whole tree, main_pc_code/'s for its code. */
const USER_FILES = {
  "requirements/base.txt": "# shared\npyzmq>=25.0.0\nPyYAML>=6.0\nredis\n",
  "main_pc_code/requirements.txt": "redis==5.0.1\ntorch==2.2.1\nopencv-python-headless==4.8.1.78\npytest>=7.0.0\n",
};

describe("docker_defaults.requirements and the user's requirements files", function () {
  this.timeout(60_000);
  const roots: string[] = [];
  const root = (pins = "PyYAML: '6.0.1'") => {
    const r = buildableRoot({ generate: false, extra: { ...USER_FILES, "config/overrides/docker.yaml": DOCKER + SETTINGS(pins) } });
    roots.push(r);
    generateRequirementsInto(r);
    return r;
  };
  after(() => roots.forEach(removeConfigRoot));
  const read = (r: string, name: string) => fs.readFileSync(path.join(r, "ai-system-build", "requirements", name), "utf8");

  it("writes each version from the group's pin, its machine's, the defaults', then the nearest user file, and names where it came from", () => {
    const r = root();
    assert.strictEqual(read(r, "base.txt"), `${GENERATED_HEADER}
# Shared by every docker group whose scripts were found (the intersection of their requirements):
#   core (mainpc)
#   pc2-stack (pc2)
#   vision-gpu (mainpc)
sentencepiece  # extra in config/overrides/docker.yaml
`);
    // The group's extra undoes the defaults' exclude of soundfile; its redis pin wins over main_pc_code/requirements.txt.
    assert.strictEqual(read(r, "core.txt"), `${GENERATED_HEADER}
# Docker group core on mainpc (CPU image), from the imports of:
#   Alpha  main_pc_code/agents/alpha.py
#   Beta   main_pc_code/agents/beta.py
-r base.txt
PyYAML==6.0.1  # pinned in config/overrides/docker.yaml
pyzmq==25.1.2  # pinned in config/overrides/docker.yaml
redis>=5,<6  # pinned in config/overrides/docker.yaml
soundfile  # extra in config/overrides/docker.yaml
`);
    // torch from main_pc_code/requirements.txt (nearer than requirements/); cv2 mapped, so opencv-python-headless's pin does not apply; pytest is never added.
    assert.strictEqual(read(r, "vision-gpu.txt"), `${GENERATED_HEADER}
# Docker group vision-gpu on mainpc (GPU image), from the imports of:
#   Gamma  main_pc_code/agents/gamma.py
-r base.txt
opencv-contrib-python-headless
PyYAML==6.0.1  # pinned in config/overrides/docker.yaml
pyzmq==25.1.2  # pinned in config/overrides/docker.yaml
torch==2.2.1  # version from main_pc_code/requirements.txt
`);
    // pc2 has no machine pin for pyzmq: the root's requirements/base.txt gives it.
    assert.strictEqual(read(r, "pc2-stack.txt"), `${GENERATED_HEADER}
# Docker group pc2-stack on pc2 (CPU image), from the imports of:
#   Remote  pc2_code/agents/remote.py
-r base.txt
pyzmq>=25.0.0  # version from requirements/base.txt
`);
    // The GPU image installs the pinned torch first (TORCH_VERSION), so pip has nothing to reconcile.
    const outcome = resolveGroupImages({ plan: planOf(r), configRoot: r, images: { mode: "build", torchVersion: "2.5.1", torchIndexUrl: "https://download.pytorch.org/whl/cu121", buildTimeoutMinutes: 60 }, env: {} });
    assert.ok(outcome.ok);
    assert.deepStrictEqual(outcome.images.map((i) => [i.key, i.build?.buildArgs.TORCH_VERSION ?? null]), [["core", null], ["vision-gpu", "2.2.1"]]);
  });

  it("calls the generated files stale only when their content would change, not when the settings were edited", () => {
    const r = root();
    const rewrite = (pins: string) => writeFile(r, "config/overrides/docker.yaml", DOCKER + SETTINGS(pins));
    // A pin of a distribution no group installs, and a reordered map: the content is the same.
    rewrite("flask: '==2.3.3', PyYAML: '6.0.1'");
    assert.deepStrictEqual(readImageInputs({ plan: planOf(r), configRoot: r, env: {} }).problems.map(formatFinding), []);
    rewrite("PyYAML: '==6.0.2'");
    assert.deepStrictEqual(readImageInputs({ plan: planOf(r), configRoot: r, env: {} }).problems.map(formatFinding), [
      "ERROR [stale-requirements] ai-system-build/requirements/core.txt:1: ai-system-build/requirements/core.txt is out of date: the agents' imports or the docker groups changed since it was generated; run `npm run requirements -- --config-root " + r + "` again",
      "ERROR [stale-requirements] ai-system-build/requirements/vision-gpu.txt:1: ai-system-build/requirements/vision-gpu.txt is out of date: the agents' imports or the docker groups changed since it was generated; run `npm run requirements -- --config-root " + r + "` again",
    ]);
  });

  it("refuses bad entries with the file and line of each, before anything is generated", () => {
    const findingsOf = (lines: string[]) => {
      const r = buildableRoot({ generate: false, extra: { "config/overrides/docker.yaml": [DOCKER.trimEnd(), "docker_defaults:", "  requirements:", ...lines, ""].join("\n") } });
      roots.push(r);
      return loadEffectiveConfig({ configRoot: r, machine: "mainpc", env: {}, override: "docker" }).findings.map(formatFinding);
    };
    // The shape first (a version YAML reads as a number would lose its trailing zeros) ...
    assert.deepStrictEqual(findingsOf(["    pins: {torch: 2.1}", "    machines: {pc3: {}}"]), [
      "ERROR [invalid-value] config/overrides/docker.yaml:9: docker_defaults.requirements: pins.torch is invalid (expected string, received number); fix this value",
      "ERROR [invalid-value] config/overrides/docker.yaml:10: docker_defaults.requirements: unknown key machines.pc3; remove it or fix its spelling",
    ]);
    // ... then every entry, each at its own line.
    assert.deepStrictEqual(
      findingsOf([
        "    pins: {numpy: '>>1', torch: '2.2.1'}",
        "    exclude: ['not a name']",
        "    extra: ['RUN pip install x', ok-pkg]",
        "    map: {'9bad': numpy}",
        "    groups:",
        "      nowhere: {exclude: [x], extra: [x]}",
      ]),
      [
        'ERROR [invalid-requirement] config/overrides/docker.yaml:9: docker_defaults.requirements.pins.numpy: "numpy>>1" is not a PEP 508 requirement (Line 1, col 7: expected "!", "+", "*", ".", "_", "-", or an alpha-numeric character); write a version ("1.26.4") or a specifier (">=1.24,<2")',
        'ERROR [invalid-requirement] config/overrides/docker.yaml:10: docker_defaults.requirements.exclude: "not a name" is not a distribution name; list names only, e.g. [pytest, win32com]',
        'ERROR [invalid-requirement] config/overrides/docker.yaml:11: docker_defaults.requirements.extra: "RUN pip install x" is not a PEP 508 requirement (Line 1, col 5: expected end of input); write one PEP 508 requirement, e.g. "sentencepiece==0.1.99"',
        "ERROR [invalid-requirement] config/overrides/docker.yaml:12: docker_defaults.requirements.map.9bad: map an import name (a dotted Python name) to a distribution name, e.g. {cv2: opencv-python-headless}",
        "ERROR [invalid-requirement] config/overrides/docker.yaml:14: docker_defaults.requirements.groups.nowhere: x is both excluded and in extra at the same level; keep one",
        "WARNING [unknown-group] config/overrides/docker.yaml:14: docker_defaults.requirements.groups.nowhere names no group of docker_groups (mainpc or pc2); its settings apply to nothing; fix the name",
      ],
    );
  });
});
