import { setOwn } from "./ownProperty";
import { Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Node, parseDocument } from "yaml";
import { Finding, finding } from "./finding";
import { SourceLocation } from "./sourceLocation";
import { RecentResults } from "./recentResults";

/**
 * A YAML value that remembers where it was written. The loader merges and substitutes on
 * these trees, so every value of the effective config can still name its file and line.
 */
export type YNode = YMap | YSeq | YScalar;

export interface YMap {
  readonly kind: "map";
  readonly entries: ReadonlyMap<string, YEntry>;
  readonly loc: SourceLocation;
}

export interface YEntry {
  /** Where the key was written: what a reader looks for when a finding names this entry. */
  readonly keyLoc: SourceLocation;
  readonly value: YNode;
}

export interface YSeq {
  readonly kind: "seq";
  readonly items: readonly YNode[];
  readonly loc: SourceLocation;
}

export type ScalarValue = string | number | boolean | null;

export interface YScalar {
  readonly kind: "scalar";
  readonly value: ScalarValue;
  readonly loc: SourceLocation;
}

export function emptyMap(loc: SourceLocation): YMap {
  return { kind: "map", entries: new Map(), loc };
}

export interface ParsedYaml {
  readonly tree: YNode;
  readonly findings: readonly Finding[];
}

/** Aliases expand in place, so a few nested ones can make billions of nodes (a YAML bomb). */
const MAX_NODES = 1_000_000;
const MAX_DEPTH = 64;

/**
 * The last few texts parsed, by file and text. A plan loads both machines, so each file is read
 * twice per command; the result is a pure function of the two and never mutated (readonly
 * trees), so the second read is free. Small, so a long-lived process does not collect trees.
 */
const recent = new RecentResults<ParsedYaml>(4);

/** Forgets the recent parses: the bench measures each plan as a fresh process runs it, parse included. */
export function forgetRecentParses(): void {
  recent.clear();
}

/** Parses one YAML text. A syntax error yields findings and an empty map, never an exception. */
export function parseYamlTree(text: string, file: string): ParsedYaml {
  return recent.get(`${file}\0${text}`, () => parseYamlTreeUncached(text, file));
}

function parseYamlTreeUncached(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    // Duplicate keys are found below in one pass; the parser's own check is quadratic per map.
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  } catch (err) {
    return { tree: emptyMap({ file, line: 1 }), findings: [syntaxFinding(file, 1, String(err))] };
  }
  const lineOf = (offset: number | undefined): number => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  if (doc.errors.length > 0) {
    const findings = doc.errors.map((e) => syntaxFinding(file, lineOf(e.pos[0]), e.message.split("\n")[0] ?? e.code));
    return { tree: emptyMap({ file, line: 1 }), findings };
  }
  const findings: Finding[] = [];
  // Anchors seen so far, in document order, so an alias means the latest preceding anchor. An
  // alias reuses the converted node (trees are immutable) but is charged its full size, so the
  // expanded tree that later walks see stays within MAX_NODES.
  const anchors = new Map<string, { node: YNode; size: number }>();
  let budget = MAX_NODES;
  const charge = (size: number): void => {
    budget -= size;
    if (budget < 0) throw new Error(`more than ${MAX_NODES} values after expanding aliases; remove the nested aliases`);
  };
  const convert = (node: unknown, depth: number): YNode => {
    const loc = { file, line: lineOf(nodeStart(node)) };
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) return { kind: "scalar", value: null, loc };
      charge(target.size);
      return target.node;
    }
    const before = budget;
    charge(1);
    const converted = convertNode(node, depth, loc);
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) anchors.set(anchor, { node: converted, size: before - budget });
    return converted;
  };
  const convertNode = (node: unknown, depth: number, loc: SourceLocation): YNode => {
    if (depth > MAX_DEPTH) {
      findings.push(finding("error", "invalid-value", `nesting deeper than ${MAX_DEPTH} levels; flatten this value`, loc));
      return { kind: "scalar", value: null, loc };
    }
    if (isMap(node)) {
      const entries = new Map<string, YEntry>();
      const inherited = new Map<string, YEntry>();
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const key = scalarKey(item.key);
        const keyLoc = { file, line: lineOf(nodeStart(item.key)) };
        if (key === "<<") {
          // YAML merge keys (`<<: *base` or `<<: [*a, *b]`) supply entries the map does not set itself.
          const merged = convert(item.value, depth + 1);
          const sources = merged.kind === "seq" ? merged.items : [merged];
          for (const source of sources) {
            if (source.kind === "map") for (const [k, v] of source.entries) if (!inherited.has(k)) inherited.set(k, v);
          }
          continue;
        }
        if (entries.has(key)) {
          findings.push(syntaxFinding(file, keyLoc.line, `duplicate key ${key} (first at line ${entries.get(key)!.keyLoc.line})`));
          continue;
        }
        entries.set(key, { keyLoc, value: item.value === null ? { kind: "scalar", value: null, loc: keyLoc } : convert(item.value, depth + 1) });
      }
      for (const [k, v] of inherited) if (!entries.has(k)) entries.set(k, v);
      return { kind: "map", entries, loc };
    }
    if (isSeq(node)) {
      return { kind: "seq", items: node.items.map((i) => convert(i, depth + 1)), loc };
    }
    if (isScalar(node)) {
      return { kind: "scalar", value: toScalarValue(node.value), loc };
    }
    return { kind: "scalar", value: null, loc };
  };
  let tree: YNode;
  try {
    tree = doc.contents === null ? emptyMap({ file, line: 1 }) : convert(doc.contents, 0);
  } catch (err) {
    // Only the alias budget throws: a YAML bomb becomes one finding.
    return { tree: emptyMap({ file, line: 1 }), findings: [syntaxFinding(file, 1, err instanceof Error ? err.message : String(err))] };
  }
  // An empty or comment-only file is an empty override, not an error.
  if (tree.kind === "scalar" && tree.value === null) tree = emptyMap({ file, line: 1 });
  return { tree, findings };
}

