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
  | "cpu-only-group"
  // group images (src/images/readImageInputs.ts)
  | "missing-requirements"
  | "stale-requirements"
  | "missing-script"
  | "missing-dockerignore"
  | "invalid-system-package"
  | "unreadable-file"
  // requirement settings and the user's own requirements files (src/requirements/userRequirements.ts)
  | "invalid-requirement"
  | "conflicting-requirements"
  // import scan (src/requirements/importScanner.ts); warnings, they never stop the generator
  | "script-outside-root"
  | "unresolved-module"
  | "bad-relative-import"
  | "python-syntax"
  // preflight (src/plan/preflight.ts), besides missing-script and python-syntax above
  | "broken-module"
  // a symbolic link of the build context that leaves it or dangles (src/plan/buildContextLinks.ts)
  | "outside-link"
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

/**
 * Root causes first: a finding of a lower rank can cause those of higher ranks, never the other
 * way round. A file that cannot be read or parsed (0) empties whatever it defines; a wrong value
 * (1) drops an agent or a group; the agent graph (2) and the container plan (3) build on both; a
 * monorepo module that does not compile (4) stops every agent importing it (5); the host (6), the
 * images (7) and rendering, hardening and the compose export (8) come last.
 */
const CAUSE_RANK: Readonly<Record<FindingCode, number>> = {
  "yaml-syntax": 0,
  "missing-file": 0,
  "include-cycle": 0,
  "unreadable-file": 0,
  "outside-link": 0,
  "invalid-value": 1,
  "invalid-requirement": 1,
  "undefined-variable": 1,
  "unknown-machine": 1,
  "unknown-group": 1,
  "unknown-agent-override": 1,
  "duplicate-agent": 1,
  "unknown-dependency": 2,
  "dependency-cycle": 2,
  "cross-machine-dependency": 2,
  "port-clash": 2,
  "no-container-plan": 3,
  "unassigned-agent": 3,
  "duplicate-assignment": 3,
  "unknown-agent-in-group": 3,
  "vram-over-capacity": 3,
  "host-port-clash": 3,
  "group-cycle": 3,
  "cpu-only-group": 3,
  "broken-module": 4,
  "missing-script": 5,
  "python-syntax": 5,
  "broken-import": 5,
  "script-outside-root": 5,
  "unresolved-module": 5,
  "bad-relative-import": 5,
  "memory-over-capacity": 6,
  "memory-budget-unknown": 6,
  "gpu-device-selection": 6,
  "image-store": 6,
  "missing-requirements": 7,
  "stale-requirements": 7,
  "conflicting-requirements": 7,
  "missing-dockerignore": 7,
  "invalid-system-package": 7,
  render: 8,
  "hardening-check": 8,
  "compose-export": 8,
  "internal-error": 8,
  "more-findings": 9,
};

/**
 * The one order of findings in every output (plan, report, compose, Pulumi: src/pipeline/
 * prepareMachine.ts orders what it returns with it): errors first, then root causes before what
 * they cause (CAUSE_RANK), then by file, line and code, so output is stable across runs.
 */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      severityRank[a.severity] - severityRank[b.severity] ||
      CAUSE_RANK[a.code] - CAUSE_RANK[b.code] ||
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
