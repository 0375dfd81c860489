import { LAUNCHER_IMAGE_PATH } from "../launcher/launcherContract";
import { REDIS_HEALTH_USER } from "./groupIdentity";
import { INFRASTRUCTURE_PORTS } from "./infrastructure";
import { HealthcheckTimings } from "./deploymentSettings";
import { goDurationSeconds } from "./goDuration";
import { HealthcheckSpec } from "./spec";

/**
 * The container's health is the launcher's verdict (DESIGN item 1): `healthcheck` asks the
 * launcher's status server on 127.0.0.1 and exits 0 exactly when every gating agent is healthy,
 * printing which are not (`docker inspect` keeps the line in the health log). The launcher finds
 * each agent's real /health port itself; the config's ports are only hints.
 */
export function agentHealthTest(): string[] {
  return ["CMD", "python3", LAUNCHER_IMAGE_PATH, "healthcheck"];
}

function timings(t: HealthcheckTimings): Omit<HealthcheckSpec, "tests"> {
  return {
    interval: goDurationSeconds(t.intervalSeconds),
    timeout: goDurationSeconds(t.timeoutSeconds),
    startPeriod: goDurationSeconds(t.startPeriodSeconds),
    startInterval: t.startIntervalSeconds === null ? null : goDurationSeconds(t.startIntervalSeconds),
    retries: t.retries,
  };
}

/** Healthy when the group launcher says every gating agent is (the timings are separate: issue 10). */
export function renderAgentHealthcheck(t: HealthcheckTimings): HealthcheckSpec {
  return { tests: agentHealthTest(), ...timings(t) };
}

/** `/healthz` on the monitoring port fails until JetStream is ready; the alpine image has wget. */
export function renderNatsHealthcheck(t: HealthcheckTimings): HealthcheckSpec {
  const url = `http://127.0.0.1:${INFRASTRUCTURE_PORTS.natsMonitoring}/healthz`;
  return { tests: ["CMD", "wget", "-q", "--spider", url], ...timings(t) };
}

/**
 * `redis-cli ping` exits 0 even on NOAUTH, so the check looks for PONG. The password comes from
 * REDISCLI_AUTH in the container environment, never from the command line; its user may run
 * PING only.
 */
export function renderRedisHealthcheck(t: HealthcheckTimings): HealthcheckSpec {
  return { tests: ["CMD-SHELL", `redis-cli --user ${REDIS_HEALTH_USER} ping | grep -q PONG`], ...timings(t) };
}
