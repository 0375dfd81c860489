import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { runRequirementsCommand } from "../../src/cli/requirementsCommand";
import { formatFinding } from "../../src/config/finding";
import { buildGroupImage, BuildImageSettings, GroupImagesOutcome, imageRefusal, readImageInputs, resolveGroupImages, templateFile } from "../../src/images";
import { ImageSettings } from "../../src/render";
import { GroupImageSpec } from "../../src/render/spec";
import { buildableRoot, generateRequirementsInto, planOf, removeConfigRoot, writeFile } from "./imageFixture";

const BUILD_SETTINGS: BuildImageSettings = { mode: "build", torchVersion: "2.5.1", torchIndexUrl: "https://download.pytorch.org/whl/cu121", buildTimeoutMinutes: 60 };
const BUILD: ImageSettings = BUILD_SETTINGS;

function resolve(root: string, machine: "mainpc" | "pc2" = "mainpc", images: ImageSettings = BUILD): GroupImagesOutcome {
  return resolveGroupImages({ plan: planOf(root, machine), configRoot: root, images, env: {} });
}

function images(root: string, machine: "mainpc" | "pc2" = "mainpc"): Record<string, GroupImageSpec> {
  const outcome = resolve(root, machine);
  assert.ok(outcome.ok, outcome.ok ? "" : outcome.problems.map(formatFinding).join("\n"));
  return Object.fromEntries(outcome.images.map((i) => [i.key, i]));
}

const tagOf = (image: GroupImageSpec) => image.reference.slice(image.reference.indexOf(":") + 1);

