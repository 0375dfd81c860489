/**
 * The project's default configuration with imageMode build, the default of Pulumi.yaml: in a
 * copy of the config root with the generated requirements and a stand-in script for every agent
 * (the real code lives in the monorepo), both stacks build one image per group; without the
 * code the deploy is refused before anything is registered.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { runRequirementsCommand } from "../../src/cli/requirementsCommand";
import { Machine } from "../../src/config/machine";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { DeploymentPlan } from "../../src/plan/deploymentPlan";
import { parseStackSettings, planEnvironment, runProgram } from "../../src/program";
import { fakeStackInputs } from "../support/fakeStackInputs";
import { mockPulumi, MockedRun, Registration } from "../support/pulumiMocks";
import { PROJECT_DIR, stackRawSettings } from "../support/stackFiles";
import { removeConfigRoot, writeConfigRoot } from "../support/tempConfigRoot";

const CONTAINER = "docker:index/container:Container";
const REMOTE_IMAGE = "docker:index/remoteImage:RemoteImage";

/** A config root holding a copy of the project's config/ and docker/.dockerignore (no agent code). */
function copyOfDefaultConfig(): string {
  const files: Record<string, string> = { ".dockerignore": fs.readFileSync(path.join(PROJECT_DIR, "docker", ".dockerignore"), "utf8") };
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(PROJECT_DIR, dir), { withFileTypes: true })) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      else files[relative] = fs.readFileSync(path.join(PROJECT_DIR, relative), "utf8");
    }
  };
  walk("config");
  return writeConfigRoot(files);
}

/** The stack file's settings in build mode on another config root. */
function buildInputs(machine: Machine, root: string) {
  const { imageMode: _prebuilt, ...raw } = stackRawSettings(machine);
  return fakeStackInputs({ ...raw, configRoot: root }, machine, PROJECT_DIR);
}

function planFor(machine: Machine, root: string): DeploymentPlan {
  const parsed = parseStackSettings(buildInputs(machine, root).raw, buildInputs(machine, root).source);
  assert.ok(parsed.ok);
  return buildDeploymentPlan({ configRoot: root, machine, env: planEnvironment(parsed.settings), override: "docker" });
}

describe("the default configuration with imageMode build", function () {
  this.timeout(30_000);
  let root: string;
  before(() => {
    root = copyOfDefaultConfig();
    assert.strictEqual(runRequirementsCommand(["--config-root", root], {}).exitCode, 0);
  });
  after(() => removeConfigRoot(root));

  it("is refused while the agents' code is missing, naming every missing script, before anything is registered", async () => {
    const run = await mockPulumi("pc2");
    const plan = planFor("pc2", root);
    assert.throws(
      () => runProgram(buildInputs("pc2", root), buildDeploymentPlan, () => undefined),
      (e: unknown) => {
        assert.ok(e instanceof pulumi.RunError);
        const missing = e.message.split("\n").filter((l) => l.startsWith("ERROR [missing-script]"));
        assert.strictEqual(missing.length, plan.agents.length);
        assert.ok(e.message.split("\n").slice(1).every((l) => l.startsWith("ERROR [missing-script]")), e.message);
        return true;
      },
    );
    await run.settle();
    assert.strictEqual(run.registrations.length, 0);
  });

  for (const machine of ["mainpc", "pc2"] as const satisfies readonly Machine[]) {
    describe(`${machine}, with a stand-in script for every agent`, () => {
      let run: MockedRun;
      let plan: DeploymentPlan;
      before(async () => {
        for (const m of ["mainpc", "pc2"] as const) {
          for (const agent of planFor(m, root).agents) {
            fs.mkdirSync(path.dirname(path.join(root, agent.scriptPath)), { recursive: true });
            fs.writeFileSync(path.join(root, agent.scriptPath), `# ${agent.name}\n`);
          }
        }
        assert.strictEqual(runRequirementsCommand(["--config-root", root], {}).exitCode, 0);
        plan = planFor(machine, root);
        run = await mockPulumi(machine);
        runProgram(buildInputs(machine, root), buildDeploymentPlan, () => undefined);
        await run.settle();
      });

      it("builds exactly one image per planned group: GPU groups from Dockerfile.gpu with PyTorch, the others from Dockerfile.cpu", () => {
        const built = run.registrations.filter((r) => r.type === REMOTE_IMAGE && r.inputs.build !== undefined);
        assert.deepStrictEqual(built.map((r) => r.name).sort(), plan.containers.map((c) => `${machine}-group-image-${c.name}`).sort());
        for (const c of plan.containers) {
          const image = built.find((r) => r.name === `${machine}-group-image-${c.name}`)!;
          const build = image.inputs.build as { dockerfile: string; context: string; buildArgs: Record<string, string> };
          assert.strictEqual(path.basename(build.dockerfile), c.gpu === null ? "Dockerfile.cpu" : "Dockerfile.gpu", c.name);
          assert.strictEqual(build.context, root);
          assert.deepStrictEqual(
            Object.keys(build.buildArgs),
            c.gpu === null ? ["REQUIREMENTS", "SYSTEM_PACKAGES"] : ["REQUIREMENTS", "SYSTEM_PACKAGES", "TORCH_INDEX_URL", "TORCH_VERSION"],
            c.name,
          );
          assert.strictEqual(build.buildArgs.REQUIREMENTS, `ai-system-build/requirements/${c.name}.txt`);
          const hash = (image.inputs.triggers as { contentHash: string }).contentHash;
          assert.strictEqual(image.inputs.name, `ai-system-${c.name}:${hash.slice(0, 16)}`);
        }
        assert.ok(plan.containers.some((c) => c.gpu !== null) && plan.containers.some((c) => c.gpu === null));
        assert.strictEqual(new Set(built.map((r) => r.inputs.name)).size, built.length);
      });

      it("runs each container on its own group's image", () => {
        for (const c of plan.containers) {
          const image = run.registrations.find((r) => r.type === REMOTE_IMAGE && r.name === `${machine}-group-image-${c.name}`)!;
          const container = run.registrations.find((r): r is Registration => r.type === CONTAINER && r.name === `${machine}-${c.name}`)!;
          assert.strictEqual(container.inputs.image, `sha256:${String(image.inputs.name)}`, c.name);
        }
      });
    });
  }
});
