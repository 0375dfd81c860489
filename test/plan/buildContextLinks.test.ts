import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Finding } from "../../src/config/finding";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { HostOptions } from "../../src/plan/hostChecks";
import { withConfigRoot } from "../support/tempConfigRoot";

const brief = (f: Finding) => `${f.severity} ${f.file}:${f.line} ${f.message}`;
const host = (imageMode: "build" | "prebuilt"): HostOptions => ({ platform: "linux", memoryMb: null, infrastructureMemoryMb: 0, imageMode, settingAt: () => ({ file: "Pulumi.mainpc.yaml", line: 1 }) });

const FILES = {
  "config/startup_config.v3.yaml": "machine_profiles:\n  mainpc: {enabled_groups: [main]}\n  pc2: {enabled_groups: []}\nagent_groups:\n  main:\n    Core: {script_path: pkg/core.py, port: 7000}\n",
  "config/overrides/docker.yaml": "docker_groups:\n  mainpc:\n    core: {agents: [Core]}\n",
  ".dockerignore": ".git\ndata\nmodels\nlogs\n**/secrets*\n**/.env*\n**/.envrc\n!data/keep\n",
  "pkg/__init__.py": "",
  "pkg/core.py": "import os\n",
  "data/big.bin": "x",
};

/**
 * Real links, as the user's clone has them: `utils` to an absolute path of the old machine (dangling
 * here), `shared` to a directory beside the tree, `config/extra.yaml` to a file outside it; and
 * links that are fine or never reach an image.
 */
function withLinks(body: (root: string, outside: string) => void): void {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), "ai-system-outside-"));
  try {
    fs.writeFileSync(path.join(outside, "extra.yaml"), "a: 1\n");
    withConfigRoot(FILES, (root) => {
      fs.symlinkSync("/home/haymayndz/AI_System_Monorepo/utils", path.join(root, "utils"));
      fs.symlinkSync(outside, path.join(root, "shared"));
      fs.symlinkSync(path.join(outside, "extra.yaml"), path.join(root, "config", "extra.yaml"));
      fs.symlinkSync("pkg", path.join(root, "code")); // inside the tree: fine
      fs.symlinkSync("/nowhere/cache", path.join(root, "data", "cache")); // excluded by .dockerignore
      fs.symlinkSync("/nowhere/keep", path.join(root, "data", "keep")); // let in again by !data/keep
      body(root, outside);
    });
  } finally {
    fs.rmSync(outside, { recursive: true, force: true });
  }
}

describe("plan/build context links", () => {
  it("is an error in build mode for each link the image would carry dangling, with the file and what to do", () => {
    withLinks((root, outside) => {
      const plan = buildDeploymentPlan({ configRoot: root, machine: "mainpc", env: {}, override: "docker", host: host("build") });
      const what = "COPY . /app would carry it dangling into every group image; replace it with the files it points to, delete it, or add";
      assert.deepStrictEqual(plan.findings.filter((f) => f.code === "outside-link").map(brief), [
        `error config/extra.yaml:1 config/extra.yaml is a symbolic link to ${outside}/extra.yaml, outside the config root: ${what} /config/extra.yaml to .dockerignore`,
        `error data/keep:1 data/keep is a symbolic link to /nowhere/keep, which does not exist: ${what} /data/keep to .dockerignore`,
        `error shared:1 shared is a symbolic link to ${outside}, outside the config root: ${what} /shared to .dockerignore`,
        `error utils:1 utils is a symbolic link to /home/haymayndz/AI_System_Monorepo/utils, which does not exist: ${what} /utils to .dockerignore`,
      ]);
      // Root causes first: the links come before the other errors of the plan.
      assert.strictEqual(plan.findings[0]!.code, "outside-link");
    });
  });

  it("is a warning in prebuilt mode, for links in the mounted config/ only", () => {
    withLinks((root, outside) => {
      const plan = buildDeploymentPlan({ configRoot: root, machine: "mainpc", env: {}, override: "docker", host: host("prebuilt") });
      assert.deepStrictEqual(plan.findings.filter((f) => f.code === "outside-link").map(brief), [
        `warning config/extra.yaml:1 config/extra.yaml is a symbolic link to ${outside}/extra.yaml, outside the config root: config/ is mounted into every agent container at /app/config, where it dangles; replace it with the file it points to`,
      ]);
    });
  });

  it("finds nothing once the links are excluded or gone", () => {
    withLinks((root) => {
      fs.appendFileSync(path.join(root, ".dockerignore"), "/utils\n/shared\nconfig/extra.yaml\n");
      fs.unlinkSync(path.join(root, "data", "keep"));
      const plan = buildDeploymentPlan({ configRoot: root, machine: "mainpc", env: {}, override: "docker", host: host("build") });
      assert.deepStrictEqual(plan.findings.filter((f) => f.code === "outside-link"), []);
    });
  });
});
