import * as assert from "assert";
import fc from "fast-check";
import { migrateConfig } from "../../src/migrate/migrateConfig";
import { verifyMigration } from "../../src/migrate/verifyMigration";
import { withConfigRoot } from "../support/tempConfigRoot";

interface Agent {
  readonly name: string;
  readonly port: number;
  readonly deps: readonly string[];
  readonly flow: boolean;
  readonly comment: boolean;
}

const agents = (prefix: string, max: number) =>
  fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 0, maxLength: max }).chain((ids) =>
    fc.tuple(...ids.map((id) => fc.record({ name: fc.constant(`${prefix}${id}`), port: fc.constant(5000 + id * 10), deps: fc.constant([] as string[]), flow: fc.boolean(), comment: fc.boolean() }))),
  );

/** A map-shaped legacy file: groups of agents, and some global settings. */
function mainpcFile(groups: readonly (readonly Agent[])[], env: Readonly<Record<string, string>>): string {
  const lines = ["global_settings:", "  environment:", ...Object.entries(env).map(([k, v]) => `    ${k}: '${v}'`), "agent_groups:"];
  groups.forEach((group, i) => {
    lines.push(`  group_${i}:${group.length === 0 ? " {}" : ""}`);
    for (const a of group) lines.push(`    ${a.name}: {script_path: ${a.name}.py, port: "\${PORT_OFFSET}+${a.port}"}${a.comment ? " # note" : ""}`);
  });
  return `${lines.join("\n")}\n`;
}

/** A list-shaped legacy file, items in flow or block style, some with comments inside. */
function pc2File(list: readonly Agent[], env: Readonly<Record<string, string>>): string {
  const lines = ["global_settings:", "  environment:", ...Object.entries(env).map(([k, v]) => `    ${k}: '${v}'`), "pc2_services:"];
  if (list.length === 0) lines[lines.length - 1] = "pc2_services: []";
  for (const a of list) {
    if (a.comment) lines.push(`  # about ${a.name}`);
    if (a.flow) {
      lines.push(`  - {name: ${a.name}, script_path: ${a.name}.py, port: ${a.port},${a.comment ? " # inside" : ""}`, `     required: false}`);
    } else {
      lines.push(`  - name: ${a.name}`, `    script_path: ${a.name}.py`, `    port: ${a.port}${a.comment ? " # after" : ""}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

describe("migration properties", () => {
  it("any include layout migrates to a file both machines load exactly as before", function () {
    this.timeout(120000);
    const env = fc.dictionary(fc.constantFrom("A", "B", "C", "LOG_LEVEL"), fc.constantFrom("x", "y", "1"), { maxKeys: 3 });
    fc.assert(
      fc.property(fc.array(agents("M", 3), { minLength: 1, maxLength: 3 }), agents("P", 4), env, env, (groups, list, mainEnv, pc2Env) => {
        withConfigRoot(
          {
            "config/startup_config.v3.yaml": "version: 3.0\ninclude:\n  - main_pc_code/config/startup_config.yaml\n  - pc2_code/config/startup_config.yaml\n",
            "main_pc_code/config/startup_config.yaml": mainpcFile(groups, mainEnv),
            "pc2_code/config/startup_config.yaml": pc2File(list, pc2Env),
            "config/overrides/docker.yaml": "environment:\n  DOCKER_CONTAINER: 'true'\n",
          },
          (root) => {
            const result = migrateConfig(root);
            assert.strictEqual(result.kind, "migrated", JSON.stringify(result));
            if (result.kind !== "migrated") return;
            assert.deepStrictEqual(verifyMigration(root, result.text, {}), []);
            assert.deepStrictEqual(result.enabledGroups.pc2, ["pc2_services"]);
          },
        );
      }),
      { numRuns: 40, seed: 20250726 },
    );
  });
});
