import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import { LEGACY_FILES, V3_FILE } from "../../src/config/configFiles";
import { CONTAINER_NAME, containerNameOf } from "../../src/config/dockerGroupName";
import { Finding } from "../../src/config/finding";
import { loadEffectiveConfig } from "../../src/config/loadEffectiveConfig";
import { Machine } from "../../src/config/machine";
import { planToText } from "../../src/cli/planOutput";
import { migrateConfig } from "../../src/migrate/migrateConfig";
import { verifyMigration } from "../../src/migrate/verifyMigration";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { INCLUDE_FIXTURE, withConfigRoot } from "../support/tempConfigRoot";

const brief = (f: Finding) => `${f.severity} ${f.code} ${f.file}:${f.line} ${f.message}`;
const real = (relative: string) => fs.readFileSync(path.join(INCLUDE_FIXTURE, relative), "utf8");

/**
 * The user's real include layout (2025-07-26: the v3 file includes both legacy machine files),
 * with container groups written into each legacy file the way the user's newer configs do:
 * `docker_groups.<group>: {description, agents}`, snake_case names, no machine level. Both files
 * use `infra_core`, which must stay two groups, one per machine.
 */
function userTree(extra: { mainpc?: string; pc2?: string } = {}): Record<string, string> {
  const mainpc = [
    "docker_groups:",
    "  infra_core:",
    "    description: Service registry and digital twin",
    "    agents: [ServiceRegistry, SystemDigitalTwin]",
    extra.mainpc ?? "",
  ].join("\n");
  const pc2 = [
    "docker_groups:",
    "  infra_core:",
    "    description: Observability and resources",
    "    agents: [ObservabilityHub, ResourceManager]",
    "  vision_dream_gpu:",
    "    description: Vision and dreaming",
    "    agents: [VisionProcessingAgent, DreamWorldAgent, DreamingModeAgent]",
    extra.pc2 ?? "",
  ].join("\n");
  return {
    [V3_FILE]: real(V3_FILE),
    [LEGACY_FILES.mainpc]: `${real(LEGACY_FILES.mainpc)}\n${mainpc}\n`,
    [LEGACY_FILES.pc2]: `${real(LEGACY_FILES.pc2)}\n${pc2}\n`,
  };
}

/** The line of `text` in the legacy file of `machine` as userTree writes it. */
function lineIn(files: Record<string, string>, machine: Machine, text: string): number {
  const lines = files[LEGACY_FILES[machine]]!.split("\n");
  const index = lines.lastIndexOf(text);
  assert.ok(index >= 0, text);
  return index + 1;
}

