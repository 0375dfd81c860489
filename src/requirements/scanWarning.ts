import { Finding, formatFinding } from "../config/finding";
import { ordinal } from "../config/ordinal";

/*
 * Something the import scan could not follow (a Finding with severity warning; the requirements
 * may miss what lies behind it). Codes: missing-script, script-outside-root, unresolved-module,
 * bad-relative-import, python-syntax, unreadable-file. None of them stops the generator.
 */

/** By file, line, code and message, without repeats (groups sharing a module report it once). */
export function sortScanWarnings(warnings: Iterable<Finding>): Finding[] {
  const unique = new Map<string, Finding>();
  for (const w of warnings) unique.set(formatFinding(w), w);
  return [...unique.values()].sort(
    (a, b) => ordinal(a.file, b.file) || a.line - b.line || ordinal(a.code, b.code) || ordinal(a.message, b.message),
  );
}
