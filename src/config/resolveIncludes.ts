import { appendAll } from "./appendAll";
import * as path from "path";
import { MissingFile, ReadCache, readConfigFile } from "./configFiles";
import { deepMerge } from "./deepMerge";
import { Finding, finding } from "./finding";
import { legacyDockerGroups } from "./legacyDockerGroups";
import { YMap, YNode } from "./yamlTree";

/**
 * Files one load may read through includes. A file included twice by every level would
 * otherwise be read 2^depth times: a diamond is fine, a fan-out bomb ends here.
 */
const MAX_INCLUDE_READS = 256;

export interface IncludedTree {
  readonly tree: YNode;
  readonly findings: readonly Finding[];
  /** Every file read, in merge order. */
  readonly files: readonly string[];
  readonly exists: boolean;
}

/**
 * Reads a file and deep-merges each of its `include`s on top, in order, recursively (the
 * monorepo loader's steps 1 and 2). A file that includes itself, directly or not, is an
 * `include-cycle` finding instead of a hang.
 */
export function readWithIncludes(
  configRoot: string,
  relative: string,
  missing: MissingFile,
  cache?: ReadCache,
  chain: readonly string[] = [],
  budget: { reads: number } = { reads: MAX_INCLUDE_READS },
): IncludedTree {
  budget.reads--;
  const read = readConfigFile(configRoot, relative, missing, cache);
  const findings: Finding[] = [...read.findings];
  const files: string[] = read.exists ? [relative] : [];
  if (read.tree.kind !== "map") {
    findings.push(finding("error", "invalid-value", `${relative} must be a YAML mapping at the top level; wrap its content in keys`, read.tree.loc));
    return { tree: { kind: "map", entries: new Map(), loc: read.tree.loc }, findings, files, exists: read.exists };
  }
  // A machine's legacy file writes its container groups without the machine level.
  const own = legacyDockerGroups(relative, read.tree);
  appendAll(findings, own.findings);
  const includeEntry = own.tree.entries.get("include");
  if (!includeEntry) return { tree: own.tree, findings, files, exists: read.exists };

  const entries = new Map(own.tree.entries);
  entries.delete("include");
  let tree: YNode = { kind: "map", entries, loc: own.tree.loc } satisfies YMap;
  const includeItems = includeEntry.value.kind === "seq" ? includeEntry.value.items : [includeEntry.value];
  for (const item of includeItems) {
    if (item.kind !== "scalar" || typeof item.value !== "string" || item.value.trim() === "") {
      findings.push(finding("error", "invalid-value", `include entries must be file paths relative to the config root, e.g. main_pc_code/config/startup_config.yaml`, item.loc));
      continue;
    }
    // One spelling per file (`./a//b/` is `a/b`), so cycle detection and `files` agree with the disk.
    const target = path.posix.normalize(item.value.trim().replace(/\\/g, "/")).replace(/(.)\/+$/, "$1");
    const cycle = [...chain, relative];
    if (cycle.includes(target)) {
      findings.push(
        finding("error", "include-cycle", `include cycle ${[...cycle, target].join(" -> ")}; remove one of these includes`, item.loc),
      );
      continue;
    }
    if (budget.reads <= 0) {
      findings.push(finding("error", "include-cycle", `more than ${MAX_INCLUDE_READS} include reads (files included over and over); include each file once`, item.loc));
      break;
    }
    const sub = readWithIncludes(configRoot, target, { severity: "error", what: "included file", at: item.loc }, cache, cycle, budget);
    appendAll(findings, sub.findings);
    appendAll(files, sub.files);
    tree = deepMerge(tree, sub.tree);
  }
  return { tree, findings, files, exists: read.exists };
}
