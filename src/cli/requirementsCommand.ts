import { appendAll } from "../config/appendAll";
import * as fs from "fs";
import * as path from "path";
import { formatFinding, formatFindings } from "../config/finding";
import { ordinal } from "../config/ordinal";
import { Environment } from "../config/substituteEnvironment";
import { generateRequirements, GeneratedRequirements, PREFLIGHT_CODES } from "../requirements/generateRequirements";
import { LAUNCHER_FILE, LAUNCHER_SOURCE } from "../launcher/launcherContract";
import { BASE_FILE, GENERATED_HEADER, groupFile, systemFile } from "../requirements/requirementsFiles";
import { Machine } from "../config/machine";
import { REQUIREMENTS_DIR } from "../images/groupImage";
import { commandEnvironment, ENV_USAGE } from "./commandEnvironment";
import { PROJECT_ROOT } from "./planCommand";
import { CommandResult, helpResult, machineOption, overrideOption, parseCommandLine, pathOption, usageError } from "./commandLine";

const USAGE = `usage: ai-system requirements --config-root DIR [--out DIR] [--machine mainpc|pc2|all] [--override NAME|none] [--env NAME=VALUE]...

  --config-root  monorepo root: config/startup_config.v3.yaml and the agents' Python code
  --out          directory to write (default: DIR/ai-system-build/requirements, inside the image
                 build context, where the images read it; never the monorepo's own requirements/)
  --machine      the host whose docker groups to cover (default: all, both hosts)
  --override     CONFIG_OVERRIDE file to plan with (default: docker)
${ENV_USAGE}

Follows every agent's script_path and the monorepo modules it imports, and writes base.txt
(what every group needs), <group>.txt (-r base.txt plus the rest) and <group>.system.txt
(apt packages) per docker group, plus ${LAUNCHER_FILE}, the image entrypoint the Dockerfiles
copy. Files it generated before for groups that no longer exist are removed.

exit status: 0 written (warnings possible), 1 the plan has errors (nothing written), 2 wrong usage`;

/** The whole command as a function of its arguments and environment; it writes only under --out. */
/** `_shell` is not read: `${VAR}` values come from the stack settings and `--env` only. */
export function runRequirementsCommand(argv: readonly string[], _shell: Environment): CommandResult {
  const usage = (problem: string): CommandResult => usageError(problem, USAGE);
  const parsed = parseCommandLine(argv, { values: ["--config-root", "--out", "--machine", "--override"], switches: [], lists: ["--env"] });
  if (parsed.kind === "help") return helpResult(USAGE);
  if (parsed.kind === "usage") return usage(parsed.problem);
  const configRoot = pathOption(parsed.values, "--config-root");
  const out = pathOption(parsed.values, "--out");
  const chosen = machineOption(parsed.values.get("--machine") ?? "all", true);
  if ("problem" in chosen) return usage(chosen.problem);
  const machines = chosen.machines;
  const override = overrideOption(parsed.values);
  if (configRoot === undefined) return usage("--config-root is required");
  if (!fs.existsSync(configRoot) || !fs.statSync(configRoot).isDirectory()) return usage(`--config-root ${configRoot} is not a directory`);
  const outDir = out ?? path.join(configRoot, REQUIREMENTS_DIR);

  const envByMachine: Partial<Record<Machine, Environment>> = {};
  for (const machine of machines) {
    const vars = commandEnvironment(PROJECT_ROOT, machine, configRoot, parsed.lists.get("--env") ?? []);
    if ("problem" in vars) return usage(vars.problem);
    envByMachine[machine] = vars.env;
  }
  const result = generateRequirements({ configRoot, machines, env: {}, envByMachine, override });
  const lines = [`Requirements for ${machines.join(", ")} from ${configRoot} (override: ${override ?? "none"})`];
  // The agents' code problems are the plan's to report (npm run plan); the scan warnings below name what they hide.
  const planProblems = result.findings.filter((f) => f.severity !== "info" && !PREFLIGHT_CODES.has(f.code));
  if (planProblems.length > 0) lines.push(`Plan findings: ${planProblems.length}`, ...formatFindings(planProblems).map((line) => `  ${line}`));
  if (result.failed) {
    appendAll(lines, [...result.conflicts.map((c) => `ERROR ${c}`), "Nothing written: fix the errors above first."]);
    return { exitCode: 1, stdout: `${lines.join("\n")}\n`, stderr: "" };
  }

  const foreign = foreignFiles(outDir, [...result.files.keys()]);
  if (foreign.length > 0) {
    return usage(`refusing to overwrite ${foreign.join(", ")} in ${outDir}: not written by this command; choose another --out`);
  }
  const removed = writeFiles(outDir, result);
  appendAll(lines, summary(configRoot, outDir, result, removed));
  return { exitCode: 0, stdout: `${lines.join("\n")}\n`, stderr: "" };
}

