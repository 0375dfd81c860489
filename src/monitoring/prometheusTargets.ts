import { Machine } from "../config/machine";
import { ordinal } from "../config/ordinal";
import { DeploymentPlan } from "../plan/deploymentPlan";
import { machineAgentHostName } from "../render/names";

export interface FileSdLabels {
  readonly machine: Machine;
  /** The docker group (container) that runs the agent, e.g. `core-platform`. */
  readonly group: string;
  readonly agent: string;
  readonly __metrics_path__: "/metrics";
}

/** One entry of a Prometheus `file_sd_configs` file. */
export interface FileSdTarget {
  readonly targets: readonly string[];
  readonly labels: FileSdLabels;
}

/**
 * Prometheus file-based service discovery for one host: every agent's `/metrics`, served by the
 * base agent class on its HTTP health port (health_check_port + 1).
 *
 * That port is not published to the LAN (only `port` and `health_check_port` are), so a target
 * is `<machine>-<agent lower-cased>:<port>`, the network alias the agent's container has on this
 * host's Docker network: the file is for a Prometheus attached to that network on that host
 * (one per host, or a central one federating them). Agents that no container runs (findings
 * `unassigned-agent`, or no container plan) have no such alias and are left out. Sorted by target.
 */
export function prometheusTargets(plan: DeploymentPlan): FileSdTarget[] {
  return plan.containers
    .flatMap((container) =>
      container.agents.map((agent) => ({
        targets: [`${machineAgentHostName(plan.machine, agent.name)}:${agent.httpHealthPort}`],
        labels: { machine: plan.machine, group: container.name, agent: agent.name, __metrics_path__: "/metrics" as const },
      })),
    )
    .sort((a, b) => ordinal(a.targets[0]!, b.targets[0]!));
}

/** Where the report command writes a host's targets, relative to the report's directory. */
export function targetsFile(machine: Machine): string {
  return `monitoring/${machine}.targets.json`;
}

/** The file's text: stable key order and a final newline, so regenerating it changes nothing. */
export function targetsJson(targets: readonly FileSdTarget[]): string {
  return `${JSON.stringify(targets, null, 2)}\n`;
}
