import * as z from "zod";
import { normalizeDistribution, parseRequirement, RequirementSpec } from "../requirements/requirementLine";
import { appendAll } from "./appendAll";
import { Finding, finding } from "./finding";
import { Machine } from "./machine";
import { requirementsLayerSchema, requirementsSettingsSchema, parseWithFindings } from "./schemas";
import { SourceLocation } from "./sourceLocation";
import { locateIn, mapEntries, YMap, YNode } from "./yamlTree";

/** A value and the file and line it was written at. */
export interface Sourced<T> {
  readonly value: T;
  readonly source: SourceLocation;
}

/** One level of `docker_defaults.requirements`: for all groups, one machine's, or one group's. */
export interface RequirementsLayer {
  /** By PEP 503 key: the version (and extras, marker) a distribution gets. */
  readonly pins: ReadonlyMap<string, Sourced<RequirementSpec>>;
  /** By PEP 503 key: never installed, whatever imports it. */
  readonly exclude: ReadonlyMap<string, Sourced<string>>;
  /** By PEP 503 key: installed besides what the imports need. */
  readonly extra: ReadonlyMap<string, Sourced<RequirementSpec>>;
  /** Dotted import name -> distribution name; wins over the built-in table. */
  readonly map: ReadonlyMap<string, Sourced<string>>;
}

export interface RequirementsSettings {
  readonly defaults: RequirementsLayer;
  readonly machines: ReadonlyMap<Machine, RequirementsLayer>;
  readonly groups: ReadonlyMap<string, RequirementsLayer>;
}

const EMPTY_LAYER: RequirementsLayer = { pins: new Map(), exclude: new Map(), extra: new Map(), map: new Map() };
export const NO_REQUIREMENTS_SETTINGS: RequirementsSettings = { defaults: EMPTY_LAYER, machines: new Map(), groups: new Map() };

// PEP 508 names and dotted Python identifiers.
const DISTRIBUTION_NAME = /^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$/;
const IMPORT_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

type LayerInput = z.output<typeof requirementsLayerSchema>;

/** A layer's entries, each checked (names, PEP 508 lines) with its own file and line. */
function readLayer(input: LayerInput, node: YNode, subject: string, findings: Finding[]): RequirementsLayer {
  const at = (...p: (string | number)[]) => locateIn(node, p);
  const pins = new Map<string, Sourced<RequirementSpec>>();
  for (const [name, version] of Object.entries(input.pins ?? {})) {
    // A bare version means exactly that version; anything else is a PEP 440 specifier (or `@ url`).
    const text = /^[0-9]/.test(version) ? `${name}==${version}` : `${name}${/^[@;[]/.test(version) ? " " : ""}${version}`;
    const parsed = DISTRIBUTION_NAME.test(name) ? parseRequirement(text) : { problem: "not a distribution name" };
    if ("problem" in parsed || parsed.name !== name) {
      findings.push(finding("error", "invalid-requirement", `${subject}.pins.${name}: "${text}" is ${"problem" in parsed ? parsed.problem : "not one requirement"}; write a version ("1.26.4") or a specifier (">=1.24,<2")`, at("pins", name)));
    } else pins.set(parsed.key, { value: parsed, source: at("pins", name) });
  }
  const exclude = new Map<string, Sourced<string>>();
  (input.exclude ?? []).forEach((name, i) => {
    if (!DISTRIBUTION_NAME.test(name)) findings.push(finding("error", "invalid-requirement", `${subject}.exclude: "${name}" is not a distribution name; list names only, e.g. [pytest, win32com]`, at("exclude", i)));
    else exclude.set(normalizeDistribution(name), { value: name, source: at("exclude", i) });
  });
  const extra = new Map<string, Sourced<RequirementSpec>>();
  (input.extra ?? []).forEach((line, i) => {
    const parsed = parseRequirement(line);
    if ("problem" in parsed) findings.push(finding("error", "invalid-requirement", `${subject}.extra: "${line}" is ${parsed.problem}; write one PEP 508 requirement, e.g. "sentencepiece==0.1.99"`, at("extra", i)));
    else extra.set(parsed.key, { value: parsed, source: at("extra", i) });
  });
  const map = new Map<string, Sourced<string>>();
  for (const [module, distribution] of Object.entries(input.map ?? {})) {
    if (!IMPORT_NAME.test(module) || !DISTRIBUTION_NAME.test(distribution)) {
      findings.push(finding("error", "invalid-requirement", `${subject}.map.${module}: map an import name (a dotted Python name) to a distribution name, e.g. {cv2: opencv-python-headless}`, at("map", module)));
    } else map.set(module, { value: distribution, source: at("map", module) });
  }
  for (const [key, excluded] of exclude) {
    if (extra.has(key)) findings.push(finding("error", "invalid-requirement", `${subject}: ${excluded.value} is both excluded and in extra at the same level; keep one`, excluded.source));
  }
  return { pins, exclude, extra, map };
}

