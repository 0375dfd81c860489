import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";

export const PROJECT_DIR = path.resolve(__dirname, "../..");

export interface ProjectConfigEntry {
  readonly type?: string;
  readonly items?: { readonly type?: string };
  readonly default?: unknown;
  readonly secret?: boolean;
  readonly description?: string;
}

export function readProjectFile(): { name: string; runtime: unknown; config: Record<string, ProjectConfigEntry> } {
  return YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));
}

export function readStackFile(stack: string): { text: string; config: Record<string, unknown> } {
  const text = fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8");
  return { text, config: YAML.parse(text).config };
}

/** Pulumi hands a program config values as text: scalars as strings, lists as JSON. */
const asText = (v: unknown): string => (typeof v === "object" && v !== null ? JSON.stringify(v) : String(v));

/** The raw settings a stack's program sees: Pulumi.yaml defaults overlaid by the stack file. */
export function stackRawSettings(stack: string): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const [key, entry] of Object.entries(readProjectFile().config)) {
    if (entry.default !== undefined) raw[key] = asText(entry.default);
  }
  for (const [fullKey, value] of Object.entries(readStackFile(stack).config)) {
    raw[fullKey.replace(/^ai-system:/, "")] = asText(value);
  }
  return raw;
}

/** The user's Windows stacks (examples/wsl2-docker-desktop), as the program sees them, run on this project's config. */
export const WSL2_EXAMPLES_DIR = path.join(PROJECT_DIR, "examples", "wsl2-docker-desktop");

export function exampleRawSettings(stack: string): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const [key, entry] of Object.entries(readProjectFile().config)) {
    if (entry.default !== undefined) raw[key] = asText(entry.default);
  }
  const text = fs.readFileSync(path.join(WSL2_EXAMPLES_DIR, `Pulumi.${stack}.yaml`), "utf8");
  for (const [fullKey, value] of Object.entries(YAML.parse(text).config as Record<string, unknown>)) raw[fullKey.replace(/^ai-system:/, "")] = asText(value);
  // The bundled configuration stands in for the monorepo root the example names.
  raw.configRoot = ".";
  return raw;
}

/** A project directory (Pulumi.yaml and the example stack files) for the compose export of the examples. */
export function exampleProjectDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ai-system-wsl2-"));
  fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  for (const stack of ["mainpc", "pc2"]) fs.copyFileSync(path.join(WSL2_EXAMPLES_DIR, `Pulumi.${stack}.yaml`), path.join(dir, `Pulumi.${stack}.yaml`));
  return dir;
}
