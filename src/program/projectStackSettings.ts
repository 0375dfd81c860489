import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { Machine } from "../config/machine";
import { RecentResults } from "../config/recentResults";
import { CONFIG_NAMESPACE } from "./settingDefinitions";
import { lineOfKey } from "./stackFileLines";
import { parseStackSettings, SettingsOutcome, SettingsSource } from "./stackSettings";

/** Pulumi hands a program config values as text: scalars as strings, lists as JSON. */
function asText(value: unknown): string {
  return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}

function readText(file: string): string | null {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
}

function configOf(document: unknown): Record<string, unknown> {
  if (typeof document !== "object" || document === null || !("config" in document)) return {};
  const config = document.config;
  return typeof config === "object" && config !== null ? { ...config } : {};
}

function rawOf(projectText: string | null, stackText: string | null): Readonly<Record<string, string>> {
  const raw: Record<string, string> = {};
  for (const [key, entry] of Object.entries(configOf(projectText === null ? null : YAML.parse(projectText)))) {
    if (typeof entry === "object" && entry !== null && "default" in entry && entry.default !== undefined) raw[key] = asText(entry.default);
  }
  const prefix = `${CONFIG_NAMESPACE}:`;
  for (const [key, value] of Object.entries(configOf(stackText === null ? null : YAML.parse(stackText)))) {
    if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = asText(value);
  }
  return raw;
}

/**
 * The last few results, by the two files' texts. One `ai-system plan` reads the stack settings
 * five times (the ${VAR} environment, the host, the source lines, then prepare does both again),
 * and parsing Pulumi.yaml each time was a fifth of the command's CPU. A pure function of the
 * texts, so a changed file is parsed again; callers get their own copy.
 */
const recent = new RecentResults<Readonly<Record<string, string>>>(4);

function cachedRawOf(projectText: string | null, stackText: string | null): Record<string, string> {
  return { ...recent.get(JSON.stringify([projectText, stackText]), () => rawOf(projectText, stackText)) };
}

/**
 * The raw settings of a stack as its files give them, without Pulumi: Pulumi.yaml's defaults,
 * then Pulumi.<stack>.yaml (secrets there are encrypted and come back as ciphertext objects;
 * callers that need them supply their own).
 */
export function projectRawSettings(projectDir: string, stack: string): { raw: Record<string, string>; source: SettingsSource } {
  const file = `Pulumi.${stack}.yaml`;
  const text = readText(path.join(projectDir, file));
  const raw = cachedRawOf(readText(path.join(projectDir, "Pulumi.yaml")), text);
  return { raw, source: { file, baseDir: projectDir, lineOf: (key) => lineOfKey(text, key) } };
}

/**
 * The settings the machine's stack would deploy with, read from the project files without
 * Pulumi: Pulumi.yaml's defaults, then Pulumi.<machine>.yaml; the secrets are left out and the
 * config root is the one given. For the plan command, which renders the containers to report
 * their hardening but deploys nothing.
 */
export function projectStackSettings(projectDir: string, machine: Machine, configRoot: string): SettingsOutcome {
  const { raw, source } = projectRawSettings(projectDir, machine);
  raw.machine = machine;
  raw.configRoot = configRoot;
  return parseStackSettings(raw, source, { secrets: "ignore" });
}

/** Where the machine's stack file writes each setting (for findings about settings). */
export function projectStackSource(projectDir: string, machine: Machine): SettingsSource {
  return projectRawSettings(projectDir, machine).source;
}
