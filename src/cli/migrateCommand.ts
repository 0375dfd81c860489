import * as fs from "fs";
import * as path from "path";
import { overrideFile, V3_FILE } from "../config/configFiles";
import { loadEffectiveConfig } from "../config/loadEffectiveConfig";
import { MACHINES } from "../config/machine";
import { Environment } from "../config/substituteEnvironment";
import { countKeptComments } from "../migrate/commentLines";
import { migrateConfig } from "../migrate/migrateConfig";
import { verifyMigration } from "../migrate/verifyMigration";
import { CommandResult, helpResult, parseCommandLine, pathOption, usageError } from "./commandLine";

/** Beside the v3 file, so the user can diff the two before replacing one with the other. */
export const DEFAULT_MIGRATION_OUT = "config/startup_config.v3.merged.yaml";

const USAGE = `usage: ai-system migrate --config-root DIR [--out FILE] [--force]

Turns the include layout (config/startup_config.v3.yaml with include: of the legacy files) into
one self-contained v3 file with machine_profiles, keeping comments and values as written. Checks
that both machines load the same agents and settings from it, with every override, before
writing. Never changes the files it reads.

  --config-root  monorepo root holding config/startup_config.v3.yaml
  --out          file to write (default: DIR/${DEFAULT_MIGRATION_OUT})
  --force        overwrite --out when it exists (never one of the files read)

exit status: 0 written, or nothing to migrate; 1 refused, nothing written; 2 wrong usage`;

export function runMigrateCommand(argv: readonly string[], env: Environment): CommandResult {
  const usage = (problem: string): CommandResult => usageError(problem, USAGE);
  const refuse = (lines: readonly string[]): CommandResult => ({ exitCode: 1, stdout: "", stderr: `${lines.join("\n")}\n` });
  const parsed = parseCommandLine(argv, { values: ["--config-root", "--out"], switches: ["--force"] });
  if (parsed.kind === "help") return helpResult(USAGE);
  if (parsed.kind === "usage") return usage(parsed.problem);
  const configRoot = pathOption(parsed.values, "--config-root");
  const out = pathOption(parsed.values, "--out");
  const force = parsed.switches.has("--force");
  if (configRoot === undefined) return usage("--config-root is required");

  const result = migrateConfig(configRoot);
  if (result.kind === "nothing-to-migrate") return { exitCode: 0, stdout: `${result.message}\n`, stderr: "" };
  if (result.kind === "refused") return refuse([`cannot migrate ${configRoot}; nothing written:`, ...result.problems.map((p) => `  ${p}`)]);

  const target = out ?? path.join(configRoot, DEFAULT_MIGRATION_OUT);
  const overridesDir = path.join(configRoot, path.dirname(overrideFile("x")));
  const overrides = fs.existsSync(overridesDir) ? fs.readdirSync(overridesDir).map((f) => path.join(overridesDir, f)) : [];
  const inputs = [...result.files.map((f) => path.join(configRoot!, f)), ...overrides];
  if (inputs.some((input) => samePath(input, target))) {
    return refuse([`refusing to write ${target}: it is one of the files the migration reads; choose another --out`]);
  }
  if (fs.existsSync(target) && !force) {
    return refuse([`refusing to overwrite ${target}: it exists; pass --force to replace it, or choose another --out`]);
  }
  const differences = verifyMigration(configRoot, result.text, env);
  if (differences.length > 0) {
    return refuse([`the migrated file would change the effective configuration, so nothing was written (a bug in the migration; please report it):`, ...differences.map((d) => `  ${d}`)]);
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, result.text, { flag: force ? "w" : "wx" });

  const comments = countKeptComments(
    result.files.map((f) => fs.readFileSync(path.join(configRoot!, f), "utf8")),
    result.text,
  );
  const agents = Object.fromEntries(MACHINES.map((m) => [m, loadEffectiveConfig({ configRoot: configRoot!, machine: m, env, override: null }).config.agents.length]));
  const lines = [
    `Wrote ${target} (${result.text.split("\n").length - 1} lines) from ${result.files.join(", ")}.`,
    ...MACHINES.map((m) => `  ${m}: ${agents[m]} agents; enabled_groups: ${result.enabledGroups[m].join(", ") || "none"}`),
    `Checked: both machines load the same agents, environment and settings from it as from the include layout.`,
    `Comments: kept ${comments.kept} of ${comments.total} comment lines of the files read.`,
    ...(comments.dropped.length > 0 ? [`  Not carried over (written at the include: key, or at values a later file replaced):`, ...comments.dropped.map((c) => `    #${c}`)] : []),
    `Next: review it, then make it the v3 file: mv ${target} ${path.join(configRoot, V3_FILE)} (the old one stays in git).`,
  ];
  return { exitCode: 0, stdout: `${lines.join("\n")}\n`, stderr: "" };
}

/** Equal after resolving symlinks, so a link to a source file is refused too. */
function samePath(a: string, b: string): boolean {
  const real = (p: string): string => {
    try {
      return fs.realpathSync(p);
    } catch {
      const parent = path.dirname(p);
      return parent === p ? p : path.join(real(parent), path.basename(p));
    }
  };
  return real(a) === real(b);
}