/** True for a file this command wrote before (so it may be replaced or removed). */
function isGenerated(file: string, name: string): boolean {
  // The launcher has no header of its own: compare its shebang and first docstring line instead.
  const head = (text: string, lines: number) => text.split("\n", lines).join("\n");
  const text = fs.readFileSync(file, "utf8");
  return name === LAUNCHER_FILE ? head(text, 2) === head(fs.readFileSync(LAUNCHER_SOURCE, "utf8"), 2) : head(text, 1) === GENERATED_HEADER;
}

/** Files about to be written that exist and were not written by this command: a hand-written base.txt must survive. */
function foreignFiles(outDir: string, names: readonly string[]): string[] {
  return [...names, LAUNCHER_FILE].filter((name) => {
    const file = path.join(outDir, name);
    return fs.existsSync(file) && !(fs.statSync(file).isFile() && isGenerated(file, name));
  });
}

/** Writes every file and the launcher copy; removes generated files of vanished groups. */
function writeFiles(outDir: string, result: GeneratedRequirements): string[] {
  fs.mkdirSync(outDir, { recursive: true });
  for (const [name, text] of result.files) fs.writeFileSync(path.join(outDir, name), text);
  fs.copyFileSync(LAUNCHER_SOURCE, path.join(outDir, LAUNCHER_FILE));
  const removed: string[] = [];
  for (const name of fs.readdirSync(outDir).sort(ordinal)) {
    if (!name.endsWith(".txt") || result.files.has(name)) continue;
    const file = path.join(outDir, name);
    if (fs.statSync(file).isFile() && isGenerated(file, name)) {
      fs.rmSync(file);
      removed.push(name);
    }
  }
  return removed;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function summary(configRoot: string, outDir: string, result: GeneratedRequirements, removed: readonly string[]): string[] {
  const agents = result.groups.flatMap((g) => g.agents);
  const lines = [
    `Scanned ${plural(result.scannedFiles, "Python file")} for ${agents.filter((a) => a.found).length} of ${plural(agents.length, "agent")} in ${plural(result.groups.length, "docker group")}.`,
  ];
  if (result.groups.length === 0) lines.push("No docker groups are planned, so there is nothing to install; see the plan findings above.");
  else if (agents.every((a) => !a.found)) lines.push(`No agent script exists under the config root: is ${configRoot} the monorepo root? Every requirements file is empty.`);
  const names = [...result.files.keys(), LAUNCHER_FILE];
  const width = Math.max(...names.map((n) => n.length));
  const baseLines = new Set(result.base);
  lines.push(`Wrote ${plural(names.length, "file")} to ${outDir}:`);
  lines.push(`  ${BASE_FILE.padEnd(width)}  ${plural(result.base.length, "distribution")} shared by every group`);
  for (const g of result.groups) {
    const own = g.lines.filter((l) => !baseLines.has(l)).length;
    const found = g.agents.filter((a) => a.found).length;
    lines.push(`  ${groupFile(g.group).padEnd(width)}  ${own} more (${g.machine}, ${g.gpu ? "GPU" : "CPU"}, ${found} of ${plural(g.agents.length, "agent")} scanned)`);
    lines.push(`  ${systemFile(g.group).padEnd(width)}  ${plural(g.systemPackages.length, "apt package")}`);
  }
  lines.push(`  ${LAUNCHER_FILE.padEnd(width)}  the group launcher (image entrypoint)`);
  if (removed.length > 0) lines.push(`Removed files generated for groups that no longer exist: ${removed.join(", ")}`);
  const unmapped = result.groups.flatMap((g) => g.unmapped.map((d) => `${d} (${g.group})`));
  if (unmapped.length > 0) lines.push(`Unmapped import names, written commented out (not installed): ${unmapped.join(", ")}`);
  const excluded = result.groups.flatMap((g) => g.excluded.map((d) => `${d} (${g.group})`));
  if (excluded.length > 0) lines.push(`Excluded by docker_defaults.requirements (not installed): ${excluded.join(", ")}`);
  lines.push(result.userFiles.length === 0 ? "Versions from your requirements files: none found" : `Versions from your requirements files (constraints: they never add a distribution): ${result.userFiles.join(", ")}`);
  lines.push(result.warnings.length === 0 ? "Warnings: none" : `Warnings: ${result.warnings.length}`, ...result.warnings.map((w) => `  ${formatFinding(w)}`));
  return lines;
}
