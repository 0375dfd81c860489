import * as assert from "assert";
import { buildArgsPart, HASH_SCHEME, HashedPart, imageContentHash } from "../../src/images/contentHash";
import { buildGroupImage, BuildImageSettings, imageBuildArgs, parseSystemPackages } from "../../src/images/groupImage";

const TEMPLATE: HashedPart = { kind: "template", name: "docker/Dockerfile.cpu", content: "FROM python:3.11-slim-bookworm\n" };
const CODE: HashedPart = { kind: "code", name: "agents/a.py", content: "import zmq\n" };
const BUILD: BuildImageSettings = { mode: "build", torchVersion: "2.5.1", torchIndexUrl: "https://download.pytorch.org/whl/cu121", buildTimeoutMinutes: 60 };

describe("images/contentHash (pure)", () => {
  it("is sha256 over the parts sorted by kind and name, each framed by kind, name and byte length", () => {
    // The same value from an independent Python implementation of the framing (sha256 of the
    // scheme line, then kind NUL name NUL length NUL bytes NUL per part, sorted by kind, name).
    assert.strictEqual(HASH_SCHEME, "ai-system agent-group image content v1");
    assert.strictEqual(imageContentHash([TEMPLATE, CODE]), "18dd8173f3bc0d71e8fa523177447aa741adb3107fb6beff14760828a73f0c94");
    assert.strictEqual(imageContentHash([CODE, TEMPLATE]), imageContentHash([TEMPLATE, CODE]));
    assert.strictEqual(imageContentHash([{ ...CODE, content: Buffer.from("import zmq\n") }]), imageContentHash([CODE]));
  });

  it("changes with any byte, any name, any kind, and with parts added; never by moving bytes between parts", () => {
    const base = imageContentHash([TEMPLATE, CODE]);
    const variants = [
      [TEMPLATE, { ...CODE, content: "import zmq \n" }],
      [TEMPLATE, { ...CODE, name: "agents/b.py" }],
      [TEMPLATE, { ...CODE, kind: "launcher" as const }],
      [TEMPLATE, CODE, { kind: "dockerignore" as const, name: ".dockerignore", content: "" }],
      [TEMPLATE],
    ].map(imageContentHash);
    assert.strictEqual(new Set([base, ...variants]).size, variants.length + 1);
    const split = (a: string, b: string) =>
      imageContentHash([
        { kind: "code", name: "x.py", content: a },
        { kind: "code", name: "y.py", content: b },
      ]);
    assert.notStrictEqual(split("ab", "c"), split("a", "bc"));
  });

  it("refuses the same part twice", () => {
    assert.throws(() => imageContentHash([CODE, { ...CODE, content: "other" }]), /image content part code:agents\/a.py is given twice/);
  });

  it("hashes the build arguments as one canonical part, whatever their order", () => {
    assert.deepStrictEqual(buildArgsPart({ SYSTEM_PACKAGES: "", REQUIREMENTS: "requirements/core.txt" }), {
      kind: "build-args",
      name: "args",
      content: '[["REQUIREMENTS","requirements/core.txt"],["SYSTEM_PACKAGES",""]]',
    });
  });
});

describe("images/groupImage (pure)", () => {
  it("reads apt packages from a system file: comments and blank lines skipped, anything else refused", () => {
    assert.deepStrictEqual(parseSystemPackages("# header\n\nlibsndfile1\n  portaudio19-dev  \nlibgl1=1.7.0-1\nfoo; rm -rf /\nUpper\n"), {
      packages: ["libsndfile1", "portaudio19-dev", "libgl1=1.7.0-1"],
      invalid: ["foo; rm -rf /", "Upper"],
    });
  });

  it("gives CPU images REQUIREMENTS and SYSTEM_PACKAGES, and GPU images the PyTorch arguments too", () => {
    assert.deepStrictEqual(imageBuildArgs("core", "cpu", ["libsndfile1", "ffmpeg"], BUILD), {
      REQUIREMENTS: "ai-system-build/requirements/core.txt",
      SYSTEM_PACKAGES: "libsndfile1 ffmpeg",
    });
    assert.deepStrictEqual(imageBuildArgs("vision-gpu", "gpu", [], { ...BUILD, torchVersion: "" }), {
      REQUIREMENTS: "ai-system-build/requirements/vision-gpu.txt",
      SYSTEM_PACKAGES: "",
      TORCH_INDEX_URL: "https://download.pytorch.org/whl/cu121",
      TORCH_VERSION: "",
    });
  });

  it("tags a built image with the first 16 digits of its hash, which covers its build arguments too", () => {
    const input = {
      group: "vision-gpu",
      template: "gpu" as const,
      context: "/srv/monorepo",
      dockerfile: "/srv/infra/docker/Dockerfile.gpu",
      parts: [{ ...TEMPLATE, name: "docker/Dockerfile.gpu" }, CODE],
      systemPackages: ["libgl1"],
      torchPin: null,
    };
    const image = buildGroupImage(input, BUILD);
    assert.ok(image.build !== null);
    assert.match(image.build.contentHash, /^[0-9a-f]{64}$/);
    assert.strictEqual(image.reference, `ai-system-vision-gpu:${image.build.contentHash.slice(0, 16)}`);
    assert.deepStrictEqual(image.build.hashed, ["build-args:args", "code:agents/a.py", "template:docker/Dockerfile.gpu"]);
    assert.deepStrictEqual(image.build.labels, { "ai-system.content-hash": image.build.contentHash, "ai-system.group": "vision-gpu" });
    assert.strictEqual(image.build.timeoutMinutes, 60);
    // Another PyTorch version is another image; the build timeout is not content.
    assert.notStrictEqual(buildGroupImage(input, { ...BUILD, torchVersion: "2.4.1" }).reference, image.reference);
    assert.strictEqual(buildGroupImage(input, { ...BUILD, buildTimeoutMinutes: 90 }).reference, image.reference);
    assert.notStrictEqual(buildGroupImage({ ...input, systemPackages: [] }, BUILD).reference, image.reference);
    // An exact torch pin of the requirements decides the version the GPU image installs first.
    assert.strictEqual(buildGroupImage({ ...input, torchPin: "2.2.1" }, BUILD).build?.buildArgs.TORCH_VERSION, "2.2.1");
    assert.strictEqual(image.build.buildArgs.TORCH_VERSION, BUILD.torchVersion);
  });
});
