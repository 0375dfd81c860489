/**
 * The agent groups' images under mocks, from a buildable monorepo (config, code, generated
 * requirements): what is built, from which template with which arguments, what each container
 * runs, and that prebuilt mode builds nothing.
 */
import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { groupImageArgs, groupImageOptions, MachineStack } from "../../components";
import { deployMachine } from "../../src/program/deployMachine";
import { StackSettings } from "../../src/program/stackSettings";
import { mockPulumi, MockedRun, Registration } from "../support/pulumiMocks";
import { renderedSpec, renderRefusals } from "../support/renderedSpec";
import { samplePlan, sampleSettings } from "../support/samplePlan";
import { PROJECT_ROOT } from "../support/tempConfigRoot";
import { buildableRoot, planOf, removeConfigRoot } from "../images/imageFixture";
import { testSecretOutputs } from "../support/fakeStackInputs";

const CONTAINER = "docker:index/container:Container";
const REMOTE_IMAGE = "docker:index/remoteImage:RemoteImage";
const secrets = testSecretOutputs;
const BUILD = { mode: "build", torchVersion: "2.5.1", torchIndexUrl: "https://download.pytorch.org/whl/cu121", buildTimeoutMinutes: 60 } as const;

interface Deployed {
  readonly run: MockedRun;
  readonly error: unknown;
}

async function deploy(root: string, settings: Partial<StackSettings>, machine: "mainpc" | "pc2" = "mainpc"): Promise<Deployed> {
  const run = await mockPulumi(machine);
  let error: unknown = null;
  try {
    deployMachine(sampleSettings({ machine, configRoot: root, hostConfigDir: path.join(root, "config"), ...settings }), planOf(root, machine), secrets());
  } catch (e) {
    error = e;
  }
  await run.settle();
  return { run, error };
}

const named = (run: MockedRun, type: string, name: string): Registration => {
  const found = run.registrations.filter((r) => r.type === type && r.name === name);
  assert.strictEqual(found.length, 1, `${type} ${name}`);
  return found[0]!;
};

