import { ordinal } from "./ordinal";
import { SourceLocation } from "./sourceLocation";

export type Severity = "error" | "warning" | "info";

/**
 * The one kind of problem every step reports (config, stack settings, images, the import scan,
 * rendering, hardening, the compose export). Stable codes: scripts and tests match on these, so never rename one.
 */
export type FindingCode =
  // input problems
  | "yaml-syntax"
  | "missing-file"
  | "include-cycle"
  | "invalid-value"
  | "undefined-variable"
  | "unknown-machine"
  | "unknown-group"
  | "unknown-agent-override"
  | "duplicate-agent"
  // agent graph
  | "unknown-dependency"
  | "dependency-cycle"
  | "cross-machine-dependency"
  | "port-clash"
  // container plan
  | "no-container-plan"
  | "unassigned-agent"
  | "duplicate-assignment"
  | "unknown-agent-in-group"
  | "vram-over-capacity"
  | "host-port-clash"
  | "group-cycle"
  // group images (src/images/readImageInputs.ts)
  | "missing-requirements"
  | "stale-requirements"
  | "missing-script"
  | "missing-dockerignore"
  | "invalid-system-package"
  | "unreadable-file"
  // import scan (src/requirements/importScanner.ts); warnings, they never stop the generator
  | "script-outside-root"
  | "unresolved-module"
  | "bad-relative-import"
  | "python-syntax"
  // preflight (src/plan/preflight.ts), besides missing-script and python-syntax above
  | "broken-import"
  // rendering the containers (src/render/machineSpec.ts)
  | "render"
  // a rendered container failing a hardening check (src/hardening)
  | "hardening-check"
  // the compose export's own consistency checks (src/compose)
  | "compose-export"
  // an exception the pipeline did not expect: a bug, reported instead of a stack trace
  | "internal-error"
  // the findings beyond REPORTED_FINDINGS_CAP, summed up in one (reportedFindings)
  | "more-findings"
  // the host the plan is deployed to (hostPlatform, hostMemoryMb)
  | "memory-over-capacity"
  | "memory-budget-unknown"
  | "gpu-device-selection"
  | "image-store";

export interface Finding {
  readonly severity: Severity;
  readonly code: FindingCode;
  /** What is wrong and what to do about it. */
  readonly message: string;
  readonly file: string;
  readonly line: number;
}

export function finding(
  severity: Severity,
  code: FindingCode,
  message: string,
  at: SourceLocation,
): Finding {
  return { severity, code, message, file: at.file, line: at.line };
}

const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Errors first, then by file, line and code, so output is stable across runs. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      severityRank[a.severity] - severityRank[b.severity] ||
      ordinal(a.file, b.file) ||
      a.line - b.line ||
      ordinal(a.code, b.code) ||
      ordinal(a.message, b.message),
  );
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === "error");
}

/** An exception no step expected: one clear finding instead of a stack trace. */
export function internalError(error: unknown, at: SourceLocation): Finding {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return finding("error", "internal-error", `unexpected error, a bug in ai-system-infra (please report it with this config): ${detail}`, at);
}

export function formatFinding(f: Finding): string {
  return `${f.severity.toUpperCase()} [${f.code}] ${f.file}:${f.line}: ${f.message}`;
}

/**
 * At most this many findings are printed by any target (plan, compose, report, the Pulumi
 * program); the rest are summed up in one `more-findings` finding. A config with 100,000 bad
 * entries would otherwise print (and Pulumi log) 100,000 lines; the first ones are what to fix.
 */
export const REPORTED_FINDINGS_CAP = 200;

/**
 * The findings a target prints: the first `cap` as given (callers sort errors first), then, if
 * any are left, one finding saying how many of each severity are not shown, at the first one's
 * place and with the most severe severity among them.
 */
export function reportedFindings(findings: readonly Finding[], cap: number = REPORTED_FINDINGS_CAP): readonly Finding[] {
  if (findings.length <= cap) return findings;
  const hidden = findings.slice(cap);
  const count = (s: Severity) => hidden.filter((f) => f.severity === s).length;
  const [errors, warnings, notes] = [count("error"), count("warning"), count("info")];
  const severity: Severity = errors > 0 ? "error" : warnings > 0 ? "warning" : "info";
  const first = hidden[0]!;
  const summary = finding(
    severity,
    "more-findings",
    `${hidden.length} more findings not shown (${errors} errors, ${warnings} warnings, ${notes} notes; the first at ${first.file}:${first.line}); fix the ${cap} above and run again`,
    first,
  );
  return [...findings.slice(0, cap), summary];
}

/** `formatFinding` of each reported finding (at most REPORTED_FINDINGS_CAP and the summary). */
export function formatFindings(findings: readonly Finding[]): string[] {
  return reportedFindings(findings).map(formatFinding);
}
