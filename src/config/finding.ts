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
  // requirement settings and the user's own requirements files (src/requirements/userRequirements.ts)
  | "invalid-requirement"
  | "conflicting-requirements"
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

export function formatFinding(f: Finding): string {
  return `${f.severity.toUpperCase()} [${f.code}] ${f.file}:${f.line}: ${f.message}`;
}
