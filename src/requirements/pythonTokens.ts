/**
 * Just enough of Python's tokenizer to find import statements reliably: strings (every prefix,
 * single and triple quoted), comments, bracket nesting and backslash continuations are honoured,
 * so `import` inside a docstring, a comment or an f-string never counts and a parenthesised
 * import spanning lines stays one statement. Numbers and operators are kept only coarsely.
 */

export type TokenKind = "name" | "op" | "string" | "number";

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** 1-based physical line where the token starts. */
  readonly line: number;
}

/** One logical line: what Python's parser sees between NEWLINE tokens. */
export interface LogicalLine {
  /** Indentation column of the first token (tabs advance to the next multiple of 8, like CPython). */
  readonly indent: number;
  readonly line: number;
  readonly tokens: readonly Token[];
}

export interface TokenizedSource {
  readonly lines: readonly LogicalLine[];
  /** Problems such as an unterminated string, with their line; tokenizing goes on after each. */
  readonly problems: readonly { readonly line: number; readonly message: string }[];
}

const STRING_PREFIXES = new Set(["r", "u", "b", "f", "br", "rb", "fr", "rf"]);
const OPENERS = new Set(["(", "[", "{"]);
const CLOSERS = new Set([")", "]", "}"]);
const TWO_CHAR_OPS = new Set([":=", "->", "**", "//", "==", "!=", "<=", ">=", "<<", ">>"]);

function isNameStart(ch: string): boolean {
  return /[A-Za-z_]/.test(ch) || ch.charCodeAt(0) > 0x7f;
}

function isNameChar(ch: string): boolean {
  return /[A-Za-z0-9_]/.test(ch) || ch.charCodeAt(0) > 0x7f;
}

export function tokenizePython(source: string): TokenizedSource {
  // A UTF-8 byte order mark is not part of the first token.
  const text = source.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const lines: LogicalLine[] = [];
  const problems: { line: number; message: string }[] = [];
  let tokens: Token[] = [];
  let indent = 0;
  let lineNo = 1;
  let depth = 0;
  // True at the start of a physical line that begins a new logical line.
  let atLogicalStart = true;
  let i = 0;

  const endLogicalLine = (): void => {
    if (tokens.length > 0) lines.push({ indent, line: tokens[0]!.line, tokens });
    tokens = [];
    depth = 0;
  };

  while (i < text.length) {
    if (atLogicalStart) {
      let column = 0;
      while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\f")) {
        column = text[i] === "\t" ? column - (column % 8) + 8 : text[i] === "\f" ? 0 : column + 1;
        i++;
      }
      indent = column;
      atLogicalStart = false;
      continue;
    }
    const ch = text[i]!;
    if (ch === "\n") {
      lineNo++;
      i++;
      if (depth === 0) {
        endLogicalLine();
        atLogicalStart = true;
      }
      continue;
    }
    if (ch === " " || ch === "\t" || ch === "\f") {
      i++;
      continue;
    }
    if (ch === "#") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    if (ch === "\\" && text[i + 1] === "\n") {
      // Explicit line joining: the next physical line continues this logical line.
      i += 2;
      lineNo++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      i = readString(text, i, "", lineNo);
      continue;
    }
    if (isNameStart(ch)) {
      const start = i;
      while (i < text.length && isNameChar(text[i]!)) i++;
      const word = text.slice(start, i);
      const next = text[i];
      if ((next === '"' || next === "'") && STRING_PREFIXES.has(word.toLowerCase())) {
        i = readString(text, i, word.toLowerCase(), lineNo);
      } else {
        tokens.push({ kind: "name", text: word, line: lineNo });
      }
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === "." && /[0-9]/.test(text[i + 1] ?? ""))) {
      const start = i;
      i++;
      while (i < text.length && /[0-9A-Za-z_.]/.test(text[i]!)) i++;
      tokens.push({ kind: "number", text: text.slice(start, i), line: lineNo });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (TWO_CHAR_OPS.has(two)) {
      tokens.push({ kind: "op", text: two, line: lineNo });
      i += 2;
      continue;
    }
    if (OPENERS.has(ch)) depth++;
    if (CLOSERS.has(ch)) depth = Math.max(0, depth - 1);
    tokens.push({ kind: "op", text: ch, line: lineNo });
    i++;
  }
  endLogicalLine();
  return { lines, problems };

  /** Reads a string literal whose opening quote is at `start`; returns the index after it. */
  function readString(src: string, start: number, prefix: string, line: number): number {
    const quote = src[start]!;
    const triple = src.slice(start, start + 3) === quote.repeat(3);
    const closing = triple ? quote.repeat(3) : quote;
    let j = start + closing.length;
    while (j < src.length) {
      const c = src[j]!;
      if (c === "\\") {
        // Even in raw strings a backslash keeps the next character (a quote, a newline) inside.
        if (src[j + 1] === "\n") lineNo++;
        j += 2;
        continue;
      }
      if (c === "\n") {
        if (!triple) {
          problems.push({ line, message: "unterminated string literal" });
          tokens.push({ kind: "string", text: prefix + src.slice(start, j), line });
          return j;
        }
        lineNo++;
      }
      if (src.startsWith(closing, j)) {
        j += closing.length;
        tokens.push({ kind: "string", text: prefix + src.slice(start, j), line });
        return j;
      }
      j++;
    }
    problems.push({ line, message: triple ? "unterminated triple-quoted string" : "unterminated string literal" });
    tokens.push({ kind: "string", text: prefix + src.slice(start), line });
    return src.length;
  }
}
