import { appendAll } from "../config/appendAll";
import * as fs from "fs";
import * as path from "path";
import { isMap, isScalar, isSeq, LineCounter, Pair, parseDocument, Scalar, visit, YAMLMap } from "yaml";
import { PC2_SERVICES_LIST } from "../config/agentEntries";
import { legacyFileMachine } from "../config/legacyDockerGroups";
import { MACHINES } from "../config/machine";
import { listToAgentGroup } from "./listToAgentGroup";
import { keyName, mergeDocumentMaps } from "./mergeDocumentNodes";

export interface FileComment {
  readonly file: string;
  readonly comment: string;
}

export interface DocumentTree {
  /** The merged top level, without `include`; `pc2_services` (if any) already map-shaped. */
  readonly root: YAMLMap;
  /** Config-root-relative files read, in merge order. */
  readonly files: readonly string[];
  /** Comments at the top of each file (before its first key), in merge order. */
  readonly headers: readonly FileComment[];
  /** Comments after the last value of each file. */
  readonly trailers: readonly FileComment[];
  /** The file whose `pc2_services` list won the merge, or null without a list. */
  readonly listFile: string | null;
  readonly problems: readonly string[];
}

/**
 * Reads a config file and its `include`s as yaml documents (comments kept) and deep-merges them
 * in include order, recursively, as src/config/resolveIncludes.ts does with plain trees. The
 * caller has checked the same files with that loader first (missing files, cycles, syntax), so
 * this only guards against what the document form adds: aliases, which cannot be carried into
 * another file, and list items the conversion cannot name.
 */
export function readDocumentTree(configRoot: string, relative: string, chain: readonly string[] = []): DocumentTree {
  const text = fs.readFileSync(path.resolve(configRoot, relative), "utf8");
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const problems: string[] = doc.errors.map((e) => `${relative}: ${e.message.split("\n")[0]}`);
  let hasAlias = false;
  visit(doc, {
    Alias() {
      hasAlias = true;
      return visit.BREAK;
    },
  });
  if (hasAlias || problems.length > 0 || !isMap(doc.contents)) {
    if (hasAlias) problems.push(`${relative} uses YAML anchors and aliases (&name, *name), which cannot be carried into another file; expand them, then migrate again`);
    if (!isMap(doc.contents) && problems.length === 0) problems.push(`${relative} must be a YAML mapping at the top level`);
    return { root: new YAMLMap(), files: [relative], headers: [], trailers: [], listFile: null, problems };
  }
  const source = { file: relative, lines: text.split(/\r?\n/), lineCounter };
  const own = new YAMLMap();
  let includes: string[] = [];
  let listFile: string | null = null;
  for (const pair of doc.contents.items as Pair[]) {
    const name = keyName(pair);
    if (name === "include") {
      const items = isSeq(pair.value) ? pair.value.items : [pair.value];
      includes = items.flatMap((i) => (isScalar(i) && typeof i.value === "string" ? [path.posix.normalize(i.value.trim().replace(/\\/g, "/"))] : []));
    } else if (name === PC2_SERVICES_LIST && isSeq(pair.value)) {
      const converted = listToAgentGroup(pair.value, source);
      appendAll(problems, converted.problems);
      listFile = relative;
      own.items.push(new Pair(pair.key, converted.group ?? new YAMLMap()));
    } else if (name === PC2_SERVICES_LIST && !(isScalar(pair.value) && pair.value.value === null) && pair.value !== null) {
      problems.push(`${relative}: ${PC2_SERVICES_LIST} must be a list of agents; fix it, then migrate again`);
    } else if (name === "docker_groups") {
      own.items.push(withMachineLevel(pair, relative));
    } else {
      own.items.push(pair);
    }
  }
  let tree: DocumentTree = {
    root: own,
    files: [relative],
    headers: doc.commentBefore ? [{ file: relative, comment: doc.commentBefore }] : [],
    trailers: doc.comment ? [{ file: relative, comment: doc.comment }] : [],
    listFile,
    problems,
  };
  for (const target of includes) {
    if ([...chain, relative].includes(target)) continue; // a cycle: the loader check reported it
    const sub = readDocumentTree(configRoot, target, [...chain, relative]);
    tree = {
      root: mergeDocumentMaps(withoutListIfReplaced(tree.root, sub.root), sub.root),
      files: [...tree.files, ...sub.files],
      headers: [...tree.headers, ...sub.headers],
      trailers: [...tree.trailers, ...sub.trailers],
      listFile: sub.root.items.some((p) => keyName(p as Pair) === PC2_SERVICES_LIST) ? sub.listFile : tree.listFile,
      problems: [...tree.problems, ...sub.problems],
    };
  }
  return tree;
}

/** The loader replaces a list by a later list, while two converted groups would merge: drop the earlier one. */
function withoutListIfReplaced(base: YAMLMap, override: YAMLMap): YAMLMap {
  if (!override.items.some((p) => keyName(p as Pair) === PC2_SERVICES_LIST)) return base;
  const copy = new YAMLMap();
  Object.assign(copy, base);
  copy.items = base.items.filter((p) => keyName(p as Pair) !== PC2_SERVICES_LIST);
  return copy;
}


/**
 * A machine's legacy file writes its container groups without the machine level
 * (src/config/legacyDockerGroups.ts); in the one v3 file they go under `docker_groups.<machine>`,
 * names and values as written (the loader maps `vision_dream_gpu` to container `vision-dream-gpu`
 * in either layout). A block already keyed by machine stays as it is; a mixed one the loader
 * check has refused before this runs.
 */
function withMachineLevel(pair: Pair, relative: string): Pair {
  const machine = legacyFileMachine(relative);
  if (machine === null || !isMap(pair.value) || pair.value.items.length === 0) return pair;
  if ((pair.value.items as Pair[]).some((p) => (MACHINES as readonly string[]).includes(keyName(p)))) return pair;
  const key = new Scalar(machine);
  key.commentBefore = ` Container groups of ${relative}, which names no machine: it is ${machine}'s file.`;
  const groups = new YAMLMap();
  groups.items.push(new Pair(key, pair.value));
  return new Pair(pair.key, groups);
}
