import { Query } from "web-tree-sitter";
import { lineOf, Node, pythonQuery, Tree } from "./pythonParser";

/** The first reason CPython 3.11's `compile()` would reject a file, as far as we can tell. */
export interface PythonSyntaxError {
  readonly line: number;
  readonly message: string;
}

/**
 * tree-sitter recovers from errors, and its grammar is a superset of Python 3.11 (it keeps
 * Python 2's `print x`, `exec x`, `<>` and `except E, e`, accepts any indentation that does not
 * close a block, empty blocks, any string prefix, 3.12 f-strings). So a file is rejected when the
 * tree has an ERROR or MISSING node, or when one of the targeted checks below finds what CPython
 * rejects and tree-sitter does not. test/python/pythonSyntax.test.ts holds these verdicts
 * against `compile()` of every Python file of the user's monorepo, and each check against
 * python3 on a sample.
 */
export function firstSyntaxError(tree: Tree): PythonSyntaxError | null {
  const found: PythonSyntaxError[] = [];
  const error = firstErrorNode(tree.rootNode);
  if (error !== null) found.push(error);
  checkTree(tree.rootNode, found);
  if (found.length === 0) return null;
  return found.reduce((a, b) => (b.line < a.line ? b : a));
}

function firstErrorNode(root: Node): PythonSyntaxError | null {
  if (!root.hasError) return null;
  let node: Node = root;
  // Descend to the first ERROR or MISSING node in document order.
  for (;;) {
    if (node.isMissing) return { line: lineOf(node), message: `invalid syntax: missing ${node.type}` };
    if (node.isError) return { line: lineOf(node), message: `invalid syntax near ${JSON.stringify(node.text.slice(0, 40))}` };
    const next = node.children.find((c) => c !== null && (c.hasError || c.isMissing || c.isError));
    if (next === undefined || next === null) return { line: lineOf(node), message: "invalid syntax" };
    node = next;
  }
}

const BLOCK_OWNERS: Readonly<Record<string, string>> = {
  if_statement: "if",
  elif_clause: "elif",
  else_clause: "else",
  for_statement: "for",
  while_statement: "while",
  try_statement: "try",
  except_clause: "except",
  except_group_clause: "except*",
  finally_clause: "finally",
  with_statement: "with",
  function_definition: "function definition",
  class_definition: "class definition",
  match_statement: "match",
  case_clause: "case",
};

/** `r`, `u`, `f`, `b` and the two-letter raw combinations, in any case (Python 3.11). */
const STRING_PREFIX = /^(?:[rRuUfFbB]|[rR][bBfF]|[bBfF][rR])?$/;
/** A decimal literal with a leading zero other than all zeros, Python 2's `L`, a trailing `_`. */
const BAD_NUMBER = /^(?:0+[1-9][0-9_]*|[0-9][0-9_]*[lL]|.*_)$/;

/** Only the nodes the checks look at: walking every node from JavaScript is several times slower. */
const CHECKED = `
(module) @module
(block) @block
(print_statement) @print
(exec_statement) @exec
"<>" @ne
(except_clause "," @comma)
(string_start) @string
(integer) @integer
(return_statement) @return
(yield) @yield
(await) @await
(break_statement) @break
(continue_statement) @continue
`;

let checkedQuery: Query | null = null;

