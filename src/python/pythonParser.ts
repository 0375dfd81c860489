import { Language, Node, Parser, Query, Tree } from "web-tree-sitter";

/**
 * tree-sitter's Python grammar (tree-sitter-python ships tree-sitter-python.wasm), run by
 * web-tree-sitter. Loading WebAssembly is asynchronous, parsing is not: every entry point (the
 * CLIs, the Pulumi program, mocha's root hook) awaits `loadPythonGrammar()` once, and the pure
 * pipeline then parses synchronously.
 */
let parser: Parser | null = null;
let language: Language | null = null;
let loading: Promise<void> | null = null;

export function loadPythonGrammar(): Promise<void> {
  loading ??= (async () => {
    await Parser.init();
    const python = await Language.load(require.resolve("tree-sitter-python/tree-sitter-python.wasm"));
    const p = new Parser();
    p.setLanguage(python);
    parser = p;
    language = python;
  })();
  return loading;
}

export function parsePython(source: string): Tree {
  if (parser === null) throw new Error("the Python grammar is not loaded: await loadPythonGrammar() before planning");
  const tree = parser.parse(source);
  if (tree === null) throw new Error("tree-sitter returned no tree");
  return tree;
}

/** A compiled tree-sitter query over the Python grammar (queries run inside WebAssembly: fast). */
export function pythonQuery(source: string): Query {
  if (language === null) throw new Error("the Python grammar is not loaded: await loadPythonGrammar() before planning");
  return new Query(language, source);
}

/** 1-based line of a node's first character. */
export function lineOf(node: Node): number {
  return node.startPosition.row + 1;
}

export type { Node, Tree };
