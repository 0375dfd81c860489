import { ordinal } from "../config/ordinal";

/** Stable codes: scripts and tests match on these. None of them stops the generator. */
export type ScanWarningCode =
  | "missing-script"
  | "script-outside-root"
  | "unresolved-module"
  | "bad-relative-import"
  | "python-syntax"
  | "unreadable-file";

/** Something the import scan could not follow; the requirements may miss what lies behind it. */
export interface ScanWarning {
  readonly code: ScanWarningCode;
  /** Config-root-relative file (a Python file, or the config file naming a missing script). */
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export function formatScanWarning(w: ScanWarning): string {
  return `WARNING [${w.code}] ${w.file}:${w.line}: ${w.message}`;
}

/** By file, line, code and message, without repeats (groups sharing a module report it once). */
export function sortScanWarnings(warnings: Iterable<ScanWarning>): ScanWarning[] {
  const unique = new Map<string, ScanWarning>();
  for (const w of warnings) unique.set(formatScanWarning(w), w);
  return [...unique.values()].sort(
    (a, b) => ordinal(a.file, b.file) || a.line - b.line || ordinal(a.code, b.code) || ordinal(a.message, b.message),
  );
}