function checkTree(root: Node, out: PythonSyntaxError[]): void {
  checkedQuery ??= pythonQuery(CHECKED);
  for (const { name, node } of checkedQuery.captures(root)) {
    const at = lineOf(node);
    switch (name) {
      case "module":
        checkIndentation(node, out);
        break;
      case "block":
        checkIndentation(node, out);
        if (statements(node).length === 0) {
          const owner = node.parent;
          const what = owner === null ? "statement" : (BLOCK_OWNERS[owner.type] ?? owner.type);
          const header = owner === null ? at : lineOf(owner);
          // CPython stops at the next statement, which tree-sitter left outside the block.
          out.push({ line: nextStatementLine(owner ?? node) ?? header + 1, message: `expected an indented block after '${what}' statement on line ${header}` });
        }
        break;
      case "print":
        // `print >>f, x` is a valid Python 3 expression (a shift and a tuple); the rest is Python 2.
        if (node.namedChild(0)?.type !== "chevron") out.push({ line: at, message: "Missing parentheses in call to 'print'. Did you mean print(...)?" });
        break;
      case "exec":
        out.push({ line: at, message: "Missing parentheses in call to 'exec'. Did you mean exec(...)?" });
        break;
      case "ne":
        out.push({ line: at, message: "invalid syntax: '<>' is Python 2; use '!='" });
        break;
      case "comma":
        out.push({ line: at, message: "multiple exception types must be parenthesized" });
        break;
      case "string": {
        const prefix = node.text.replace(/["']+$/, "");
        if (!STRING_PREFIX.test(prefix)) out.push({ line: at, message: `invalid string prefix ${prefix}` });
        break;
      }
      case "integer":
        if (BAD_NUMBER.test(node.text)) out.push({ line: at, message: `invalid decimal literal ${node.text}` });
        break;
      default: {
        const scope = scopeOf(node);
        if (name === "return" && !scope.inFunction) out.push({ line: at, message: "'return' outside function" });
        if (name === "yield" && !scope.inFunction) out.push({ line: at, message: "'yield' outside function" });
        if (name === "await" && !scope.inAsync) out.push({ line: at, message: scope.inFunction ? "'await' outside async function" : "'await' outside function" });
        if (name === "break" && !scope.inLoop) out.push({ line: at, message: "'break' outside loop" });
        if (name === "continue" && !scope.inLoop) out.push({ line: at, message: "'continue' not properly in loop" });
      }
    }
  }
}

interface Scope {
  readonly inFunction: boolean;
  readonly inAsync: boolean;
  readonly inLoop: boolean;
}

/** The nearest enclosing function, lambda or class decides; a loop counts only inside it. */
function scopeOf(node: Node): Scope {
  let inLoop = false;
  let child = node;
  for (let parent = node.parent; parent !== null; child = parent, parent = parent.parent) {
    if ((parent.type === "for_statement" || parent.type === "while_statement") && parent.childForFieldName("body")?.id === child.id) inLoop = true;
    if (parent.type === "function_definition" && child.type === "block") {
      return { inFunction: true, inAsync: parent.children.some((c) => c?.type === "async"), inLoop };
    }
    if (parent.type === "lambda") return { inFunction: true, inAsync: false, inLoop };
    if (parent.type === "class_definition" && child.type === "block") return { inFunction: false, inAsync: false, inLoop };
  }
  return { inFunction: false, inAsync: false, inLoop };
}

function nextStatementLine(node: Node): number | null {
  for (let n: Node | null = node; n !== null; n = n.parent) {
    for (let next = n.nextNamedSibling; next !== null; next = next.nextNamedSibling) if (next.type !== "comment") return lineOf(next);
  }
  return null;
}

/** Statements of a module or block: its named children except comments. */
function statements(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null && c.type !== "comment");
}

/**
 * Every statement that starts a line must start in the block's column: tree-sitter keeps a
 * deeper line without a block opener in the same block, CPython says "unexpected indent".
 */
function checkIndentation(node: Node, out: PythonSyntaxError[]): void {
  let column: number | null = node.type === "module" ? 0 : null;
  let previousRow = -1;
  for (const statement of statements(node)) {
    const row = statement.startPosition.row;
    const startsLine = row !== previousRow;
    previousRow = statement.endPosition.row;
    if (!startsLine) continue;
    const here = statement.startPosition.column;
    if (column === null) {
      // A block's first statement on its header's line (`if x: y`) sets no column.
      if (node.parent !== null && row === node.parent.startPosition.row) continue;
      column = here;
      continue;
    }
    if (here > column) out.push({ line: row + 1, message: "unexpected indent" });
    else if (here < column) out.push({ line: row + 1, message: "unindent does not match any outer indentation level" });
  }
}
