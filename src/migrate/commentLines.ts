import { Lexer } from "yaml";

/** Every comment of a YAML text, one per line, without `#` and trailing blanks, in order. */
export function commentLines(text: string): string[] {
  return [...new Lexer().lex(text)].filter((token) => token.startsWith("#")).map((token) => token.slice(1).trimEnd());
}

export interface CommentCount {
  /** Comment lines in the sources. */
  readonly total: number;
  /** Of those, how many the output has (each output line counts once). */
  readonly kept: number;
  /** Source comment lines the output lacks, in source order. */
  readonly dropped: readonly string[];
}

/** Which comment lines of the sources survive in the output (as a multiset: repeats count). */
export function countKeptComments(sources: readonly string[], output: string): CommentCount {
  const available = new Map<string, number>();
  for (const line of commentLines(output)) available.set(line, (available.get(line) ?? 0) + 1);
  const dropped: string[] = [];
  let total = 0;
  for (const line of sources.flatMap(commentLines)) {
    total++;
    const left = available.get(line) ?? 0;
    if (left > 0) available.set(line, left - 1);
    else dropped.push(line);
  }
  return { total, kept: total - dropped.length, dropped };
}
