import * as assert from "assert";
import { Finding } from "../../src/config/finding";
import { buildDeploymentPlan, PlanOptions } from "../../src/plan/buildDeploymentPlan";
import { withConfigRoot } from "../support/tempConfigRoot";

const V3 = "config/startup_config.v3.yaml";
const DOCKER = "config/overrides/docker.yaml";

/** Agents on mainpc: A <- B <- C chain plus a lone D; pc2 runs Remote. */
const AGENTS = [
  "machine_profiles:",
  "  mainpc: {enabled_groups: [main]}",
  "  pc2: {enabled_groups: [other]}",
  "agent_groups:",
  "  main:",
  "    A: {script_path: a.py, port: 7000}",
  "    B: {script_path: b.py, port: 7100, dependencies: [A]}",
  "    C: {script_path: c.py, port: 7200, dependencies: [B, Remote]}",
  "    D: {script_path: d.py, port: 7300}",
  "  other:",
  "    Remote: {script_path: r.py, port: 9000}",
  "",
].join("\n");

function plan(docker: string, options: Partial<PlanOptions> = {}, agents = AGENTS) {
  return withConfigRoot({ [V3]: agents, [DOCKER]: docker }, (configRoot) =>
    buildDeploymentPlan({ configRoot, machine: "mainpc", env: {}, override: "docker", ...options }),
  );
}

const brief = (f: Finding) => `${f.severity} ${f.code} ${f.file}:${f.line} ${f.message}`;

