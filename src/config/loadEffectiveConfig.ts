import { appendAll } from "./appendAll";
import { agentNameProblem, ENVIRONMENT_KEY } from "./agentName";
import { setOwn } from "./ownProperty";
import { ordinal } from "./ordinal";
import * as path from "path";
import { AgentEntry, readAgentEntries } from "./agentEntries";
import { overrideFile, ReadCache, V3_FILE } from "./configFiles";
import { deepMerge } from "./deepMerge";
import { readDockerSettings } from "./dockerSettings";
import { readRequirementsSettings } from "./requirementsSettings";
import { AgentGroupSpec, AgentSpec, EffectiveConfig } from "./effectiveConfig";
import { Finding, finding, sortFindings } from "./finding";
import { Machine } from "./machine";
import { readWithIncludes } from "./resolveIncludes";
import { agentSchema, parseWithFindings } from "./schemas";
import { Environment, substituteEnvironment } from "./substituteEnvironment";
import { locateIn, mapEntries, treeToPlain, YMap, YNode } from "./yamlTree";

export interface LoadOptions {
  /** The monorepo root that holds `config/startup_config.v3.yaml`. */
  readonly configRoot: string;
  readonly machine: Machine;
  /** The environment used for `${VAR}` substitution; never read from process.env here. */
  readonly env: Environment;
  /** The CONFIG_OVERRIDE to apply (e.g. "docker"); undefined means env.CONFIG_OVERRIDE; null means none. */
  readonly override?: string | null;
  /** Shared by loads that read the same files (both machines of one plan). */
  readonly cache?: ReadCache;
}

export interface LoadResult {
  readonly config: EffectiveConfig;
  /** Sorted, errors first. */
  readonly findings: readonly Finding[];
}

const OVERRIDE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Builds one machine's effective configuration the way the monorepo's UnifiedConfigLoader
 * means it (see the agent-runtime contract), without its defects: `${VAR:-default}` works,
 * group settings in overrides stay settings, `agents.<Name>` overrides reach the agent, and the
 * list-shaped `pc2_services` belongs to pc2 only. Never throws on bad input: every problem is a
 * finding.
 */
export function loadEffectiveConfig(options: LoadOptions): LoadResult {
  const configRoot = path.resolve(options.configRoot);
  const { machine, env } = options;
  const findings: Finding[] = [];
  const files: string[] = [];
  const top = { file: V3_FILE, line: 1 };

  const base = readWithIncludes(configRoot, V3_FILE, { severity: "error", what: "the v3 config", at: top }, options.cache);
  appendAll(findings, base.findings);
  appendAll(files, base.files);
  let merged: YNode = base.tree;

  const machineOverride = readWithIncludes(configRoot, overrideFile(machine), { severity: "none", what: "", at: top }, options.cache);
  appendAll(findings, machineOverride.findings);
  appendAll(files, machineOverride.files);
  merged = deepMerge(merged, machineOverride.tree);

  const requested = options.override === undefined ? env["CONFIG_OVERRIDE"] ?? null : options.override;
  const override = requested === null || requested.trim() === "" ? null : requested.trim();
  if (override !== null && override !== machine) {
    if (!OVERRIDE_NAME.test(override)) {
      findings.push(finding("error", "invalid-value", `CONFIG_OVERRIDE "${override}" is not a file name; use a name like docker`, top));
    } else {
      const extra = readWithIncludes(configRoot, overrideFile(override), { severity: "warning", what: `the ${override} override`, at: top }, options.cache);
      appendAll(findings, extra.findings);
      appendAll(files, extra.files);
      merged = deepMerge(merged, extra.tree);
    }
  }

  const substituted = substituteEnvironment(merged, env);
  appendAll(findings, substituted.findings);
  const tree = substituted.tree;
  const root: YMap = tree.kind === "map" ? tree : { kind: "map", entries: new Map(), loc: top };

  const entries = readAgentEntries(root);
  appendAll(findings, entries.findings);
  const selected = selectMachineAgents(root, entries, machine, findings);

  const overridden = applyAgentOverrides(root, selected.agents, findings);
  const enabled = dropDisabledAgents(root, overridden, findings);
  const agents = validateAgents(enabled, machine, findings);

  const docker = readDockerSettings(root, machine);
  appendAll(findings, docker.findings);

  let plainTree: unknown;
  const config: EffectiveConfig = {
    machine,
    configRoot,
    override,
    files,
    version: scalarString(root.entries.get("version")?.value),
    globalEnvironment: readEnvironment(root, findings),
    groups: selected.groups,
    agents,
    vramGb: readVramGb(root, findings),
    dockerGroups: docker.groups,
    dockerGroupsSource: docker.source,
    dockerDefaults: docker.defaults,
    requirements: readRequirementsSettings(root, findings),
    // Built on first use: most callers never read keys this program does not model.
    get tree() {
      plainTree ??= treeToPlain(root);
      return plainTree;
    },
    locate: (p) => (p.length === 0 ? root.loc : locateIn(root, p)),
  };
  return { config, findings: sortFindings(findings) };
}

