import type { Language, Node, Parser, Query, Tree } from "web-tree-sitter";

/**
 * tree-sitter's Python grammar (tree-sitter-python ships tree-sitter-python.wasm), run by
 * web-tree-sitter. Loading WebAssembly is asynchronous, parsing is not: every entry point (the
 * CLIs, the Pulumi program, mocha's root hook) awaits `loadPythonGrammar()` once, and the pure
 * pipeline then parses synchronously. web-tree-sitter itself is loaded with the grammar, so a
 * process that parses no Python (`ai-system plan` on a config root without the agents' code)
 * loads neither.
 */
let treeSitter: typeof import("web-tree-sitter") | null = null;
let parser: Parser | null = null;
let language: Language | null = null;
let loading: Promise<void> | null = null;

/** Thrown by a parse before the grammar is loaded: an entry point may load it then and run again. */
export class PythonGrammarNotLoaded extends Error {
  constructor() {
    super("the Python grammar is not loaded: await loadPythonGrammar() before planning");
    this.name = "PythonGrammarNotLoaded";
  }
}

export function loadPythonGrammar(): Promise<void> {
  loading ??= (async () => {
    const module = await import("web-tree-sitter");
    await module.Parser.init();
    const python = await module.Language.load(require.resolve("tree-sitter-python/tree-sitter-python.wasm"));
    const p = new module.Parser();
    p.setLanguage(python);
    treeSitter = module;
    parser = p;
    language = python;
  })();
  return loading;
}

export function parsePython(source: string): Tree {
  if (parser === null) throw new PythonGrammarNotLoaded();
  const tree = parser.parse(source);
  if (tree === null) throw new Error("tree-sitter returned no tree");
  return tree;
}

/** A compiled tree-sitter query over the Python grammar (queries run inside WebAssembly: fast). */
export function pythonQuery(source: string): Query {
  if (language === null || treeSitter === null) throw new PythonGrammarNotLoaded();
  return new treeSitter.Query(language, source);
}

/** 1-based line of a node's first character. */
export function lineOf(node: Node): number {
  return node.startPosition.row + 1;
}

export type { Node, Tree };