describe("components: agent-group images (imageMode build)", function () {
  this.timeout(20_000);
  let root: string;
  let run: MockedRun;
  before(async () => {
    root = buildableRoot();
    const deployed = await deploy(root, { images: BUILD });
    assert.strictEqual(deployed.error, null);
    run = deployed.run;
  });
  after(() => removeConfigRoot(root));

  it("builds one image per group, and pulls only NATS and Redis", () => {
    const images = run.registrations.filter((r) => r.type === REMOTE_IMAGE);
    assert.deepStrictEqual(
      images.map((r) => `${r.name} ${r.inputs.build === undefined ? "pull" : "build"}`).sort(),
      ["mainpc-group-image-core build", "mainpc-group-image-vision-gpu build", "mainpc-image-nats-2-10-alpine pull", "mainpc-image-redis-7-alpine pull"],
    );
  });

  it("builds a CPU group from Dockerfile.cpu and a GPU group from Dockerfile.gpu, in the config root, with the right build arguments", () => {
    const core = named(run, REMOTE_IMAGE, "mainpc-group-image-core");
    const gpu = named(run, REMOTE_IMAGE, "mainpc-group-image-vision-gpu");
    const hash = (r: Registration) => (r.inputs.triggers as { contentHash: string }).contentHash;
    assert.deepStrictEqual(core.inputs, {
      build: {
        buildArgs: { REQUIREMENTS: "ai-system-build/requirements/core.txt", SYSTEM_PACKAGES: "libsndfile1" },
        context: root,
        dockerfile: path.join(PROJECT_ROOT, "docker", "Dockerfile.cpu"),
        labels: { "ai-system.content-hash": hash(core), "ai-system.group": "core" },
        useLegacyBuilder: true,
      },
      keepLocally: true,
      name: `ai-system-core:${hash(core).slice(0, 16)}`,
      triggers: { contentHash: hash(core) },
    });
    assert.deepStrictEqual(gpu.inputs, {
      build: {
        buildArgs: {
          REQUIREMENTS: "ai-system-build/requirements/vision-gpu.txt",
          SYSTEM_PACKAGES: "libgl1 libglib2.0-0",
          TORCH_INDEX_URL: "https://download.pytorch.org/whl/cu121",
          TORCH_VERSION: "2.5.1",
        },
        context: root,
        dockerfile: path.join(PROJECT_ROOT, "docker", "Dockerfile.gpu"),
        labels: { "ai-system.content-hash": hash(gpu), "ai-system.group": "vision-gpu" },
        useLegacyBuilder: true,
      },
      keepLocally: true,
      name: `ai-system-vision-gpu:${hash(gpu).slice(0, 16)}`,
      triggers: { contentHash: hash(gpu) },
    });
    // The tags carry the content hash.
    for (const r of [core, gpu]) assert.match(String(r.inputs.name), /^ai-system-[a-z-]+:[0-9a-f]{16}$/);
    assert.match(hash(core), /^[0-9a-f]{64}$/);
    assert.notStrictEqual(hash(core), hash(gpu));
  });

  it("runs each group's container on the id of its own group's image, created after that image", () => {
    for (const group of ["core", "vision-gpu"]) {
      const image = named(run, REMOTE_IMAGE, `mainpc-group-image-${group}`);
      const container = named(run, CONTAINER, `mainpc-${group}`);
      // The mock's image id of a RemoteImage is sha256:<its name>.
      assert.strictEqual(container.inputs.image, `sha256:${String(image.inputs.name)}`);
      const imageDependencies = container.dependencies.filter((u) => u.includes(`$${REMOTE_IMAGE}::`));
      assert.deepStrictEqual(imageDependencies, [image.urn], group);
      assert.strictEqual(container.inputs.command, undefined, `${group}: the launcher is the entrypoint`);
    }
  });

  it("gives every long-running container a stop timeout, for docker stop and for replacement: groups above the launcher's grace, NATS 60 s, Redis 120 s; the store init none", () => {
    for (const name of ["mainpc-core", "mainpc-vision-gpu"]) {
      const c = named(run, CONTAINER, name);
      assert.deepStrictEqual([c.inputs.stopTimeout, c.inputs.destroyGraceSeconds], [30, 30], name);
    }
    for (const [name, seconds] of [["mainpc-nats", 60], ["mainpc-redis", 120], ["mainpc-nats-store-init", undefined]] as const) {
      const c = named(run, CONTAINER, name);
      assert.deepStrictEqual([c.inputs.stopTimeout, c.inputs.destroyGraceSeconds], [seconds, seconds], name);
    }
  });

  it("sends only build fields the provider's legacy builder reads, under the names it reads them by", () => {
    // terraform-provider-docker (the pin of @pulumi/docker 5.2.0), the useLegacyBuilder path:
    // buildImage (resource_docker_image_funcs.go) -> legacyBuildDockerImage -> createImageBuildOptions
    // (resource_docker_registry_image_funcs.go). `label` (no s) is read only by the buildx path
    // (docker_buildx_build.go mapBuildAttributesToBuildOptions): sent here it would be dropped.
    const readers: readonly (readonly [string, string])[] = [
      ["buildArgs", "createImageBuildOptions: buildOptions[\"build_args\"]"],
      ["context", "legacyBuildDockerImage: rawBuild[\"context\"]"],
      ["dockerfile", "createImageBuildOptions: buildOptions[\"dockerfile\"]"],
      ["labels", "createImageBuildOptions: buildOptions[\"labels\"] -> ImageBuildOptions.Labels"],
      ["useLegacyBuilder", "buildImage: rawBuildValue[\"use_legacy_builder\"]"],
    ];
    const core = named(run, REMOTE_IMAGE, "mainpc-group-image-core");
    const sent = Object.keys(core.inputs.build as Record<string, unknown>).sort();
    assert.deepStrictEqual(sent, readers.map(([field]) => field));
    const built = { key: "core", reference: "ai-system-core:0123456789abcdef", build: { context: "/r", dockerfile: "/d", template: "cpu" as const, buildArgs: { A: "1" }, labels: { "ai-system.group": "core" }, contentHash: "0".repeat(64), hashed: [], timeoutMinutes: 60 } };
    assert.deepStrictEqual(groupImageArgs(built).build, { context: "/r", dockerfile: "/d", buildArgs: { A: "1" }, labels: { "ai-system.group": "core" }, useLegacyBuilder: true });
  });

  it("gives a build the configured timeout (the provider's default is 20 minutes); a pull keeps the defaults", () => {
    const image = { key: "core", reference: "ai-system-core:0123456789abcdef", build: null };
    assert.deepStrictEqual(groupImageOptions(image, { parent: undefined }), { parent: undefined });
    assert.deepStrictEqual(groupImageArgs(image), { name: "ai-system-core:0123456789abcdef", keepLocally: true });
    const built = {
      ...image,
      build: { context: "/r", dockerfile: "/d", template: "cpu" as const, buildArgs: {}, labels: {}, contentHash: "0".repeat(64), hashed: [], timeoutMinutes: 90 },
    };
    assert.deepStrictEqual(groupImageOptions(built, {}), { customTimeouts: { create: "90m", update: "90m" }, ignoreChanges: ["build.context", "build.dockerfile"] });
  });
});