function selectMachineAgents(
  root: YMap,
  entries: ReturnType<typeof readAgentEntries>,
  machine: Machine,
  findings: Finding[],
): { agents: AgentEntry[]; groups: AgentGroupSpec[] } {
  const profiles = root.entries.get("machine_profiles");
  let enabled: Set<string> | null = null;
  if (profiles) {
    const profile = profiles.value.kind === "map" ? profiles.value.entries.get(machine) : undefined;
    if (!profile) {
      findings.push(
        finding("error", "unknown-machine", `machine_profiles has no ${machine} profile; add machine_profiles.${machine}.enabled_groups`, profiles.keyLoc),
      );
      enabled = new Set();
    } else {
      const list = profile.value.kind === "map" ? profile.value.entries.get("enabled_groups") : undefined;
      const names = list?.value.kind === "seq" ? list.value.items : [];
      if (!list || list.value.kind !== "seq") {
        findings.push(finding("error", "invalid-value", `machine_profiles.${machine}.enabled_groups must be a list of agent group names`, list?.keyLoc ?? profile.keyLoc));
      }
      enabled = new Set();
      const known = new Set(entries.groups.map((g) => g.name));
      for (const item of names) {
        const name = item.kind === "scalar" && item.value !== null ? String(item.value) : "";
        if (name === "" || item.kind !== "scalar") {
          findings.push(finding("error", "invalid-value", `enabled_groups entries must be agent group names`, item.loc));
          continue;
        }
        enabled.add(name);
        if (!known.has(name) && !(name === "pc2_services" && entries.pc2List !== null)) {
          findings.push(finding("warning", "unknown-group", `machine_profiles.${machine} enables ${name}, but agent_groups has no such group; remove it or add the group`, item.loc));
        }
      }
    }
  }
  // Without profiles (the legacy include layout) agent_groups is mainpc's, as in main_pc_code.
  const groupRuns = (name: string): boolean => (enabled ? enabled.has(name) : machine === "mainpc");
  const groups: AgentGroupSpec[] = [];
  const agents: AgentEntry[] = [];
  for (const group of entries.groups) {
    if (!groupRuns(group.name)) continue;
    appendAll(agents, group.agents);
    groups.push({ name: group.name, settings: group.settings, agentNames: group.agents.map((a) => a.name), source: group.source });
  }
  if (entries.pc2List && machine === "pc2") {
    appendAll(agents, entries.pc2List);
    groups.push({ name: "pc2_services", settings: {}, agentNames: entries.pc2List.map((a) => a.name), source: entries.pc2ListSource ?? root.loc });
  }
  return { agents, groups };
}

/** Top-level `agents.<Name>` blocks (machine overrides) are merged into that agent. */
function applyAgentOverrides(root: YMap, agents: AgentEntry[], findings: Finding[]): AgentEntry[] {
  const overrides = root.entries.get("agents");
  if (!overrides) return agents;
  if (overrides.value.kind !== "map") {
    if (!(overrides.value.kind === "scalar" && overrides.value.value === null)) {
      findings.push(finding("error", "invalid-value", "agents must be a mapping of agent name to overrides", overrides.keyLoc));
    }
    return agents;
  }
  const names = new Set(agents.map((a) => a.name));
  for (const [name, entry] of overrides.value.entries) {
    if (!names.has(name)) {
      findings.push(finding("warning", "unknown-agent-override", `agents.${name} overrides an agent this machine does not run; remove it or fix the name`, entry.keyLoc));
    } else if (entry.value.kind !== "map") {
      findings.push(finding("error", "invalid-value", `agents.${name} must be a mapping of agent settings, e.g. config: {...}`, entry.keyLoc));
    }
  }
  return agents.map((agent) => {
    const over = overrides.value.kind === "map" ? overrides.value.entries.get(agent.name) : undefined;
    if (!over || over.value.kind !== "map") return agent;
    return { ...agent, node: deepMerge(agent.node, over.value) as YMap };
  });
}

