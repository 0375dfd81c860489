/** The launcher's status document (launcher/group_launcher.py `status --json`), the fields read here. */
export interface LauncherAgentStatus {
  readonly name: string;
  readonly required: boolean;
  readonly gates: boolean;
  readonly pid: number | null;
  readonly state: "starting" | "healthy" | "unhealthy" | "crash-looping" | "exited";
  readonly restarts: number;
  readonly lastExit: string | null;
  readonly declaredPorts: { readonly port: number; readonly healthCheckPort: number; readonly httpHealthPort: number };
  readonly ports: readonly number[];
  readonly undeclaredPorts: readonly number[];
  readonly declaredNotListening: readonly number[];
  readonly clashes: readonly { readonly port: number; readonly agent: string; readonly why: string }[];
  readonly healthPort: number | null;
  readonly health: { readonly port: number; readonly status: number | null; readonly body: string; readonly error: string | null } | null;
  readonly logs: readonly string[];
}

export interface LauncherStatus {
  readonly group: string;
  readonly healthy: boolean;
  readonly gating: readonly string[];
  readonly notHealthy: readonly string[];
  readonly agents: readonly LauncherAgentStatus[];
}

/** One container of the host as Docker and (for agent groups) its launcher see it. */
export interface ContainerStatus {
  readonly name: string;
  readonly role: string;
  readonly state: string;
  /** Docker's exit code of a container that has stopped; null while it runs. */
  readonly exitCode: number | null;
  readonly health: string | null;
  readonly restarts: number;
  /** Agent groups only: the launcher's document, or why it could not be read. */
  readonly launcher: LauncherStatus | { readonly error: string } | null;
}

export function launcherHealthy(c: ContainerStatus): boolean {
  return c.launcher !== null && "healthy" in c.launcher && c.launcher.healthy && c.state === "running";
}

/** Exit 0 exactly when every agent group's launcher says every gating agent is healthy. */
export function everyGateHealthy(containers: readonly ContainerStatus[]): boolean {
  const groups = containers.filter((c) => c.role === "agent-group");
  return groups.length > 0 && groups.every(launcherHealthy);
}

/**
 * A one-shot volume init is done when it exited 0; a healthcheck its image may carry (a NATS image
 * with HEALTHCHECK, as the e2e's) says nothing about it once it has exited.
 */
function containerState(c: ContainerStatus): string {
  const state = c.exitCode === null ? c.state : `${c.state} ${c.exitCode}`;
  if (c.role === "volume-init" && c.exitCode !== null) return `${state} (${c.exitCode === 0 ? "done" : "FAILED"})`;
  return c.health === null ? state : `${state} (${c.health})`;
}

export function formatStatus(machine: string, containers: readonly ContainerStatus[]): string[] {
  const out = [`${machine}: ${everyGateHealthy(containers) ? "every gating agent is healthy" : "NOT every gating agent is healthy"}`];
  for (const c of containers) {
    out.push(`${c.name}  ${containerState(c)}  restarts ${c.restarts}`);
    if (c.launcher === null) continue;
    if ("error" in c.launcher) {
      out.push(`  launcher: ${c.launcher.error}`);
      continue;
    }
    for (const a of c.launcher.agents) {
      const d = a.declaredPorts;
      const answer = a.healthPort !== null ? `/health on ${a.healthPort}: ${a.health?.status ?? "-"}` : (a.health?.error ?? "not looked at yet");
      out.push(
        `  ${a.name.padEnd(32)} ${a.state.padEnd(13)} ${(a.gates ? "gates" : "optional").padEnd(8)} restarts ${String(a.restarts).padEnd(3)} observed ${a.ports.join(",") || "-"} declared ${d.port},${d.healthCheckPort},${d.httpHealthPort}; ${answer}`,
      );
      for (const clash of a.clashes) out.push(`    clash: port ${clash.port}: ${clash.why}`);
      if (a.state !== "healthy" && a.state !== "starting") out.push(...a.logs.slice(-5).map((l) => `    | ${l}`));
    }
  }
  return out;
}
