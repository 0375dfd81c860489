import { HardeningCheckId } from "../render/spec";
import { CheckOutcome, HARDENING_CHECKS, HardeningCheck } from "./cisChecks";
import { ContainerView } from "./containerView";

export interface CheckResult {
  readonly id: HardeningCheckId;
  readonly title: string;
  readonly outcome: CheckOutcome;
}

export interface ContainerReport {
  readonly name: string;
  readonly role: string | null;
  /** Every applicable check, in table order. */
  readonly results: readonly CheckResult[];
  readonly passed: number;
  readonly total: number;
  readonly exceptions: readonly CheckResult[];
  readonly failures: readonly CheckResult[];
}

export function appliesTo(check: HardeningCheck, view: ContainerView): boolean {
  return check.roles === "all" || (view.role !== null && check.roles.some((r) => r === view.role));
}

/**
 * Runs every check that applies to the container. A container without a known role label fails
 * `needed-ports`, so one created outside the renderers cannot skip the service checks unseen.
 */
export function evaluateContainer(view: ContainerView, checks: readonly HardeningCheck[] = HARDENING_CHECKS): ContainerReport {
  const all: CheckResult[] = checks.filter((c) => appliesTo(c, view)).map((c) => ({ id: c.id, title: c.title, outcome: c.check(view) }));
  return {
    name: view.name,
    role: view.role,
    results: all,
    passed: all.filter((r) => r.outcome.status === "pass").length,
    total: all.length,
    exceptions: all.filter((r) => r.outcome.status === "exception"),
    failures: all.filter((r) => r.outcome.status === "fail"),
  };
}