function syntaxFinding(file: string, line: number, detail: string): Finding {
  return finding("error", "yaml-syntax", `YAML syntax error: ${detail}; fix the YAML at this line`, { file, line });
}

function nodeStart(node: unknown): number | undefined {
  if (node !== null && typeof node === "object" && "range" in node) {
    const range = (node as Node).range;
    return range ? range[0] : undefined;
  }
  return undefined;
}

function scalarKey(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  if (key === null || key === undefined) return "";
  return String(key);
}

function toScalarValue(value: unknown): ScalarValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** Plain JavaScript data for a tree: what zod validates and what passes through untouched. */
export function treeToPlain(node: YNode): unknown {
  switch (node.kind) {
    case "scalar":
      return node.value;
    case "seq":
      return node.items.map(treeToPlain);
    case "map": {
      const out: Record<string, unknown> = {};
      for (const [k, e] of node.entries) setOwn(out, k, treeToPlain(e.value));
      return out;
    }
  }
}

/** Follows a path of keys and indexes; undefined when it leaves the tree. */
export function nodeAt(root: YNode, path: readonly (string | number)[]): YNode | undefined {
  let node: YNode | undefined = root;
  for (const step of path) {
    if (node === undefined) return undefined;
    if (node.kind === "map" && typeof step === "string") node = node.entries.get(step)?.value;
    else if (node.kind === "seq" && typeof step === "number") node = node.items[step];
    else return undefined;
  }
  return node;
}

/**
 * Where the value at `path` was written: the key's line for a map entry (what a human looks for),
 * else the deepest node that exists on the path.
 */
export function locateIn(root: YNode, path: readonly (string | number)[]): SourceLocation {
  let node: YNode = root;
  let best: SourceLocation = root.loc;
  for (const step of path) {
    if (node.kind === "map" && typeof step === "string") {
      const entry = node.entries.get(step);
      if (!entry) return best;
      best = entry.keyLoc;
      node = entry.value;
    } else if (node.kind === "seq" && typeof step === "number") {
      const item = node.items[step];
      if (!item) return best;
      best = item.loc;
      node = item;
    } else {
      return best;
    }
  }
  return best;
}

export function mapEntries(node: YNode | undefined): [string, YEntry][] {
  return node?.kind === "map" ? [...node.entries] : [];
}
