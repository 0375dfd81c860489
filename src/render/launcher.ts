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
 * NATS on SIGTERM closes its clients and flushes and closes every JetStream stream's file store;
 * a minute covers a large store on a slow disk (Docker's default 10 s may cut it).
 */
export const NATS_STOP_TIMEOUT_SECONDS = 60;
/**
 * Redis on SIGTERM kills a running AOF rewrite, fsyncs the AOF and, with its default save
 * points (no config file), writes an RDB snapshot synchronously before it exits: two minutes
 * for a few GB.
 */
export const REDIS_STOP_TIMEOUT_SECONDS = 120;

/**
 * Seconds Docker waits after SIGTERM before SIGKILL (`docker stop`, restarts, daemon shutdown,
 * and pulumi replacing or destroying the container). Agent groups: the launcher's grace period
 * plus a margin; NATS and Redis: long enough to persist their data; the one-shot store init:
 * null (it is never stopped, it exits).
 */
export function containerStopTimeoutSeconds(spec: ContainerSpec): number | null {
  switch (spec.role) {
    case "agent-group":
      return Math.ceil(launcherGraceSeconds(spec.env)) + STOP_TIMEOUT_MARGIN_SECONDS;
    case "nats":
      return NATS_STOP_TIMEOUT_SECONDS;
    case "redis":
      return REDIS_STOP_TIMEOUT_SECONDS;
    case "volume-init":
      return null;
  }
}
