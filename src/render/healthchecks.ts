import { REDIS_HEALTH_USER } from "./groupIdentity";
import { ContainerPlan } from "../plan/deploymentPlan";
import { INFRASTRUCTURE_PORTS } from "./infrastructure";
import { HealthcheckTimings } from "./deploymentSettings";
import { goDurationSeconds } from "./goDuration";
import { HealthcheckSpec } from "./spec";

/**
 * Python (the agent image is Python 3.11) that exits 0 only when every port answers
 * `GET /health` with a 2xx; it prints the failures, which `docker inspect` keeps in the health
 * log. No proxy: an HTTP_PROXY in the image must not capture 127.0.0.1.
 */
export function agentHealthScript(httpHealthPorts: readonly number[], timeoutSeconds: number): string {
  return [
    "import sys, urllib.request",
    "opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))",
    "failed = []",
    `for port in (${httpHealthPorts.join(", ")},):`,
    "    try:",
    `        opener.open("http://127.0.0.1:%d/health" % port, timeout=${timeoutSeconds}).close()`,
    "    except Exception as error:",
    '        failed.append("%d: %s" % (port, error))',
    'print("; ".join(failed) or "ok")',
    "sys.exit(1 if failed else 0)",
  ].join("\n");
}

function timings(t: HealthcheckTimings): Omit<HealthcheckSpec, "tests"> {
  return {
    interval: goDurationSeconds(t.intervalSeconds),
    timeout: goDurationSeconds(t.timeoutSeconds),
    startPeriod: goDurationSeconds(t.startPeriodSeconds),
    startInterval: goDurationSeconds(t.startIntervalSeconds),
    retries: t.retries,
  };
}

/** Healthy only when every agent of the group serves HTTP /health (port = agent.httpHealthPort). */
export function renderAgentHealthcheck(container: ContainerPlan, t: HealthcheckTimings): HealthcheckSpec {
  const ports = [...new Set(container.agents.map((a) => a.httpHealthPort))].sort((a, b) => a - b);
  return { tests: ["CMD", "python3", "-c", agentHealthScript(ports, t.timeoutSeconds)], ...timings(t) };
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
