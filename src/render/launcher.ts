import { RenderError } from "./renderError";
import { ContainerSpec, EnvVar } from "./spec";

/**
 * What the orchestrator owes the group launcher (launcher/README.md, "Notes for the
 * orchestrator"): a stop timeout longer than the launcher's grace period, so Docker's SIGKILL
 * never cuts the agents' shutdown short.
 */
export const LAUNCHER_GRACE_VARIABLE = "LAUNCHER_GRACE_SECONDS";
/** The launcher's default grace period (`read_seconds(env, "LAUNCHER_GRACE_SECONDS", 20.0)`). */
export const LAUNCHER_DEFAULT_GRACE_SECONDS = 20;
/** Time on top of the grace period for the launcher's own SIGKILL round and exit. */
export const STOP_TIMEOUT_MARGIN_SECONDS = 10;

/** The grace period the launcher will use with this environment (it reads the variable as seconds, > 0). */
export function launcherGraceSeconds(env: readonly EnvVar[]): number {
  const set = env.find((v) => v.name === LAUNCHER_GRACE_VARIABLE);
  if (set === undefined) return LAUNCHER_DEFAULT_GRACE_SECONDS;
  if (typeof set.value !== "string") throw new RenderError(`${LAUNCHER_GRACE_VARIABLE} cannot hold a secret`);
  const text = set.value.trim();
  if (text === "") return LAUNCHER_DEFAULT_GRACE_SECONDS;
  const seconds = Number(text);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text) || !(seconds > 0)) {
    throw new RenderError(`${LAUNCHER_GRACE_VARIABLE}=${set.value} is not a number of seconds above 0: the group launcher would refuse to start`);
  }
  return seconds;
}

/**
 * Seconds Docker waits after SIGTERM before SIGKILL (`docker stop`, restarts, daemon shutdown,
 * and pulumi replacing or destroying the container). Agent groups: the launcher's grace period
 * plus a margin; other containers: null, Docker's default (10 s).
 */
export function containerStopTimeoutSeconds(spec: ContainerSpec): number | null {
  if (spec.role !== "agent-group") return null;
  return Math.ceil(launcherGraceSeconds(spec.env)) + STOP_TIMEOUT_MARGIN_SECONDS;
}