describe("container plan", () => {
  it("orders containers into waves equal to the longest path, with sorted dependsOn", () => {
    const p = plan(
      [
        "docker_groups:",
        "  mainpc:",
        "    base: {agents: [A], gpu: null}",
        "    mid: {agents: [B], gpu: {vram_mb: 4096, device_ids: ['0']}, cpus: 2, memory_mb: 4096, shm_mb: 512}",
        "    top: {agents: [C], gpu: null}",
        "    side: {agents: [D], gpu: null}",
      ].join("\n"),
    );
    assert.deepStrictEqual(p.findings.map(brief), [
      "info cross-machine-dependency config/startup_config.v3.yaml:8 C depends on Remote, which runs on pc2; startup cannot wait for it, so C must retry until pc2 is up",
    ]);
    assert.deepStrictEqual(
      p.containers.map((c) => [c.name, c.wave, c.dependsOn, c.agents.map((a) => a.name), c.gpu, c.publishedPorts]),
      [
        // No agent of pc2 depends on these and no group asks to publish: nothing is published.
        ["base", 1, [], ["A"], null, []],
        ["side", 1, [], ["D"], null, []],
        ["mid", 2, ["base"], ["B"], { vramMb: 4096, deviceIds: ["0"] }, []],
        ["top", 3, ["mid"], ["C"], null, []],
      ],
    );
    assert.deepStrictEqual([p.waves, p.longestPath], [3, 3]);
    assert.deepStrictEqual(p.vram, { capacityMb: 24576, headroomMb: 1024, allocatedMb: 4096, allowOvercommit: false });
    const mid = p.containers.find((c) => c.name === "mid")!;
    assert.deepStrictEqual([mid.cpus, mid.memoryMb, mid.shmMb, mid.image, mid.source], [2, 4096, 512, "ai-system/agent-runtime:latest", { file: DOCKER, line: 4 }]);
    assert.deepStrictEqual(p.crossMachineDependencies, [{ agent: "C", dependency: "Remote", machine: "pc2" }]);
  });

  it("reports unassigned, duplicate and unknown agents at the lines that name them", () => {
    const p = plan(["docker_groups:", "  mainpc:", "    one:", "      agents: [A, B, Remote, Nobody]", "    two:", "      agents:", "        - B", "        - C"].join("\n"));
    assert.deepStrictEqual(
      p.findings.filter((f) => f.severity === "error").map(brief),
      [
        "error unknown-agent-in-group config/overrides/docker.yaml:4 docker group one lists Nobody, but mainpc runs no agent named Nobody; remove it or fix the name",
        "error unknown-agent-in-group config/overrides/docker.yaml:4 docker group one lists Remote, but Remote runs on the other machine, not mainpc; remove it or fix the name",
        "error duplicate-assignment config/overrides/docker.yaml:7 B is placed in docker groups one and two; an agent runs in exactly one container, remove one",
        "error unassigned-agent config/startup_config.v3.yaml:9 D (mainpc) is in no docker group, so it would not run; add it to the agents of one group under docker_groups.mainpc",
      ],
    );
  });

  it("reports groups that wait for each other, naming the agents that cause it", () => {
    const p = plan(["docker_groups:", "  mainpc:", "    left: {agents: [A, C]}", "    right: {agents: [B, D]}"].join("\n"));
    assert.deepStrictEqual(p.findings.filter((f) => f.code === "group-cycle").map(brief), [
      "error group-cycle config/overrides/docker.yaml:3 docker groups left -> right -> left wait for each other: C (in left) depends on B (in right); B (in right) depends on A (in left); move one of these agents so the groups no longer depend on each other",
    ]);
  });

  it("checks VRAM against capacity less headroom; over-commit only when allowed", () => {
    const docker = [
      "docker_defaults: {gpu_headroom_mb: 2048}",
      "docker_groups:",
      "  mainpc:",
      "    g1: {agents: [A, B, C], gpu: {vram_mb: 20000, device_ids: ['0']}}",
      "    g2: {agents: [D], gpu: {vram_mb: 3000, device_ids: ['0']}}",
    ].join("\n");
    const over = plan(docker);
    assert.deepStrictEqual(over.findings.filter((f) => f.code === "vram-over-capacity").map(brief), [
      "error vram-over-capacity config/overrides/docker.yaml:4 GPU groups on mainpc ask for 23000 MiB (g1 20000, g2 3000) but 22528 MiB is usable (24576 MiB capacity - 2048 MiB headroom); lower vram_mb of some groups, or set docker_defaults.allow_vram_overcommit: true to accept the risk",
    ]);
    const allowed = plan(docker, { allowVramOvercommit: true });
    assert.deepStrictEqual(allowed.findings.filter((f) => f.code === "vram-over-capacity").map((f) => f.severity), ["warning"]);
    const bigger = plan(docker, { vramCapacityMb: 32768 });
    assert.deepStrictEqual(bigger.findings.filter((f) => f.code === "vram-over-capacity"), []);
    assert.strictEqual(bigger.vram.capacityMb, 32768);
    const fromOverride = withConfigRoot({ [V3]: AGENTS, [DOCKER]: docker, "config/overrides/mainpc.yaml": "resource_limits: {vram_gb: 48}\n" }, (configRoot) =>
      buildDeploymentPlan({ configRoot, machine: "mainpc", env: {}, override: "docker" }),
    );
    assert.deepStrictEqual([fromOverride.vram.capacityMb, fromOverride.findings.filter((f) => f.code === "vram-over-capacity").length], [49152, 0]);
  });

  it("publishes only what the other host's agents depend on and what a group's publish setting names", () => {
    const agents = AGENTS.replace("    Remote: {script_path: r.py, port: 9000}", "    Remote: {script_path: r.py, port: 9000, dependencies: [B]}");
    const docker = (side: string) =>
      ["docker_groups:", "  mainpc:", "    base: {agents: [A]}", "    mid: {agents: [B]}", "    top: {agents: [C], publish: true}", `    side: {agents: [D], ${side}}`].join("\n");
    const p = plan(docker("publish: [D]"), {}, agents);
    assert.deepStrictEqual(p.findings.filter((f) => f.severity === "error"), []);
    assert.deepStrictEqual(
      Object.fromEntries(p.containers.map((c) => [c.name, c.publishedPorts])),
      { base: [], mid: [7100, 7101], top: [7200, 7201], side: [7300, 7301] },
    );
    assert.deepStrictEqual(
      plan(docker("publish: [A]"), {}, agents).findings.filter((f) => f.severity === "error").map(brief),
      ["error invalid-value config/overrides/docker.yaml:6 docker group side publishes A, which is not one of its agents; list agents of docker_groups.mainpc.side.agents, or write publish: true"],
    );
  });

  it("checks ports per container, and published ports per host including NATS and Redis", () => {
    const agents = [
      "agent_groups:",
      "  main:",
      "    A: {script_path: a.py, port: 7000}", // binds 7000, 7001, 7002
      "    B: {script_path: b.py, port: 7002}", // binds 7002 (A's HTTP port), 7003, 7004
      "    C: {script_path: c.py, port: 7003}", // 7003 clashes with B's health port, in another container
      "    N: {script_path: n.py, port: 4222, health_check_port: 9500}",
      "",
    ].join("\n");
    const p = plan(["docker_groups:", "  mainpc:", "    one: {agents: [A, B, N], publish: true}", "    two: {agents: [C], publish: true}"].join("\n"), {}, agents);
    assert.deepStrictEqual(p.findings.map(brief), [
      "error port-clash config/startup_config.v3.yaml:4 port 7002 is bound 2 times in container one: A's HTTP health port, B's port; give B a free port (each agent binds port, health_check_port and health_check_port + 1)",
      "error host-port-clash config/startup_config.v3.yaml:5 mainpc host port 7003 is published twice: C's port (container two) and B's health_check_port (container one); give C a free port",
      "error host-port-clash config/startup_config.v3.yaml:6 mainpc host port 4222 is published twice: N's port (container one) and NATS client port; give N a free port",
    ]);
  });

  it("skips container planning without docker_groups, checking ports in one namespace per machine", () => {
    const p = plan("", { override: null });
    assert.deepStrictEqual(p.containers, []);
    assert.deepStrictEqual([p.waves, p.longestPath], [0, 0]);
    assert.deepStrictEqual(p.findings.map((f) => f.code), ["no-container-plan", "cross-machine-dependency"]);
  });

  it("reports unknown dependencies and agent cycles with the cycle's path", () => {
    const agents = [
      "agent_groups:",
      "  main:",
      "    A: {script_path: a.py, port: 7000, dependencies: [C]}",
      "    B: {script_path: b.py, port: 7100, dependencies: [A, Ghost]}",
      "    C: {script_path: c.py, port: 7200, dependencies: [B]}",
      "    S: {script_path: s.py, port: 7300, dependencies: [S]}",
      "",
    ].join("\n");
    const p = plan("", { override: null }, agents);
    assert.deepStrictEqual(p.findings.filter((f) => f.severity === "error").map(brief), [
      "error dependency-cycle config/startup_config.v3.yaml:3 dependency cycle A -> C -> B -> A: none of these agents can start first; remove one of these dependencies",
      "error unknown-dependency config/startup_config.v3.yaml:4 B depends on Ghost, which neither mainpc nor pc2 runs; add Ghost or remove it from B's dependencies",
      "error dependency-cycle config/startup_config.v3.yaml:6 dependency cycle S -> S: none of these agents can start first; remove one of these dependencies",
    ]);
  });

  it("validates docker group fields with the field's hint", () => {
    const p = plan(["docker_groups:", "  mainpc:", "    Bad_Name: {agents: [A]}", "    one:", "      agents: [A, B, C, D]", "      gpu: {vram_mb: -5, device_ids: []}", "      cpu: 3"].join("\n"));
    assert.deepStrictEqual(p.findings.filter((f) => f.code === "invalid-value").map(brief), [
      'error invalid-value config/overrides/docker.yaml:3 docker group name "Bad_Name" must be lowercase letters, digits, dashes and underscores (it becomes a container and DNS name, with _ as -)',
      'error invalid-value config/overrides/docker.yaml:6 docker group one: gpu.device_ids is invalid (expected array to have >=1 items); list explicit GPU ids (indexes or GPU-/MIG- UUIDs; not "all"), e.g. ["0"]',
      "error invalid-value config/overrides/docker.yaml:6 docker group one: gpu.vram_mb is invalid (expected number to be >0); set vram_mb to a positive whole number of MiB",
      "error invalid-value config/overrides/docker.yaml:7 docker group one: unknown key cpu; remove it or fix its spelling",
    ]);
  });
});
