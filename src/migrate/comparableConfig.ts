import { isDeepStrictEqual } from "util";
import { EffectiveConfig } from "../config/effectiveConfig";
import { Finding } from "../config/finding";

/** Keys that say which agents exist and where: their content is compared through `agents` and `groups`. */
const AGENT_LAYOUT_KEYS = new Set(["agent_groups", "pc2_services", "machine_profiles", "include"]);

/**
 * What must not change when the same configuration is written differently: everything the
 * loader yields except where things were written (`source`, `files`, locations in findings) and
 * the layout keys. Agents are compared without `group` (the brief allows pc2's group to change;
 * the migration keeps it `pc2_services` anyway, and `groups` still compares it).
 */
export function comparableConfig(config: EffectiveConfig, findings: readonly Finding[]): Record<string, unknown> {
  const tree = config.tree !== null && typeof config.tree === "object" ? (config.tree as Record<string, unknown>) : {};
  const settings = Object.fromEntries(Object.entries(tree).filter(([key]) => !AGENT_LAYOUT_KEYS.has(key)));
  return {
    machine: config.machine,
    override: config.override,
    version: config.version,
    globalEnvironment: config.globalEnvironment,
    settings,
    groups: config.groups.map(({ source: _source, ...group }) => group),
    agents: config.agents.map(({ source: _source, group: _group, ...agent }) => agent),
    vramGb: config.vramGb,
    dockerGroups: config.dockerGroups?.map(({ source: _source, agentSources: _sources, ...group }) => group) ?? null,
    dockerDefaults: config.dockerDefaults,
    // Some messages name where something was written (`at a.yaml:5`); that is allowed to change.
    findings: findings.map((f) => `${f.severity} [${f.code}] ${f.message.replace(/[\w./-]+\.ya?ml:\d+/g, "<file:line>")}`).sort(),
  };
}

/**
 * Each differing value by its path (`agents.ResourceManager.port: 7113 became 7114`); lists of
 * named things (agents, groups) are matched by name. Empty when equal.
 */
export function configDifferences(before: unknown, after: unknown, at = ""): string[] {
  if (isDeepStrictEqual(before, after)) return [];
  const left = asRecord(before);
  const right = asRecord(after);
  if (left && right) {
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])];
    const found = keys.flatMap((key) => configDifferences(left[key], right[key], at === "" ? key : `${at}.${key}`));
    return found.length > 0 ? found : [`${at}: the order changed`];
  }
  return [`${at}: ${describe(before)} became ${describe(after)}`];
}

/** Objects as they are; arrays of named objects keyed by name; anything else null. */
function asRecord(value: unknown): Record<string, unknown> | null {
  if (Array.isArray(value)) {
    const named = value.every((v) => v !== null && typeof v === "object" && typeof (v as { name?: unknown }).name === "string");
    return named && value.length > 0 ? Object.fromEntries(value.map((v) => [(v as { name: string }).name, v])) : null;
  }
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : null;
}

function describe(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}