describe("components: MachineStack and its group images", function () {
  this.timeout(20_000);

  it("refuses group images that do not match the groups, before it registers anything", async () => {
    const run = await mockPulumi();
    const plan = samplePlan();
    const spec = renderedSpec(plan, sampleSettings());
    const images = spec.groups.map((g) => ({ key: g.key, reference: g.image, build: null }));
    const attempt = (groupImages: typeof images) => () => new MachineStack("mainpc", { spec, groupImages, secrets: secrets() });
    assert.throws(attempt(images.slice(1)), /container core has no group image/);
    // Extra or mismatched images are refused once, by renderMachine (test/render/machineSpec.test.ts).
    assert.match(renderRefusals(plan, sampleSettings(), [...images, { key: "extra", reference: "ai-system-extra:latest", build: null }]).join("\n"), /group images \(core, model-gpu, language, extra\) do not match the planned groups/);
    await run.settle();
    assert.deepStrictEqual(run.registrations.map((r) => r.type), []);
  });

  it("refuses pulled images whose resource names clash, before it registers anything", async () => {
    const run = await mockPulumi();
    const spec = renderedSpec(samplePlan(), sampleSettings());
    const groupImages = spec.groups.map((g) => ({ key: g.key, reference: g.image, build: null }));
    const clashing = { ...spec, redis: { ...spec.redis, image: spec.nats.image.toUpperCase() } };
    assert.throws(() => new MachineStack("mainpc", { spec: clashing, groupImages, secrets: secrets() }), {
      message: `images ${spec.nats.image.toUpperCase()} and ${spec.nats.image} would get the same resource name`,
    });
    await run.settle();
    assert.deepStrictEqual(run.registrations.map((r) => r.type), []);
  });
});

describe("components: agent-group images (imageMode prebuilt)", function () {
  this.timeout(20_000);
  let root: string;
  before(() => {
    root = buildableRoot({ generate: false });
  });
  after(() => removeConfigRoot(root));

  it("builds nothing and runs <registry>/ai-system-<group>:<tag>, pulled with keepLocally", async () => {
    const { run, error } = await deploy(root, { images: { mode: "prebuilt", registry: "registry.lan:5000/ai", tag: "v3", digests: {}, registryUser: "" } });
    assert.strictEqual(error, null);
    const images = run.registrations.filter((r) => r.type === REMOTE_IMAGE);
    assert.deepStrictEqual(images.filter((r) => r.inputs.build !== undefined || r.inputs.triggers !== undefined), []);
    assert.deepStrictEqual(
      images.map((r) => [r.name, r.inputs]).sort(),
      [
        ["mainpc-group-image-core", { keepLocally: true, name: "registry.lan:5000/ai/ai-system-core:v3" }],
        ["mainpc-group-image-vision-gpu", { keepLocally: true, name: "registry.lan:5000/ai/ai-system-vision-gpu:v3" }],
        ["mainpc-image-nats-2-10-alpine", { keepLocally: true, name: "nats:2.10-alpine" }],
        ["mainpc-image-redis-7-alpine", { keepLocally: true, name: "redis:7-alpine" }],
      ],
    );
    assert.strictEqual(named(run, CONTAINER, "mainpc-core").inputs.image, "sha256:registry.lan:5000/ai/ai-system-core:v3");
    assert.strictEqual(named(run, CONTAINER, "mainpc-vision-gpu").inputs.image, "sha256:registry.lan:5000/ai/ai-system-vision-gpu:v3");
  });

  it("build mode without generated requirements: a RunError naming the command, and nothing registered", async () => {
    const { run, error } = await deploy(root, { images: BUILD });
    assert.strictEqual(run.registrations.length, 0);
    assert.ok(error instanceof pulumi.RunError, String(error));
    const lines = error.message.split("\n");
    assert.strictEqual(
      lines[0],
      `The mainpc images cannot be built from ${root}; nothing was deployed. Fix these (usually: npm run requirements -- --config-root ${root}) and run again, or set imageMode to prebuilt:`,
    );
    assert.deepStrictEqual(
      lines.slice(1).map((l) => l.replace(/: .*$/, "")),
      [
        "ERROR [missing-requirements] ai-system-build/requirements/base.txt:1",
        "ERROR [missing-requirements] ai-system-build/requirements/core.system.txt:1",
        "ERROR [missing-requirements] ai-system-build/requirements/core.txt:1",
        "ERROR [missing-requirements] ai-system-build/requirements/group_launcher.py:1",
        "ERROR [missing-requirements] ai-system-build/requirements/vision-gpu.system.txt:1",
        "ERROR [missing-requirements] ai-system-build/requirements/vision-gpu.txt:1",
      ],
    );
  });
});
