import { goDurationSeconds } from "./goDuration";
import { containerStopTimeoutSeconds } from "./launcher";
import { ContainerSpec } from "./spec";

/** Time for the provider's own work around the wait: create, network connect, uploads, start, inspect. */
export const TIMEOUT_MARGIN_SECONDS = 300;
/** A one-shot container (the NATS store init: `chown -R` of the JetStream store) may run this long. */
export const ONCE_RUN_SECONDS = 1800;

export interface ContainerTimeouts {
  /** Go durations, as Pulumi's customTimeouts take them. */
  readonly create: string;
  readonly update: string;
  readonly delete: string;
}

/**
 * Pulumi customTimeouts for one container, always above what the provider waits for: the
 * provider's own defaults are 20 minutes for create, update and delete
 * (resource_docker_container.go, dockerContainerCreateDefaultTimeout), which would silently cut
 * a longer `wait_timeout` (the health wait runs inside create) and a long stop grace on delete.
 */
export function containerTimeouts(spec: ContainerSpec): ContainerTimeouts {
  const run = spec.lifecycle === "once" ? ONCE_RUN_SECONDS : (spec.waitTimeoutSeconds ?? 0);
  const create = goDurationSeconds(run + TIMEOUT_MARGIN_SECONDS);
  return { create, update: create, delete: goDurationSeconds((containerStopTimeoutSeconds(spec) ?? 0) + TIMEOUT_MARGIN_SECONDS) };
}
