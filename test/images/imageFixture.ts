/**
 * A small monorepo that can be built: config, agent code, docker/.dockerignore at its root and the
 * requirements `npm run requirements` generates. mainpc runs `core` (CPU: Alpha, Beta) and
 * `vision-gpu` (GPU: Gamma); pc2 runs `pc2-stack` (Remote).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { runRequirementsCommand } from "../../src/cli/requirementsCommand";
import { Machine } from "../../src/config/machine";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { DeploymentPlan } from "../../src/plan/deploymentPlan";
import { PROJECT_ROOT, removeConfigRoot, writeConfigRoot } from "../support/tempConfigRoot";

export const V3 = [
  "machine_profiles:",
  "  mainpc: {enabled_groups: [main]}",
  "  pc2: {enabled_groups: [other]}",
  "agent_groups:",
  "  main:",
  "    Alpha: {script_path: main_pc_code/agents/alpha.py, port: 7000}",
  "    Beta: {script_path: main_pc_code/agents/beta.py, port: 7100, required: false}",
  "    Gamma: {script_path: main_pc_code/agents/gamma.py, port: 7200, dependencies: [Alpha]}",
  "  other:",
  "    Remote: {script_path: pc2_code/agents/remote.py, port: 9000}",
  "",
].join("\n");

export const DOCKER = [
  "docker_groups:",
  "  mainpc:",
  "    core: {agents: [Alpha, Beta]}",
  "    vision-gpu: {agents: [Gamma], gpu: {vram_mb: 2048, device_ids: ['0']}}",
  "  pc2:",
  "    pc2-stack: {agents: [Remote]}",
  "",
].join("\n");

export const CODE: Readonly<Record<string, string>> = {
  "main_pc_code/__init__.py": "",
  "main_pc_code/agents/__init__.py": "",
  "common/base_agent.py": "import zmq\nimport yaml\n",
  "common/gpu_utils.py": "import torch\n",
  "main_pc_code/agents/alpha.py": "from common.base_agent import BaseAgent\nimport redis\nimport soundfile\n",
  "main_pc_code/agents/beta.py": "from common.base_agent import BaseAgent\n",
  "main_pc_code/agents/gamma.py": "from common.base_agent import BaseAgent\nfrom common.gpu_utils import pick_device\nimport cv2\n",
  "pc2_code/agents/remote.py": "import zmq\n",
  "tools/unrelated.py": "import pandas\n",
};

export const CONFIG: Readonly<Record<string, string>> = {
  "config/startup_config.v3.yaml": V3,
  "config/overrides/docker.yaml": DOCKER,
  ".dockerignore": fs.readFileSync(path.join(PROJECT_ROOT, "docker", ".dockerignore"), "utf8"),
};

/** Runs the requirements command on a root, as the user would before `pulumi up`. */
export function generateRequirementsInto(root: string): void {
  const result = runRequirementsCommand(["--config-root", root], {});
  assert.strictEqual(result.exitCode, 0, result.stdout + result.stderr);
}

/** A fresh buildable root (requirements generated unless `generate` is false); remove it with removeConfigRoot. */
export function buildableRoot(options: { readonly generate?: boolean; readonly extra?: Readonly<Record<string, string>> } = {}): string {
  const root = writeConfigRoot({ ...CONFIG, ...CODE, ...(options.extra ?? {}) });
  if (options.generate !== false) generateRequirementsInto(root);
  return root;
}

export function writeFile(root: string, relative: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
  fs.writeFileSync(path.join(root, relative), text);
}

export function planOf(root: string, machine: Machine = "mainpc"): DeploymentPlan {
  const plan = buildDeploymentPlan({ configRoot: root, machine, env: {}, override: "docker" });
  assert.deepStrictEqual(plan.findings.filter((f) => f.severity === "error"), []);
  return plan;
}

export { removeConfigRoot };
