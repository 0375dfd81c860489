import { appendAll } from "../config/appendAll";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { overrideFile, V3_FILE } from "../config/configFiles";
import { loadEffectiveConfig } from "../config/loadEffectiveConfig";
import { MACHINES } from "../config/machine";
import { Environment } from "../config/substituteEnvironment";
import { comparableConfig, configDifferences } from "./comparableConfig";

/** The CONFIG_OVERRIDE values worth checking: none, and every override file that is not a machine's. */
export function overridesToCheck(configRoot: string): (string | null)[] {
  const dir = path.join(configRoot, path.dirname(overrideFile("x")));
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".yaml")).map((f) => f.slice(0, -".yaml".length)) : [];
  return [null, ...names.filter((n) => !(MACHINES as readonly string[]).includes(n)).sort()];
}

/**
 * Loads both machines from the original config root and from a temporary root that holds the
 * migrated v3 file plus a copy of the original's config/overrides, with every override, and
 * lists what differs (empty: the migration changed nothing the loader yields). The temporary
 * root is removed afterwards.
 */
export function verifyMigration(configRoot: string, migratedText: string, env: Environment): string[] {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), "ai-system-migrate-"));
  try {
    fs.mkdirSync(path.join(temp, path.dirname(V3_FILE)), { recursive: true });
    fs.writeFileSync(path.join(temp, V3_FILE), migratedText);
    const overrides = path.join(configRoot, path.dirname(overrideFile("x")));
    if (fs.existsSync(overrides)) fs.cpSync(overrides, path.join(temp, path.dirname(overrideFile("x"))), { recursive: true });
    const differences: string[] = [];
    for (const machine of MACHINES) {
      for (const override of overridesToCheck(configRoot)) {
        const load = (root: string) => {
          const { config, findings } = loadEffectiveConfig({ configRoot: root, machine, env, override });
          return comparableConfig(config, findings);
        };
        const found = configDifferences(load(configRoot), load(temp));
        appendAll(differences, found.map((d) => `${machine} (override ${override ?? "none"}): ${d}`));
      }
    }
    return differences;
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}
