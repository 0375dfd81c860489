import { appendAll } from "../config/appendAll";
import { Finding, formatFindings } from "../config/finding";
import { DeploymentPlan } from "../plan/deploymentPlan";
import { agentCounts, agentCountsText } from "../plan/agentCounts";
import { preflightSummary } from "../plan/preflightSummary";
import { HARDENING_CHECK_IDS } from "../render/spec";
import { HardeningSummary } from "./planHardening";

/** The `--json` document: stable key order and sorted lists, so diffs between runs are real. */
export function planToJson(plan: DeploymentPlan): object {
  const { machine, config } = plan;
  return {
    machine,
    configRoot: config.configRoot,
    override: config.override,
    files: config.files,
    counts: agentCounts(plan),
    preflight: {
      skipped: plan.preflight.skipped,
      counts: plan.preflight.counts,
      neverHealthy: plan.preflight.neverHealthy,
      wavesNeverCreated: plan.preflight.wavesNeverCreated,
      agents: plan.preflight.agents,
    },
    agents: plan.agents.map((a) => ({
      name: a.name,
      group: a.group,
      scriptPath: a.scriptPath,
      port: a.port,
      healthCheckPort: a.healthCheckPort,
      httpHealthPort: a.httpHealthPort,
      required: a.required,
      dependencies: a.dependencies,
      source: a.source,
    })),
    legacy: plan.legacy,
    crossMachineDependencies: plan.crossMachineDependencies,
    containers: plan.containers.map((c) => ({
      name: c.name,
      agents: c.agents.map((a) => a.name),
      gpu: c.gpu,
      cpus: c.cpus,
      memoryMb: c.memoryMb,
      shmMb: c.shmMb,
      image: c.image,
      dependsOn: c.dependsOn,
      wave: c.wave,
      gatingAgents: c.gatingAgents,
      publishedPorts: c.publishedPorts,
      audioAgents: c.audioAgents,
    })),
    waves: plan.waves,
    longestPath: plan.longestPath,
    vram: plan.vram,
    platform: plan.platform,
    memory: plan.memory,
    findings: plan.findings,
  };
}

/**
 * Per container: checks passed of those that apply, the ids of documented exceptions and of
 * failures; then each documented exception with its reason and the containers it covers, and
 * each failure.
 */
export function hardeningToText(summary: HardeningSummary): string[] {
  if (summary.kind === "skipped") return [`Hardening: not checked (${summary.reason})`];
  const out: string[] = [
    `Hardening: CIS Docker Benchmark container-runtime checks and service checks of the rendered containers (settings: ${summary.settingsFiles.join(", ")})`,
  ];
  const rows: string[][] = [["container", "role", "passed", "exceptions", "failed"]];
  for (const r of summary.reports) {
    rows.push([r.name, r.role ?? "-", `${r.passed}/${r.total}`, r.exceptions.map((e) => e.id).join(", ") || "-", r.failures.map((f) => f.id).join(", ") || "-"]);
  }
  appendAll(out, table(rows));
  const exceptions = new Map<string, { order: number; title: string; reason: string; containers: string[] }>();
  for (const r of summary.reports) {
    for (const e of r.exceptions) {
      const key = `${e.id}\u0000${e.outcome.detail}`;
      const entry = exceptions.get(key) ?? { order: HARDENING_CHECK_IDS.indexOf(e.id), title: `${e.id} ${e.title}`, reason: e.outcome.detail, containers: [] };
      entry.containers.push(r.name);
      exceptions.set(key, entry);
    }
  }
  if (exceptions.size > 0) {
    out.push("Documented exceptions:");
    // By check, then in the order first met (a stable sort).
    const listed = [...exceptions.values()].sort((a, b) => a.order - b.order);
    for (const e of listed) out.push(`  ${e.title} (${e.containers.join(", ")}): ${e.reason}`);
  }
  const failures = summary.reports.flatMap((r) => r.failures.map((f) => `  FAILED ${f.id} ${f.title} (${r.name}): ${f.outcome.detail}`));
  out.push(...(failures.length === 0 ? ["Failed checks: none"] : ["Failed checks:", ...failures]));
  return out;
}