/**
 * Reads `docker_defaults.requirements` of the merged config. Group names are checked against the
 * `docker_groups` of both machines (a warning: a group may be planned under another layout).
 */
export function readRequirementsSettings(root: YMap, findings: Finding[]): RequirementsSettings {
  const defaults = root.entries.get("docker_defaults");
  const entry = defaults?.value.kind === "map" ? defaults.value.entries.get("requirements") : undefined;
  if (entry === undefined || (entry.value.kind === "scalar" && entry.value.value === null)) return NO_REQUIREMENTS_SETTINGS;
  const parsed = parseWithFindings(requirementsSettingsSchema, entry.value, "docker_defaults.requirements", entry.keyLoc);
  if (!parsed.ok) {
    appendAll(findings, parsed.findings);
    return NO_REQUIREMENTS_SETTINGS;
  }
  const node = entry.value;
  const subject = "docker_defaults.requirements";
  const machines = new Map<Machine, RequirementsLayer>();
  for (const [machine, layer] of Object.entries(parsed.value.machines ?? {}) as [Machine, LayerInput][]) {
    machines.set(machine, readLayer(layer, nodeOf(node, ["machines", machine]), `${subject}.machines.${machine}`, findings));
  }
  const planned = new Set(mapEntries(root.entries.get("docker_groups")?.value).flatMap(([, m]) => mapEntries(m.value).map(([name]) => name)));
  const groups = new Map<string, RequirementsLayer>();
  for (const [group, layer] of Object.entries(parsed.value.groups ?? {})) {
    const at = locateIn(node, ["groups", group]);
    if (!planned.has(group)) findings.push(finding("warning", "unknown-group", `${subject}.groups.${group} names no group of docker_groups (mainpc or pc2); its settings apply to nothing; fix the name`, at));
    groups.set(group, readLayer(layer, nodeOf(node, ["groups", group]), `${subject}.groups.${group}`, findings));
  }
  return { defaults: readLayer(parsed.value, node, subject, findings), machines, groups };
}

function nodeOf(node: YNode, p: readonly string[]): YNode {
  let current: YNode = node;
  for (const step of p) {
    const next = current.kind === "map" ? current.entries.get(step)?.value : undefined;
    if (next === undefined) return current;
    current = next;
  }
  return current;
}

/**
 * One group's settings: the group's level over its machine's over the defaults. Pins and map
 * entries replace those of a lower level by name; an exclude undoes a lower level's extra of the
 * same distribution and an extra undoes a lower level's exclude. A pin only gives a version: it
 * never adds a distribution nor undoes an exclude.
 */
export function groupRequirementsSettings(settings: RequirementsSettings, machine: Machine, group: string): RequirementsLayer {
  const pins = new Map<string, Sourced<RequirementSpec>>();
  const exclude = new Map<string, Sourced<string>>();
  const extra = new Map<string, Sourced<RequirementSpec>>();
  const map = new Map<string, Sourced<string>>();
  for (const layer of [settings.defaults, settings.machines.get(machine), settings.groups.get(group)]) {
    if (layer === undefined) continue;
    for (const [key, value] of layer.exclude) {
      exclude.set(key, value);
      extra.delete(key);
    }
    for (const [key, value] of layer.extra) {
      extra.set(key, value);
      exclude.delete(key);
    }
    for (const [key, value] of layer.pins) pins.set(key, value);
    for (const [module, value] of layer.map) map.set(module, value);
  }
  return { pins, exclude, extra, map };
}