describe("config/legacy docker_groups (the user's own container-group shape)", function () {
  this.timeout(60_000);

  it("gives each legacy file's groups to its machine, names mapped to container names, descriptions kept", () => {
    const files = userTree();
    withConfigRoot(files, (configRoot) => {
      const groups = (machine: Machine) =>
        loadEffectiveConfig({ configRoot, machine, env: {}, override: null }).config.dockerGroups!.map((g) => [g.name, g.writtenAs ?? null, g.description ?? null, g.agents, g.gpu, g.source]);
      assert.deepStrictEqual(groups("mainpc"), [
        ["infra-core", "infra_core", "Service registry and digital twin", ["ServiceRegistry", "SystemDigitalTwin"], null, { file: LEGACY_FILES.mainpc, line: lineIn(files, "mainpc", "  infra_core:") }],
      ]);
      assert.deepStrictEqual(groups("pc2"), [
        ["infra-core", "infra_core", "Observability and resources", ["ObservabilityHub", "ResourceManager"], null, { file: LEGACY_FILES.pc2, line: lineIn(files, "pc2", "  infra_core:") }],
        ["vision-dream-gpu", "vision_dream_gpu", "Vision and dreaming", ["VisionProcessingAgent", "DreamWorldAgent", "DreamingModeAgent"], null, { file: LEGACY_FILES.pc2, line: lineIn(files, "pc2", "  vision_dream_gpu:") }],
      ]);
    });
  });

  it("plans the groups as containers, says which run on CPU only, and warns where the name says GPU", () => {
    const files = userTree();
    withConfigRoot(files, (configRoot) => {
      const plan = buildDeploymentPlan({ configRoot, machine: "pc2", env: {}, override: null });
      assert.deepStrictEqual(
        plan.containers.map((c) => [c.name, c.agents.map((a) => a.name), c.gpu]),
        [
          ["infra-core", ["ObservabilityHub", "ResourceManager"], null],
          ["vision-dream-gpu", ["DreamWorldAgent", "DreamingModeAgent", "VisionProcessingAgent"], null],
        ],
      );
      assert.deepStrictEqual(plan.findings.filter((f) => f.code === "cpu-only-group").map(brief), [
        `warning cpu-only-group ${LEGACY_FILES.pc2}:${lineIn(files, "pc2", "  vision_dream_gpu:")} docker group vision_dream_gpu has no gpu: setting, so container vision-dream-gpu runs on CPU only although its name says GPU; add gpu: {vram_mb: <MiB>, device_ids: ["0"]} if its agents need the GPU`,
      ]);
      const text = planToText(plan).split("\n");
      assert.ok(text.includes("CPU only (no gpu: setting): infra-core, vision-dream-gpu"), text.join("\n"));
      assert.ok(text.some((l) => /^1 +vision-dream-gpu +CPU only /.test(l)), text.join("\n"));
    });
  });

  it("refuses two spellings of one container name, in one file or across a legacy file and an override", () => {
    const files = userTree({ pc2: "  vision-dream-gpu:\n    agents: [TutorAgent]" });
    withConfigRoot(files, (configRoot) => {
      const { findings } = loadEffectiveConfig({ configRoot, machine: "pc2", env: {}, override: null });
      assert.deepStrictEqual(findings.filter((f) => f.code === "invalid-value").map(brief), [
        `error invalid-value ${LEGACY_FILES.pc2}:${lineIn(files, "pc2", "  vision-dream-gpu:")} docker groups vision_dream_gpu (${LEGACY_FILES.pc2}:${lineIn(files, "pc2", "  vision_dream_gpu:")}) and vision-dream-gpu of pc2 both become container vision-dream-gpu; rename or merge one of them`,
      ]);
    });
    const override = { ...userTree(), "config/overrides/docker.yaml": "docker_groups:\n  pc2:\n    vision-dream-gpu: {agents: [TutorAgent], gpu: {vram_mb: 4096, device_ids: [\"0\"]}}\n" };
    withConfigRoot(override, (configRoot) => {
      const { findings } = loadEffectiveConfig({ configRoot, machine: "pc2", env: {}, override: "docker" });
      assert.deepStrictEqual(findings.filter((f) => f.code === "invalid-value").map(brief), [
        `error invalid-value config/overrides/docker.yaml:3 docker groups vision_dream_gpu (${LEGACY_FILES.pc2}:${lineIn(override, "pc2", "  vision_dream_gpu:")}) and vision-dream-gpu of pc2 both become container vision-dream-gpu; rename or merge one of them`,
      ]);
    });
  });

  it("lets an override add a GPU to the user's group under the name as written", () => {
    const files = { ...userTree(), "config/overrides/docker.yaml": "docker_groups:\n  pc2:\n    vision_dream_gpu: {gpu: {vram_mb: 4096, device_ids: [\"0\"]}}\n" };
    withConfigRoot(files, (configRoot) => {
      const plan = buildDeploymentPlan({ configRoot, machine: "pc2", env: {}, override: "docker" });
      const vision = plan.containers.find((c) => c.name === "vision-dream-gpu")!;
      assert.deepStrictEqual(vision.gpu, { vramMb: 4096, deviceIds: ["0"] });
      assert.deepStrictEqual(plan.findings.filter((f) => f.code === "cpu-only-group"), []);
    });
  });

  it("refuses a legacy block that mixes machine names with group names, and names that stay no container name", () => {
    const files = userTree({ mainpc: "  pc2:\n    other: {agents: [TutorAgent]}\n  Vision_GPU:\n    agents: [ModelManagerSuite]" });
    withConfigRoot(files, (configRoot) => {
      const { config, findings } = loadEffectiveConfig({ configRoot, machine: "mainpc", env: {}, override: null });
      assert.strictEqual(config.dockerGroups, null);
      assert.deepStrictEqual(findings.filter((f) => f.code === "invalid-value").map(brief), [
        `error invalid-value ${LEGACY_FILES.mainpc}:${lineIn(files, "mainpc", "docker_groups:")} docker_groups in ${LEGACY_FILES.mainpc} (mainpc's own file) mixes machine names (pc2) with group names (infra_core, Vision_GPU); write only this machine's groups there, as docker_groups.<group>: {description, agents}`,
      ]);
    });
    withConfigRoot(userTree({ pc2: "  Vision_GPU:\n    agents: [TutorAgent]\n  _edge:\n    agents: [TutorAgent]" }), (configRoot) => {
      const { findings } = loadEffectiveConfig({ configRoot, machine: "pc2", env: {}, override: null });
      assert.deepStrictEqual(
        findings.filter((f) => f.code === "invalid-value").map((f) => f.message),
        ["Vision_GPU", "_edge"].map((n) => `docker group name "${n}" must be lowercase letters, digits, dashes and underscores (it becomes a container and DNS name, with _ as -)`),
      );
    });
  });

  it("migrate carries each machine's groups into docker_groups.<machine> of the one v3 file, and the loader agrees", () => {
    const files = userTree();
    withConfigRoot(files, (configRoot) => {
      const migrated = migrateConfig(configRoot);
      assert.strictEqual(migrated.kind, "migrated");
      if (migrated.kind !== "migrated") return;
      const text = migrated.text;
      const mainpc = text.indexOf(`  # Container groups of ${LEGACY_FILES.mainpc}, which names no machine: it is mainpc's file.\n  mainpc:\n    infra_core:\n      description: Service registry and digital twin\n`);
      const pc2 = text.indexOf(`  # Container groups of ${LEGACY_FILES.pc2}, which names no machine: it is pc2's file.\n  pc2:\n    infra_core:\n      description: Observability and resources\n`);
      assert.ok(mainpc > text.indexOf("\ndocker_groups:\n") && pc2 > mainpc, text);
      assert.deepStrictEqual(verifyMigration(configRoot, text, {}), []);
    });
  });

  it("maps every snake_case name to a container name, keeps container names as they are, and maps two names alike only when they differ in _ and - alone", () => {
    const segment = fc.stringMatching(/^[a-z0-9]{1,8}$/);
    const snake = fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => parts.join("_"));
    fc.assert(
      fc.property(snake, (name) => {
        const mapped = containerNameOf(name);
        assert.strictEqual(mapped, name.replace(/_/g, "-"));
        assert.ok(CONTAINER_NAME.test(mapped!));
        assert.strictEqual(containerNameOf(mapped!), mapped);
      }),
    );
    fc.assert(
      fc.property(snake, snake, (a, b) => {
        assert.strictEqual(containerNameOf(a) === containerNameOf(b), a === b);
        assert.strictEqual(containerNameOf(a) === containerNameOf(a.replace(/_/g, "-")), true);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 70 }), (name) => {
        const mapped = containerNameOf(name);
        assert.ok(mapped === null || (CONTAINER_NAME.test(mapped) && !mapped.includes("_")), name);
      }),
    );
  });
});