/** `findings`: the plan's and those of the later steps (images, render, hardening); default the plan's. */
export function planToText(
  plan: DeploymentPlan,
  hardening: HardeningSummary | null = null,
  findings: readonly Finding[] = plan.findings,
  notes: readonly string[] = [],
): string {
  const out: string[] = [];
  const { config } = plan;
  out.push(`Plan for ${plan.machine} from ${config.configRoot} (override: ${config.override ?? "none"})`);
  out.push(`Files: ${config.files.join(", ")}`);
  out.push(`Agents: ${agentCountsText(plan)}`);
  out.push("");
  appendAll(out, preflightSummary(plan));
  out.push("");
  const groups = config.groups.map((g) => g.name);
  const rows: string[][] = [["group", "agent", "port", "health", "http", "dependencies"]];
  for (const group of groups) {
    for (const a of plan.agents.filter((x) => x.group === group)) {
      rows.push([group, a.name, String(a.port), String(a.healthCheckPort), String(a.httpHealthPort), a.dependencies.join(", ") || "-"]);
    }
  }
  appendAll(out, table(rows));
  if (plan.legacy) {
    out.push("");
    out.push(`Legacy ${plan.legacy.file}: ${plan.legacy.legacyCount} agents`);
    out.push(`  missing from v3: ${plan.legacy.missingFromV3.join(", ") || "none"}`);
    out.push(`  not in legacy:   ${plan.legacy.notInLegacy.join(", ") || "none"}`);
  }
  if (plan.crossMachineDependencies.length > 0) {
    out.push("");
    out.push("Cross-machine dependencies:");
    for (const d of plan.crossMachineDependencies) out.push(`  ${d.agent} -> ${d.dependency} (${d.machine})`);
  }
  if (plan.containers.length > 0) {
    out.push("");
    out.push(`Containers: ${plan.containers.length} in ${plan.waves} health-gated waves (longest path ${plan.longestPath})`);
    // `*` marks the agents that gate the container's health.
    const crows: string[][] = [["wave", "container", "gpu", "cpus", "memory", "waits for", "agents (* gates health)"]];
    for (const c of plan.containers) {
      const gpu = c.gpu ? `${c.gpu.vramMb} MiB on ${c.gpu.deviceIds.join(",")}` : "CPU only";
      const agents = c.agents.map((a) => (c.gatingAgents.includes(a.name) ? `${a.name}*` : a.name)).join(", ");
      crows.push([String(c.wave), c.name, gpu, String(c.cpus), `${c.memoryMb} MiB`, c.dependsOn.join(", ") || "-", agents]);
    }
    appendAll(out, table(crows));
    out.push(`VRAM: ${plan.vram.allocatedMb} of ${plan.vram.capacityMb} MiB allocated (${plan.vram.headroomMb} MiB headroom)`);
    const cpuOnly = plan.containers.filter((c) => c.gpu === null).map((c) => c.name);
    out.push(`CPU only (no gpu: setting): ${cpuOnly.length === 0 ? "no container" : cpuOnly.join(", ")}`);
    const memory = plan.memory.capacityMb === null ? "hostMemoryMb not set, not checked" : `of ${plan.memory.capacityMb} MB (hostMemoryMb)`;
    out.push(`Memory: ${plan.memory.allocatedMb} MB of container limits (groups and ${plan.memory.infrastructureMb} MB for NATS and Redis), ${memory}; host platform ${plan.platform}`);
    const audio = plan.containers.filter((c) => c.audioAgents.length > 0);
    out.push(`Audio: ${audio.length === 0 ? "no container" : audio.map((c) => `${c.name} (${c.audioAgents.join(", ")})`).join("; ")}`);
  }
  if (hardening !== null) {
    out.push("");
    appendAll(out, hardeningToText(hardening));
  }
  if (notes.length > 0) out.push("", ...notes);
  out.push("");
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.filter((f) => f.severity === "warning").length;
  out.push(`Findings: ${errors} errors, ${warnings} warnings, ${findings.length - errors - warnings} notes`);
  for (const line of formatFindings(findings)) out.push(`  ${line}`);
  return out.join("\n");
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd());
}
