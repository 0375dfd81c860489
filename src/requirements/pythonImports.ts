import { LogicalLine, Token, tokenizePython } from "./pythonTokens";

/** One module reference made by an `import` or `from ... import` statement. */
export interface PythonImport {
  /** Leading dots of a relative import; 0 for an absolute one. */
  readonly level: number;
  /** Dotted module name after the dots; "" for `from . import x`. */
  readonly module: string;
  /** Names after `from M import`; `["*"]` for a star import; null for `import M`. */
  readonly names: readonly string[] | null;
  readonly line: number;
  /**
   * True inside an `except` clause that catches ImportError (or ModuleNotFoundError, Exception,
   * BaseException, bare `except:`): a fallback that only runs when the preferred import in the
   * `try` body failed. The preferred import is an ordinary one.
   */
  readonly fallback: boolean;
}

export interface ParsedImports {
  readonly imports: readonly PythonImport[];
  readonly problems: readonly { readonly line: number; readonly message: string }[];
}

/** Statements that open a block (`header:` then a body on the same line or indented below). */
const COMPOUND_KEYWORDS = new Set(["if", "elif", "else", "try", "except", "finally", "while", "for", "with", "def", "class", "async"]);
const IMPORT_ERROR_CATCHERS = new Set(["ImportError", "ModuleNotFoundError", "Exception", "BaseException"]);

type BlockKind = "plain" | "typing-only" | "fallback";

interface Block {
  readonly indent: number;
  readonly kind: BlockKind;
}

/**
 * Every import statement of a Python source, wherever it is (module level, functions, classes,
 * try/except), except those under `if TYPE_CHECKING:` (they never run). Dynamic imports
 * (`importlib.import_module`, `__import__`) are not statements and are not seen.
 */
export function parsePythonImports(source: string): ParsedImports {
  const tokenized = tokenizePython(source);
  const problems = [...tokenized.problems];
  const imports: PythonImport[] = [];
  const stack: Block[] = [];

  const simpleStatements = (tokens: readonly Token[], context: readonly Block[]): void => {
    if (context.some((b) => b.kind === "typing-only")) return;
    const fallback = context.some((b) => b.kind === "fallback");
    for (const statement of splitAtDepthZero(tokens, ";")) {
      const first = statement[0];
      if (first?.kind !== "name" || (first.text !== "import" && first.text !== "from")) continue;
      const parsed = first.text === "import" ? parseImport(statement, fallback) : parseFromImport(statement, fallback);
      if (parsed === null) problems.push({ line: first.line, message: `cannot parse the ${first.text} statement` });
      else imports.push(...parsed);
    }
  };

  for (const logical of tokenized.lines) {
    while (stack.length > 0 && stack[stack.length - 1]!.indent >= logical.indent) stack.pop();
    const header = compoundHeader(logical);
    if (header === null) {
      simpleStatements(logical.tokens, stack);
      continue;
    }
    const block: Block = { indent: logical.indent, kind: header.kind };
    // `if x: import y` — the body follows the colon on the same line.
    if (header.body.length > 0) simpleStatements(header.body, [...stack, block]);
    stack.push(block);
  }
  return { imports, problems };
}

function compoundHeader(logical: LogicalLine): { kind: BlockKind; body: readonly Token[] } | null {
  const tokens = logical.tokens;
  const first = tokens[0]!;
  if (first.kind !== "name" || !COMPOUND_KEYWORDS.has(first.text)) return null;
  const colon = indexAtDepthZero(tokens, ":");
  if (colon < 0) return null;
  const clause = tokens.slice(1, colon);
  const body = tokens.slice(colon + 1);
  if (first.text === "if" && isTypeCheckingTest(clause)) return { kind: "typing-only", body };
  if (first.text === "except" && catchesImportError(clause)) return { kind: "fallback", body };
  return { kind: "plain", body };
}

/** `TYPE_CHECKING` or `<module>.TYPE_CHECKING` (typing.TYPE_CHECKING, t.TYPE_CHECKING). */
function isTypeCheckingTest(clause: readonly Token[]): boolean {
  const text = clause.map((t) => t.text).join("");
  return /^([A-Za-z_][A-Za-z0-9_]*\.)?TYPE_CHECKING$/.test(text);
}

