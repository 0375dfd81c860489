/**
 * Item 7 of issue 10: the config files reach the containers by content. The same config under two
 * checkout paths gives identical provider inputs; a content change changes exactly the config
 * init's uploads and every group's digest (both ForceNew: preview shows those replacements).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { runProgram } from "../../src/program";
import { projectRawSettings } from "../../src/program/projectStackSettings";
import { revealSecrets } from "../../src/program/registrationRecorder";
import { configDigest } from "../../src/render/configDelivery";
import { fakeStackInputs } from "../support/fakeStackInputs";
import { mockPulumi } from "../support/pulumiMocks";
import { PROJECT_DIR } from "../support/stackFiles";

interface ResourceView {
  readonly type: string;
  readonly name: string;
  readonly dependsOn: readonly string[];
  readonly inputs: unknown;
}

const CONTAINER = "docker:index/container:Container";

/** A checkout at `dir`: the stack files and the project's config/ (configRoot is `.`). */
function checkout(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ["Pulumi.yaml", "Pulumi.mainpc.yaml", "Pulumi.pc2.yaml"]) fs.copyFileSync(path.join(PROJECT_DIR, f), path.join(dir, f));
  fs.cpSync(path.join(PROJECT_DIR, "config"), path.join(dir, "config"), { recursive: true });
  return dir;
}

/** What the program registers for the checkout's stack, secrets revealed (the groups' environment holds secrets). */
async function resources(stack: string, dir: string): Promise<readonly ResourceView[]> {
  const run = await mockPulumi(stack);
  runProgram(fakeStackInputs(projectRawSettings(dir, stack).raw, stack, dir), buildDeploymentPlan, () => undefined);
  await run.settle();
  return run.registrations.map((r) => ({
    type: r.type,
    name: r.name,
    dependsOn: r.dependencies.map((u) => u.slice(u.lastIndexOf("::") + 2)).sort(),
    inputs: revealSecrets(r.inputs),
  }));
}

const inputsOf = (rs: readonly ResourceView[], name: string): Record<string, unknown> => rs.find((r) => r.name === name && r.type === CONTAINER)!.inputs as Record<string, unknown>;

describe("config files by content (issue 10 item 7)", function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "config-by-content-"));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  for (const stack of ["mainpc", "pc2"]) {
    it(`${stack}: the same config under two checkout paths gives identical inputs, and no input names either path`, async () => {
      const a = checkout(path.join(tmp, `${stack}-a`, "ai-system-infra"));
      const b = checkout(path.join(tmp, `${stack}-b`, "elsewhere", "deep", "checkout"));
      const [first, second] = [await resources(stack, a), await resources(stack, b)];
      assert.deepStrictEqual(second, first);
      const text = JSON.stringify(first);
      assert.ok(!text.includes(tmp), "a checkout path reached the inputs");
      // Every file of config/ arrives, sorted, under the config init's staging directory.
      const files: string[] = [];
      const walk = (rel: string) => {
        for (const name of fs.readdirSync(path.join(a, "config", rel)).sort()) {
          const r = rel === "" ? name : `${rel}/${name}`;
          if (fs.statSync(path.join(a, "config", r)).isDirectory()) walk(r);
          else files.push(r);
        }
      };
      walk("");
      const init = inputsOf(first, `${stack}-config-init`);
      assert.deepStrictEqual(
        (init.uploads as { file: string; content: string }[]).map((u) => u.file),
        files.map((f) => `/staging/config/${f}`),
      );
      for (const u of init.uploads as { file: string; content: string }[]) {
        assert.strictEqual(u.content, fs.readFileSync(path.join(a, "config", u.file.slice("/staging/config/".length)), "utf8"));
      }
      const digest = configDigest(files.map((f) => ({ path: f, content: fs.readFileSync(path.join(a, "config", f), "utf8") })));
      const groups = first.filter((r) => r.type === CONTAINER && (r.inputs as { mounts: { target: string }[] }).mounts.some((m) => m.target === "/app/config"));
      assert.ok(groups.length >= 4);
      for (const g of groups) {
        const inputs = g.inputs as { envs: string[]; mounts: { target: string; type: string; readOnly: boolean; source: string }[] };
        assert.ok(inputs.envs.includes(`AI_SYSTEM_CONFIG_SHA256=${digest}`), g.name);
        assert.deepStrictEqual(inputs.mounts.find((m) => m.target === "/app/config"), { type: "volume", source: "ai-system-config", target: "/app/config", readOnly: true });
        assert.ok(g.dependsOn.includes(`${stack}-config-init`), g.name);
      }
    });
  }

  it("a content change changes exactly the config init's uploads and every group's digest", async () => {
    const a = checkout(path.join(tmp, "change-a"));
    const before = await resources("mainpc", a);
    fs.appendFileSync(path.join(a, "config", "overrides", "docker.yaml"), "# an operator's note\n");
    const after = await resources("mainpc", a);
    assert.deepStrictEqual(after.map((r) => r.name), before.map((r) => r.name));
    assert.deepStrictEqual(after.map((r) => r.type), before.map((r) => r.type));
    const changed = after
      .filter((r, i) => JSON.stringify(r.inputs) !== JSON.stringify(before[i]!.inputs))
      .map((r) => {
        const was = before[after.indexOf(r)]!.inputs as Record<string, unknown>;
        const now = r.inputs as Record<string, unknown>;
        return [r.name, Object.keys(now).filter((k) => JSON.stringify(now[k]) !== JSON.stringify(was[k]))] as const;
      });
    const groups = before.filter((r) => r.type === CONTAINER && (r.inputs as { mounts: { target: string }[] }).mounts.some((m) => m.target === "/app/config")).map((r) => r.name);
    assert.deepStrictEqual(changed, [["mainpc-config-init", ["uploads"]], ...groups.map((g) => [g, ["envs"]] as const)]);
  });
});
