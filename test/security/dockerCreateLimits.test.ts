/**
 * Values the Docker engine refuses only at create time (after other containers exist) are
 * refused by validation, each with one finding at its line: `device_ids: ['all']`, `cpus: 1e-7`,
 * `memory_mb: 1`, image names outside Docker's reference grammar.
 */
import * as assert from "assert";
import { IMAGE_REFERENCE } from "../../src/config/schemas";
import { loadEffectiveConfig } from "../../src/config/loadEffectiveConfig";
import { withConfigRoot } from "../support/tempConfigRoot";

const V3 = "config/startup_config.v3.yaml";
const config = (group: string) =>
  [
    "agent_groups:",
    "  core:",
    "    Alpha: {script_path: a.py, port: 7000}",
    "docker_groups:",
    "  mainpc:",
    `    core: ${group}`,
    "  pc2: {}",
    "",
  ].join("\n");

const problems = (group: string): string[] =>
  withConfigRoot({ [V3]: config(group) }, (root) =>
    loadEffectiveConfig({ configRoot: root, machine: "mainpc", env: {}, override: null }).findings.map((f) => `${f.line} ${f.message}`),
  );

describe("security/what Docker refuses at create time is refused by validation", () => {
  it("refuses device_ids all, too few CPUs, too little memory and bad image names", () => {
    const base = "agents: [Alpha], cpus: 1, memory_mb: 512, shm_mb: 64";
    for (const [group, field] of [
      [`{agents: [Alpha], gpu: {vram_mb: 4096, device_ids: [all]}, cpus: 1, memory_mb: 512, shm_mb: 64}`, "device_ids"],
      [`{agents: [Alpha], gpu: null, cpus: 1.0e-7, memory_mb: 512, shm_mb: 64}`, "cpus"],
      [`{agents: [Alpha], gpu: null, cpus: 1, memory_mb: 1, shm_mb: 64}`, "memory_mb"],
      [`{${base}, gpu: null, image: "Bad Image:latest"}`, "image"],
      [`{${base}, gpu: null, image: "UPPER/case"}`, "image"],
    ] as const) {
      const found = problems(group);
      assert.strictEqual(found.length, 1, `${group}: ${JSON.stringify(found)}`);
      assert.match(found[0]!, new RegExp(`^6 .*${field}`), group);
    }
    assert.deepStrictEqual(problems(`{${base}, gpu: {vram_mb: 4096, device_ids: ["0", "GPU-8f6c1d2e-4c3b-11ee-be56-0242ac120002"]}, image: "registry.local:5000/ai-system/core:1.2"}`), []);
  });

  it("follows Docker's reference grammar for image names", () => {
    for (const good of ["nats:2.10-alpine", "redis:7-alpine", "ai-system-core:0123456789abcdef", "localhost:5000/a/b_c:1", `busybox@sha256:${"a".repeat(64)}`]) assert.ok(IMAGE_REFERENCE.test(good), good);
    for (const bad of ["", "Nats:2.10", "nats:", "nats::1", "-nats", "a b", "nats:2.10\n", "../etc", `x:${"t".repeat(129)}`]) assert.ok(!IMAGE_REFERENCE.test(bad), bad);
  });
});
