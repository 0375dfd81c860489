import { appendAll } from "../config/appendAll";
import { Finding, FindingCode, hasErrors } from "../config/finding";
import { Machine } from "../config/machine";
import { ordinal } from "../config/ordinal";
import { Environment } from "../config/substituteEnvironment";
import { buildDeploymentPlan } from "../plan/buildDeploymentPlan";
import { ContainerPlan } from "../plan/deploymentPlan";
import { groupRequirements, GroupRequirements } from "./groupRequirements";
import { PythonFiles } from "../python/pythonFiles";
import { ImportScanner } from "./importScanner";
import { ModuleResolver } from "./moduleResolver";
import { baseDistributions, requirementsFiles } from "./requirementsFiles";
import { sortScanWarnings } from "./scanWarning";
import { UserRequirements } from "./userRequirements";
import { normalizeDistribution } from "./requirementLine";
import { groupRequirementsSettings, NO_REQUIREMENTS_SETTINGS, RequirementsSettings } from "../config/requirementsSettings";

export const PREFLIGHT_CODES: ReadonlySet<FindingCode> = new Set<FindingCode>(["missing-script", "python-syntax", "broken-import"]);

export interface GenerateOptions {
  readonly configRoot: string;
  readonly machines: readonly Machine[];
  readonly env: Environment;
  /** Per machine, instead of `env`: each machine's stack settings resolve its `${VAR}`s. */
  readonly envByMachine?: Partial<Record<Machine, Environment>>;
  /** CONFIG_OVERRIDE to plan with; null for none. */
  readonly override: string | null;
  /** Parses of the config root's Python files already made (the plan's), shared by every plan and scan here. */
  readonly pythonFiles?: PythonFiles;
}

export interface GeneratedRequirements {
  /** Every plan finding of the machines asked for (errors first per machine). */
  readonly findings: readonly Finding[];
  /** Plan errors, or one group name on both machines: nothing is generated then. */
  readonly failed: boolean;
  /** Why the run failed beyond plan findings (a group name used on both machines). */
  readonly conflicts: readonly string[];
  /** Sorted by group name. */
  readonly groups: readonly GroupRequirements[];
  /** The lines every group shares (base.txt); sorted. */
  readonly base: readonly string[];
  /** The user's own requirements files read as constraints (config-root-relative, sorted). */
  readonly userFiles: readonly string[];
  /** File name -> text, sorted by name; empty when failed. */
  readonly files: ReadonlyMap<string, string>;
  readonly warnings: readonly Finding[];
  readonly scannedFiles: number;
}

/**
 * Plans each machine, scans each container's agents and builds every requirements file. Reads
 * the config root, writes nothing: the command decides where the files go.
 */
export function generateRequirements(options: GenerateOptions): GeneratedRequirements {
  const pythonFiles = options.pythonFiles ?? new PythonFiles(options.configRoot);
  const findings: Finding[] = [];
  const containers: ContainerPlan[] = [];
  const settings = new Map<Machine, RequirementsSettings>();
  for (const machine of options.machines) {
    const plan = buildDeploymentPlan({ configRoot: options.configRoot, machine, env: options.envByMachine?.[machine] ?? options.env, override: options.override, pythonFiles });
    appendAll(findings, plan.findings);
    appendAll(containers, plan.containers);
    settings.set(machine, plan.config.requirements);
  }

  const owners = new Map<string, Machine[]>();
  for (const c of containers) owners.set(c.name, [...(owners.get(c.name) ?? []), c.machine]);
  const conflicts = [...owners]
    .filter(([, machines]) => machines.length > 1)
    .map(([name, machines]) => `docker group ${name} exists on ${machines.join(" and ")}; its requirements file would be ambiguous, so run once per machine with --machine and separate --out directories`)
    .sort(ordinal);

  // The agents' own code problems (preflight) do not change what the healthy groups need.
  const failed = hasErrors(findings.filter((f) => !PREFLIGHT_CODES.has(f.code))) || conflicts.length > 0;
  if (failed) return { findings, failed, conflicts, groups: [], base: [], userFiles: [], files: new Map(), warnings: [], scannedFiles: 0 };

  const scanner = new ImportScanner(new ModuleResolver(options.configRoot), pythonFiles);
  const user = new UserRequirements(options.configRoot);
  const groups: GroupRequirements[] = [];
  const warnings: Finding[] = [...user.findings];
  const scanned = new Set<string>();
  for (const container of [...containers].sort((a, b) => ordinal(a.name, b.name))) {
    const scan = scanner.scan(container.agents);
    appendAll(warnings, scan.warnings);
    for (const f of scan.files) scanned.add(f);
    const found = new Set(scan.foundAgents);
    const versions = user.constraintsFor(container.agents.filter((a) => found.has(a.name)).map((a) => a.scriptPath));
    const groupSettings = groupRequirementsSettings(settings.get(container.machine) ?? NO_REQUIREMENTS_SETTINGS, container.machine, container.name);
    const group = groupRequirements(container, scan, { settings: groupSettings, constraints: versions.constraints });
    groups.push(group);
    // A disagreement matters only for what the group installs and the settings do not pin.
    for (const key of group.distributions.map(normalizeDistribution)) {
      const conflict = versions.conflicts.get(key);
      if (conflict !== undefined && !groupSettings.pins.has(key)) warnings.push(conflict);
    }
  }
  return { findings, failed, conflicts, groups, base: baseDistributions(groups), userFiles: user.files, files: requirementsFiles(groups), warnings: sortScanWarnings(warnings), scannedFiles: scanned.size };
}