function dropDisabledAgents(root: YMap, agents: AgentEntry[], findings: Finding[]): AgentEntry[] {
  const disabled = root.entries.get("disabled_agents");
  if (!disabled || (disabled.value.kind === "scalar" && disabled.value.value === null)) return agents;
  if (disabled.value.kind !== "seq") {
    findings.push(finding("error", "invalid-value", "disabled_agents must be a list of agent names", disabled.keyLoc));
    return agents;
  }
  const names = new Set(disabled.value.items.flatMap((i) => (i.kind === "scalar" && i.value !== null ? [String(i.value)] : [])));
  return agents.filter((a) => !names.has(a.name));
}

function validateAgents(entries: AgentEntry[], machine: Machine, findings: Finding[]): AgentSpec[] {
  const seen = new Map<string, AgentEntry>();
  const agents: AgentSpec[] = [];
  for (const entry of entries) {
    const first = seen.get(entry.name);
    if (first) {
      findings.push(
        finding(
          "error",
          "duplicate-agent",
          `${entry.name} is defined twice for ${machine} (groups ${first.group} at ${first.source.file}:${first.source.line} and ${entry.group}); keep one definition or disable one group`,
          entry.source,
        ),
      );
      continue;
    }
    seen.set(entry.name, entry);
    // References (dependencies, docker groups, overrides) are matched exactly, so a name that
    // only differs by spaces would be a different agent nobody can refer to by mistake-free text.
    const nameProblem = agentNameProblem(entry.name);
    if (nameProblem !== null) {
      findings.push(finding("error", "invalid-value", nameProblem, entry.source));
      continue;
    }
    const parsed = parseWithFindings(agentSchema, entry.node, `agent ${entry.name}`, entry.source);
    if (!parsed.ok) {
      appendAll(findings, parsed.findings);
      continue;
    }
    const v = parsed.value;
    const healthCheckPort = v.health_check_port ?? v.port + 1;
    if (healthCheckPort + 1 > 65535) {
      findings.push(
        finding("error", "invalid-value", `agent ${entry.name}: its HTTP health port would be ${healthCheckPort + 1}, above 65535; lower health_check_port`, locateIn(entry.node, ["health_check_port"])),
      );
      continue;
    }
    agents.push({
      name: entry.name,
      machine,
      group: entry.group,
      scriptPath: v.script_path,
      port: v.port,
      healthCheckPort,
      httpHealthPort: healthCheckPort + 1,
      required: v.required,
      dependencies: v.dependencies,
      config: v.config,
      source: entry.source,
    });
  }
  return agents.sort((a, b) => ordinal(a.name, b.name));
}

/** `global_settings.environment`, then top-level `environment` (where overrides put it). */
function readEnvironment(root: YMap, findings: Finding[]): Record<string, string> {
  const out: Record<string, string> = {};
  const globalSettings = root.entries.get("global_settings")?.value;
  const sources = [globalSettings?.kind === "map" ? globalSettings.entries.get("environment")?.value : undefined, root.entries.get("environment")?.value];
  for (const source of sources) {
    for (const [key, entry] of mapEntries(source)) {
      const value = entry.value.kind === "scalar" ? entry.value.value : null;
      if (!ENVIRONMENT_KEY.test(key)) {
        const shown = JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}...` : key);
        findings.push(finding("error", "invalid-value", `environment variable name ${shown} must be ASCII letters, digits and _ with a letter or _ first; rename it`, entry.keyLoc));
        continue;
      }
      if (value !== null) setOwn(out, key, String(value));
    }
  }
  return out;
}

function readVramGb(root: YMap, findings: Finding[]): number | null {
  const limits = root.entries.get("resource_limits")?.value;
  const entry = limits?.kind === "map" ? limits.entries.get("vram_gb") : undefined;
  if (!entry) return null;
  const value = entry.value.kind === "scalar" ? Number(entry.value.value) : NaN;
  if (!Number.isFinite(value) || value <= 0 || value > 1024) {
    findings.push(finding("error", "invalid-value", "resource_limits.vram_gb must be the GPU's memory in GB, e.g. 24", entry.keyLoc));
    return null;
  }
  return value;
}

function scalarString(node: YNode | undefined): string | null {
  return node?.kind === "scalar" && node.value !== null ? String(node.value) : null;
}
