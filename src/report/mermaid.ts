import { DeploymentPlan } from "../plan/deploymentPlan";

/**
 * Words Mermaid's flowchart grammar reads as keywords, so they cannot be node ids (`end` closes a
 * subgraph). Compared lower-cased to be safe whatever Mermaid version GitHub runs.
 */
const RESERVED_IDS = new Set(["end", "graph", "flowchart", "subgraph", "direction", "style", "classdef", "class", "linkstyle", "click", "call", "href", "default", "interpolate"]);

/**
 * Hands out valid, unique node ids (`/^[A-Za-z][A-Za-z0-9_]*$/`) for arbitrary names:
 * `core-platform` becomes `core_platform`, `end` becomes `end_`, a second `a_b` becomes `a_b_2`.
 */
export function mermaidIdAllocator(): (name: string) => string {
  const used = new Set<string>();
  return (name) => {
    let base = name.replace(/[^A-Za-z0-9_]/g, "_");
    if (!/^[A-Za-z]/.test(base)) base = `n_${base}`;
    if (RESERVED_IDS.has(base.toLowerCase())) base = `${base}_`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
    used.add(id);
    return id;
  };
}

/** Text inside `["..."]`: Mermaid's entity codes for what would end or break the label. */
export function mermaidLabel(value: string): string {
  return value.replace(/#/g, "#35;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;").replace(/\r?\n/g, " ");
}

/**
 * The container startup order as a Mermaid flowchart: one labelled subgraph per wave, an edge
 * from each container to every container that waits for it. Null without containers.
 */
export function startupFlowchart(plan: DeploymentPlan): string | null {
  if (plan.containers.length === 0) return null;
  const allocate = mermaidIdAllocator();
  const waveIds = new Map<number, string>();
  for (let wave = 1; wave <= plan.waves; wave++) waveIds.set(wave, allocate(`wave_${wave}`));
  const ids = new Map(plan.containers.map((c) => [c.name, allocate(c.name)]));
  const lines = ["graph TD"];
  for (let wave = 1; wave <= plan.waves; wave++) {
    const members = plan.containers.filter((c) => c.wave === wave);
    if (members.length === 0) continue;
    lines.push(`  subgraph ${waveIds.get(wave)!}["Wave ${wave}"]`);
    for (const c of members) {
      const agents = `${c.agents.length} agent${c.agents.length === 1 ? "" : "s"}`;
      const gpu = c.gpu ? `, ${c.gpu.vramMb} MiB GPU` : "";
      lines.push(`    ${ids.get(c.name)!}["${mermaidLabel(c.name)}<br/>${agents}${gpu}"]`);
    }
    lines.push("  end");
  }
  for (const c of plan.containers) {
    for (const dependency of c.dependsOn) {
      const from = ids.get(dependency);
      if (from) lines.push(`  ${from} --> ${ids.get(c.name)!}`);
    }
  }
  return lines.join("\n");
}