describe("images/resolveGroupImages: build mode on a generated build context", function () {
  this.timeout(20_000);
  const roots: string[] = [];
  const root = (options?: Parameters<typeof buildableRoot>[0]) => {
    const r = buildableRoot(options);
    roots.push(r);
    return r;
  };
  after(() => roots.forEach(removeConfigRoot));

  it("builds one image per group from the config root, with the template of its GPU request and the documented build arguments", () => {
    const r = root();
    const byGroup = images(r);
    assert.deepStrictEqual(Object.keys(byGroup), ["core", "vision-gpu"]);
    const core = byGroup.core!;
    const gpu = byGroup["vision-gpu"]!;
    assert.ok(core.build !== null && gpu.build !== null);
    assert.deepStrictEqual(
      { context: core.build.context, dockerfile: core.build.dockerfile, template: core.build.template, buildArgs: core.build.buildArgs },
      {
        context: r,
        dockerfile: templateFile("cpu"),
        template: "cpu",
        // soundfile (Alpha) needs libsndfile1 (ai-system-build/requirements/core.system.txt)
        buildArgs: { REQUIREMENTS: "ai-system-build/requirements/core.txt", SYSTEM_PACKAGES: "libsndfile1" },
      },
    );
    assert.deepStrictEqual(
      { context: gpu.build.context, dockerfile: gpu.build.dockerfile, template: gpu.build.template, buildArgs: gpu.build.buildArgs },
      {
        context: r,
        dockerfile: templateFile("gpu"),
        template: "gpu",
        buildArgs: {
          REQUIREMENTS: "ai-system-build/requirements/vision-gpu.txt",
          // cv2 (Gamma) needs libGL and glib
          SYSTEM_PACKAGES: "libgl1 libglib2.0-0",
          TORCH_INDEX_URL: "https://download.pytorch.org/whl/cu121",
          TORCH_VERSION: "2.5.1",
        },
      },
    );
    assert.strictEqual(path.basename(gpu.build.dockerfile), "Dockerfile.gpu");
    for (const image of [core, gpu]) {
      assert.match(image.reference, new RegExp(`^ai-system-${image.key}:[0-9a-f]{16}$`));
      assert.strictEqual(tagOf(image), image.build!.contentHash.slice(0, 16));
    }
  });

  it("hashes exactly the template, the requirements, the launcher, .dockerignore, the build arguments and the code each group runs", () => {
    const byGroup = images(root());
    assert.deepStrictEqual(byGroup.core!.build!.hashed, [
      "build-args:args",
      "code:common/base_agent.py",
      "code:main_pc_code/__init__.py",
      "code:main_pc_code/agents/__init__.py",
      "code:main_pc_code/agents/alpha.py",
      "code:main_pc_code/agents/beta.py",
      "dockerignore:.dockerignore",
      "launcher:ai-system-build/requirements/group_launcher.py",
      "requirements:ai-system-build/requirements/base.txt",
      "requirements:ai-system-build/requirements/core.system.txt",
      "requirements:ai-system-build/requirements/core.txt",
      "template:docker/Dockerfile.cpu",
    ]);
    assert.deepStrictEqual(
      byGroup["vision-gpu"]!.build!.hashed.filter((h) => h.startsWith("code:") || h.startsWith("template:")),
      [
        "code:common/base_agent.py",
        "code:common/gpu_utils.py",
        "code:main_pc_code/__init__.py",
        "code:main_pc_code/agents/__init__.py",
        "code:main_pc_code/agents/gamma.py",
        "template:docker/Dockerfile.gpu",
      ],
    );
  });

  it("is deterministic, and independent of where the checkout is", () => {
    const a = images(root());
    const b = images(root());
    assert.deepStrictEqual(
      Object.values(a).map((i) => i.reference),
      Object.values(b).map((i) => i.reference),
    );
  });

  it("changes only the group whose requirements change, and nothing for code no group runs", () => {
    const r = root();
    const before = { ...images(r), ...images(r, "pc2") };
    // Alpha (core) starts to use requests: core.txt gains it; base.txt (shared by all) does not.
    writeFile(r, "main_pc_code/agents/alpha.py", "from common.base_agent import BaseAgent\nimport redis\nimport requests\n");
    writeFile(r, "tools/unrelated.py", "import pandas\nimport scipy\n");
    generateRequirementsInto(r);
    assert.match(fs.readFileSync(path.join(r, "ai-system-build", "requirements", "core.txt"), "utf8"), /^requests$/m);
    const after = { ...images(r), ...images(r, "pc2") };
    assert.notStrictEqual(after.core!.reference, before.core!.reference);
    assert.strictEqual(after["vision-gpu"]!.reference, before["vision-gpu"]!.reference);
    assert.strictEqual(after["pc2-stack"]!.reference, before["pc2-stack"]!.reference);
  });

  it("gives each group's hash only its own requirements files: a different core.txt changes core's hash alone", () => {
    const r = root();
    const read = readImageInputs({ plan: planOf(r), configRoot: r, env: {} });
    assert.deepStrictEqual(read.problems, []);
    const [core, gpu] = read.inputs;
    assert.deepStrictEqual([core!.group, gpu!.group], ["core", "vision-gpu"]);
    assert.ok(!gpu!.parts.some((p) => p.name.startsWith("ai-system-build/requirements/core")));
    const edited = { ...core!, parts: core!.parts.map((p) => (p.name === "ai-system-build/requirements/core.txt" ? { ...p, content: `${p.content.toString()}numpy\n` } : p)) };
    assert.notStrictEqual(buildGroupImage(edited, BUILD_SETTINGS).reference, buildGroupImage(core!, BUILD_SETTINGS).reference);
    assert.strictEqual(buildGroupImage(gpu!, BUILD_SETTINGS).reference, images(r)["vision-gpu"]!.reference);
  });

  it("changes every group that runs a shared module when it changes, and only those", () => {
    const r = root();
    const before = images(r);
    writeFile(r, "common/gpu_utils.py", "import torch\n\ndef pick_device():\n    return 0\n");
    const after = images(r);
    assert.strictEqual(after.core!.reference, before.core!.reference);
    assert.notStrictEqual(after["vision-gpu"]!.reference, before["vision-gpu"]!.reference);
  });

  it("refuses to build without generated requirements, naming each missing file and the command to run", () => {
    const r = root({ generate: false });
    const outcome = resolve(r);
    assert.ok(!outcome.ok);
    const hint = `run \`npm run requirements -- --config-root ${r}\` first`;
    assert.deepStrictEqual(outcome.problems.map(formatFinding), [
      `ERROR [missing-requirements] ai-system-build/requirements/base.txt:1: the generated ai-system-build/requirements/base.txt does not exist in the build context ${r}; ${hint}`,
      `ERROR [missing-requirements] ai-system-build/requirements/core.system.txt:1: the generated ai-system-build/requirements/core.system.txt does not exist in the build context ${r}; ${hint}`,
      `ERROR [missing-requirements] ai-system-build/requirements/core.txt:1: the generated ai-system-build/requirements/core.txt does not exist in the build context ${r}; ${hint}`,
      `ERROR [missing-requirements] ai-system-build/requirements/group_launcher.py:1: the generated ai-system-build/requirements/group_launcher.py does not exist in the build context ${r}; ${hint}`,
      `ERROR [missing-requirements] ai-system-build/requirements/vision-gpu.system.txt:1: the generated ai-system-build/requirements/vision-gpu.system.txt does not exist in the build context ${r}; ${hint}`,
      `ERROR [missing-requirements] ai-system-build/requirements/vision-gpu.txt:1: the generated ai-system-build/requirements/vision-gpu.txt does not exist in the build context ${r}; ${hint}`,
    ]);
    assert.strictEqual(
      imageRefusal("mainpc", r, outcome.problems).split("\n")[0],
      `The mainpc images cannot be built from ${r}; nothing was deployed. Fix these (usually: npm run requirements -- --config-root ${r}) and run again, or set imageMode to prebuilt:`,
    );
  });

  it("refuses out-of-date requirements, a foreign launcher, a system line apt would not take, no .dockerignore and a missing script", () => {
    const r = root();
    writeFile(r, "ai-system-build/requirements/core.txt", fs.readFileSync(path.join(r, "ai-system-build", "requirements", "core.txt"), "utf8") + "numpy\n");
    writeFile(r, "ai-system-build/requirements/vision-gpu.system.txt", fs.readFileSync(path.join(r, "ai-system-build", "requirements", "vision-gpu.system.txt"), "utf8") + "libgl1; curl evil\n");
    writeFile(r, "ai-system-build/requirements/group_launcher.py", "print('not the launcher')\n");
    fs.rmSync(path.join(r, ".dockerignore"));
    fs.rmSync(path.join(r, "main_pc_code", "agents", "beta.py"));
    const outcome = resolve(r);
    assert.ok(!outcome.ok);
    const again = `run \`npm run requirements -- --config-root ${r}\` again`;
    assert.deepStrictEqual(outcome.problems.map(formatFinding), [
      `ERROR [missing-dockerignore] .dockerignore:1: ${r} has no .dockerignore: every image would take .git, runtime data and secret files such as .env from the build context; copy docker/.dockerignore of ai-system-infra there`,
      `ERROR [stale-requirements] ai-system-build/requirements/core.txt:1: ai-system-build/requirements/core.txt is out of date: the agents' imports or the docker groups changed since it was generated; ${again}`,
      `ERROR [stale-requirements] ai-system-build/requirements/group_launcher.py:1: ai-system-build/requirements/group_launcher.py is not this project's launcher/group_launcher.py (the images would run another launcher than the containers are configured for); ${again}`,
      `ERROR [invalid-system-package] ai-system-build/requirements/vision-gpu.system.txt:1: "libgl1; curl evil" is not an apt package name; the SYSTEM_PACKAGES build argument takes package names only (${again})`,
      `ERROR [stale-requirements] ai-system-build/requirements/vision-gpu.system.txt:1: ai-system-build/requirements/vision-gpu.system.txt is out of date: the agents' imports or the docker groups changed since it was generated; ${again}`,
      `ERROR [missing-script] config/startup_config.v3.yaml:7: Beta's script_path main_pc_code/agents/beta.py is not a file under ${r}: the launcher could not start it and core could never turn healthy`,
    ]);
  });

  it("accepts requirements generated for this machine alone (npm run requirements -- --machine mainpc)", () => {
    const r = root();
    const both = images(r);
    const baseOfBoth = fs.readFileSync(path.join(r, "ai-system-build", "requirements", "base.txt"), "utf8");
    fs.rmSync(path.join(r, "ai-system-build"), { recursive: true });
    assert.strictEqual(runRequirementsCommand(["--config-root", r, "--machine", "mainpc"], {}).exitCode, 0);
    // pc2's Remote imports only zmq, so mainpc's groups alone share more (PyYAML too).
    assert.notStrictEqual(fs.readFileSync(path.join(r, "ai-system-build", "requirements", "base.txt"), "utf8"), baseOfBoth);
    const mainpcOnly = images(r);
    assert.deepStrictEqual(Object.keys(mainpcOnly), Object.keys(both));
    assert.notStrictEqual(mainpcOnly.core!.reference, both.core!.reference);
  });

  it("prebuilt: names [registry/]ai-system-<group>:<tag> and reads nothing (the config root need not exist)", () => {
    const r = root({ generate: false });
    const plan = planOf(r);
    const prebuilt = (registry: string) =>
      resolveGroupImages({ plan, configRoot: "/nonexistent", images: { mode: "prebuilt", registry, tag: "v3", digests: {}, registryUser: "" }, env: {} });
    assert.deepStrictEqual(prebuilt("registry.lan:5000/ai"), {
      ok: true,
      images: [
        { key: "core", reference: "registry.lan:5000/ai/ai-system-core:v3", build: null },
        { key: "vision-gpu", reference: "registry.lan:5000/ai/ai-system-vision-gpu:v3", build: null },
      ],
    });
    const plain = prebuilt("");
    assert.ok(plain.ok);
    assert.deepStrictEqual(plain.images.map((i) => i.reference), ["ai-system-core:v3", "ai-system-vision-gpu:v3"]);
  });
});
