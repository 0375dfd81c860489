import * as fs from "fs";
import * as path from "path";
import { Finding, finding } from "./finding";
import { realLocation } from "./realContainment";
import { Machine } from "./machine";
import { SourceLocation } from "./sourceLocation";
import { emptyMap, parseYamlTree, YNode } from "./yamlTree";

/** Paths inside a config root (the monorepo root), as the monorepo's loader uses them. */
export const V3_FILE = "config/startup_config.v3.yaml";
export const overrideFile = (name: string): string => `config/overrides/${name}.yaml`;
export const LEGACY_FILES: Readonly<Record<Machine, string>> = {
  mainpc: "main_pc_code/config/startup_config.yaml",
  pc2: "pc2_code/config/startup_config.yaml",
};

/**
 * Files above this size are refused: the real v3 file is about 30 KB and a generated
 * 5,000-agent one 1.4 MB (bench/); a 16 MB file exhausted a 4 GB heap in the security review.
 */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

/**
 * Parsed files of one plan, by path and missing-file wording: a plan loads both machines, which
 * share the v3 file and its includes, and parsing is most of the cost.
 */
export type ReadCache = Map<string, ReadResult>;

/** What an absent file is: how bad, how to name it, and where to report it. */
export interface MissingFile {
  readonly severity: "error" | "warning" | "none";
  readonly what: string;
  readonly at: SourceLocation;
}

export interface ReadResult {
  readonly tree: YNode;
  readonly findings: readonly Finding[];
  readonly exists: boolean;
}

/**
 * Reads and parses one config-root-relative YAML file. A missing file is a finding of the
 * caller's severity (an absent machine override is normal, an absent v3 file is not).
 */
export function readConfigFile(
  configRoot: string,
  relative: string,
  missing: MissingFile,
  cache?: ReadCache,
): ReadResult {
  if (cache === undefined) return readUncached(configRoot, relative, missing);
  const key = JSON.stringify([path.resolve(configRoot, relative), relative, missing]);
  const cached = cache.get(key);
  if (cached) return cached;
  const read = readUncached(configRoot, relative, missing);
  cache.set(key, read);
  return read;
}

function readUncached(
  configRoot: string,
  relative: string,
  missing: MissingFile,
): ReadResult {
  const absolute = path.resolve(configRoot, relative);
  const empty = emptyMap({ file: relative, line: 1 });
  const relToRoot = path.relative(path.resolve(configRoot), absolute);
  if (relToRoot.startsWith("..") || path.isAbsolute(relToRoot)) {
    return {
      tree: empty,
      exists: false,
      findings: [finding("error", "invalid-value", `${relative} is outside the config root; include files inside ${configRoot} only`, missing.at)],
    };
  }
  let text: string;
  try {
    // By real location: a symlink (the file or a directory on its way) may not lead out of the root.
    const location = realLocation(configRoot, relative);
    if (location.kind === "outside") {
      return {
        tree: empty,
        exists: false,
        findings: [finding("error", "invalid-value", `${relative} is a link to ${location.real}, outside the config root; include files inside ${configRoot} only`, missing.at)],
      };
    }
    if (location.kind === "missing") throw Object.assign(new Error("missing"), { code: "ENOENT" });
    const real = location.real;
    const stat = fs.statSync(real);
    if (!stat.isFile()) throw Object.assign(new Error("not a file"), { code: "ENOENT" });
    if (stat.size > MAX_FILE_BYTES) {
      return {
        tree: empty,
        exists: true,
        findings: [finding("error", "invalid-value", `${relative} is ${stat.size} bytes, over the ${MAX_FILE_BYTES}-byte limit; split or fix it`, missing.at)],
      };
    }
    text = fs.readFileSync(real, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      const findings =
        missing.severity === "none"
          ? []
          : [finding(missing.severity, "missing-file", `${missing.what} ${relative} does not exist under ${configRoot}; create it or fix the path`, missing.at)];
      return { tree: empty, exists: false, findings };
    }
    return {
      tree: empty,
      exists: false,
      findings: [finding("error", "missing-file", `${relative} cannot be read (${code ?? String(err)}); check its permissions`, missing.at)],
    };
  }
  const parsed = parseYamlTree(text, relative);
  return { tree: parsed.tree, findings: parsed.findings, exists: true };
}