function catchesImportError(clause: readonly Token[]): boolean {
  if (clause.length === 0) return true;
  // `except (ImportError, OSError) as e` — look at the names before `as`.
  const asAt = clause.findIndex((t) => t.kind === "name" && t.text === "as");
  const caught = asAt < 0 ? clause : clause.slice(0, asAt);
  return caught.some((t) => t.kind === "name" && IMPORT_ERROR_CATCHERS.has(t.text));
}

function indexAtDepthZero(tokens: readonly Token[], op: string): number {
  let depth = 0;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind !== "op") continue;
    if (t.text === "(" || t.text === "[" || t.text === "{") depth++;
    else if (t.text === ")" || t.text === "]" || t.text === "}") depth--;
    else if (depth === 0 && t.text === op) return k;
  }
  return -1;
}

function splitAtDepthZero(tokens: readonly Token[], op: string): Token[][] {
  const parts: Token[][] = [];
  let rest = tokens;
  for (;;) {
    const at = indexAtDepthZero(rest, op);
    if (at < 0) break;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push([...rest]);
  return parts.filter((p) => p.length > 0);
}

/** A cursor over one statement's tokens. */
class Cursor {
  private at = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.at];
  }

  done(): boolean {
    return this.at >= this.tokens.length;
  }

  takeOp(text: string): boolean {
    const t = this.peek();
    if (t?.kind === "op" && t.text === text) {
      this.at++;
      return true;
    }
    return false;
  }

  takeKeyword(text: string): boolean {
    const t = this.peek();
    if (t?.kind === "name" && t.text === text) {
      this.at++;
      return true;
    }
    return false;
  }

  takeName(): string | null {
    const t = this.peek();
    if (t?.kind !== "name") return null;
    this.at++;
    return t.text;
  }

  /** `a.b.c`, or null when there is no name here. */
  takeDotted(): string | null {
    const first = this.takeName();
    if (first === null) return null;
    const parts = [first];
    while (this.takeOp(".")) {
      const part = this.takeName();
      if (part === null) return null;
      parts.push(part);
    }
    return parts.join(".");
  }

  /** An optional `as NAME`; false when `as` has no name after it. */
  skipAlias(): boolean {
    return !this.takeKeyword("as") || this.takeName() !== null;
  }
}

/** `import a.b as c, d` */
function parseImport(statement: readonly Token[], fallback: boolean): PythonImport[] | null {
  const cursor = new Cursor(statement.slice(1));
  const line = statement[0]!.line;
  const found: PythonImport[] = [];
  do {
    const module = cursor.takeDotted();
    if (module === null || !cursor.skipAlias()) return null;
    found.push({ level: 0, module, names: null, line, fallback });
  } while (cursor.takeOp(","));
  return cursor.done() ? found : null;
}

/** `from ..a.b import (c as d, e,)`, `from . import x`, `from a import *` */
function parseFromImport(statement: readonly Token[], fallback: boolean): PythonImport[] | null {
  const cursor = new Cursor(statement.slice(1));
  const line = statement[0]!.line;
  let level = 0;
  while (cursor.takeOp(".")) level++;
  const module = cursor.peek()?.kind === "name" && cursor.peek()?.text !== "import" ? cursor.takeDotted() : "";
  if (module === null || (level === 0 && module === "") || !cursor.takeKeyword("import")) return null;
  if (cursor.takeOp("*")) return cursor.done() ? [{ level, module, names: ["*"], line, fallback }] : null;
  const parenthesised = cursor.takeOp("(");
  const names: string[] = [];
  do {
    // A trailing comma is allowed inside parentheses.
    if (parenthesised && cursor.peek()?.text === ")") break;
    const name = cursor.takeName();
    if (name === null || !cursor.skipAlias()) return null;
    names.push(name);
  } while (cursor.takeOp(","));
  if (parenthesised && !cursor.takeOp(")")) return null;
  if (names.length === 0 || !cursor.done()) return null;
  return [{ level, module, names, line, fallback }];
}
