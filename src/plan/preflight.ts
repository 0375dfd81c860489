import { AgentSpec } from "../config/effectiveConfig";
import { appendAll } from "../config/appendAll";
import { Finding, finding } from "../config/finding";
import { ordinal } from "../config/ordinal";
import { PythonFiles } from "../python/pythonFiles";
import { ModuleResolver, packageOf } from "../requirements/moduleResolver";
import { ContainerPlan } from "./deploymentPlan";
import { DEFAULT_HEALTH_GATE, gateReasons, HealthGate } from "./healthGate";

/** Whether an agent's code can start: its script exists and everything it imports at start-up parses. */
export type Readiness = "ready" | "missing" | "broken";

export interface AgentProblem {
  readonly code: "missing-script" | "python-syntax" | "broken-import";
  /** Config-root-relative file: the config file naming a missing script, else a Python file. */
  readonly file: string;
  readonly line: number;
  readonly message: string;
  /** For a broken-import: the monorepo module that does not compile (the root cause), else absent. */
  readonly brokenModule?: { readonly file: string; readonly line: number; readonly error: string };
}

export interface AgentPreflight {
  readonly name: string;
  readonly scriptPath: string;
  readonly readiness: Readiness;
  readonly required: boolean;
  /**
   * Why this agent gates its container, by the stack's healthGate rule (healthGate.ts, the one the
   * container's gatingAgents come from): `required` first, then each agent of another container
   * that depends on it (`machine/name` on the other machine), sorted; empty when it gates nothing.
   */
  readonly gates: readonly string[];
  readonly problem: AgentProblem | null;
}

export interface Preflight {
  /**
   * Null when the code was checked; else why not: a root holding configuration only (not one
   * agent's script exists in it, like this project's own config/) has no code to check.
   */
  readonly skipped: string | null;
  /** This machine's agents, sorted by name; empty when skipped. */
  readonly agents: readonly AgentPreflight[];
  readonly counts: { readonly ready: number; readonly missing: number; readonly broken: number };
  /** Containers with a gating agent that cannot start, or waiting on such a container; sorted. */
  readonly neverHealthy: readonly string[];
  /** Waves every container of which waits on a container that never becomes healthy. */
  readonly wavesNeverCreated: readonly number[];
  readonly findings: readonly Finding[];
}

/**
 * The agents' code as the containers would run it (`python -m <script>` from the config root at
 * /app): the script must exist inside the root (not through a link leaving it), parse as Python
 * 3.11, and so must every monorepo module it imports at start-up (top-level imports, not those in
 * functions, ImportError fallbacks, TYPE_CHECKING or other platforms' branches), transitively.
 * A problem is an error when the agent gates (`gate`, over `everyone`: both machines' agents),
 * since its container then never becomes healthy; else a warning.
 */
export function preflightAgents(
  configRoot: string,
  agents: readonly AgentSpec[],
  containers: readonly ContainerPlan[],
  gate: HealthGate = DEFAULT_HEALTH_GATE,
  everyone: readonly AgentSpec[] = agents,
  files: PythonFiles = new PythonFiles(configRoot),
  resolver: ModuleResolver = new ModuleResolver(configRoot),
): Preflight {
  const scripts = agents.map((a) => normalised(a.scriptPath));
  if (agents.length > 0 && !scripts.some((f) => resolver.entry(f) === "file")) {
    return {
      skipped: `none of the ${agents.length} agents' scripts exists in this config root, so it holds configuration only (like this project's own config/) and no code was checked; point --config-root at the monorepo checkout`,
      agents: [],
      counts: { ready: 0, missing: 0, broken: 0 },
      neverHealthy: [],
      wavesNeverCreated: [],
      findings: [],
    };
  }
  const containerOf = new Map<string, ContainerPlan>();
  for (const c of containers) for (const a of c.agents) containerOf.set(a.name, c);
  const result: AgentPreflight[] = [];
  const findings: Finding[] = [];
  const stopped: StoppedAgent[] = [];

  for (const agent of agents) {
    const home = containerOf.get(agent.name);
    // Placed: its container's members. Without docker groups the machine is one namespace, as the
    // legacy launcher runs it. An agent in no group (an error of its own) does not run, so gates nothing.
    const members = home?.agents ?? (containers.length === 0 ? agents : null);
    const gates = members === null ? [] : gateReasons(gate, agent, members, everyone);
    const problem = checkAgent(agent, resolver, files);
    const readiness: Readiness = problem === null ? "ready" : problem.code === "missing-script" ? "missing" : "broken";
    result.push({ name: agent.name, scriptPath: agent.scriptPath, readiness, required: agent.required, gates, problem });
    if (problem === null) continue;
    const container = home?.name;
    const where = container === undefined ? "its machine" : `container ${container}`;
    const consequence =
      members === null
        ? `${agent.name} is in no docker group, so it does not run and gates nothing`
        : gates.length > 0
          ? `${agent.name} gates ${container === undefined ? "the machine's start-up" : `container ${container}`} (${gates.map((g) => (g === "required" ? "required: true" : `${g} depends on it`)).join(", ")}), which can never become healthy`
          : agent.required
            ? `${agent.name} gates nothing under healthGate ${gate}, so ${where} still becomes healthy, but it is required: its launcher exits when it dies and Docker restarts ${where}`
            : `${agent.name} is optional and gates nothing${gate === DEFAULT_HEALTH_GATE ? "" : ` under healthGate ${gate}`}, so ${where} still starts without it`;
    const severity = gates.length === 0 ? "warning" : "error";
    findings.push(finding(severity, problem.code, `${problem.message}; ${consequence}`, problem));
    if (problem.brokenModule !== undefined) stopped.push({ agent: agent.name, module: problem.brokenModule, severity });
  }

  appendAll(findings, brokenModules(stopped));

  const broken = new Set(result.filter((a) => a.readiness !== "ready").map((a) => a.name));
  // The container's own gatingAgents, so what never becomes healthy is what its healthcheck waits for.
  const never = new Set(containers.filter((c) => c.gatingAgents.some((a) => broken.has(a))).map((c) => c.name));
  // Health-gated start: a container waiting on one that is never healthy is never created.
  for (const c of containers) if (c.dependsOn.some((d) => never.has(d))) never.add(c.name);
  const waves = [...new Set(containers.map((c) => c.wave))].sort((a, b) => a - b);
  const wavesNeverCreated = waves.filter((w) => containers.filter((c) => c.wave === w).every((c) => c.dependsOn.some((d) => never.has(d))));
  const count = (r: Readiness): number => result.filter((a) => a.readiness === r).length;
  return {
    skipped: null,
    agents: result,
    counts: { ready: count("ready"), missing: count("missing"), broken: count("broken") },
    neverHealthy: [...never].sort(ordinal),
    wavesNeverCreated,
    findings,
  };
}

/** An agent stopped by a module that does not compile, with the severity of the agent's own finding. */
interface StoppedAgent {
  readonly agent: string;
  readonly module: NonNullable<AgentProblem["brokenModule"]>;
  readonly severity: Finding["severity"];
}

/**
 * One root-cause finding per monorepo module that does not compile and that agents import at
 * start-up, at the module's own first error, naming the agents it stops; an error when one of
 * those agents' findings is. The ordering (sortFindings) puts it before their broken-import
 * findings, so the reader meets the one file to fix before the findings it causes.
 */
function brokenModules(stopped: readonly StoppedAgent[]): Finding[] {
  const byFile = new Map<string, StoppedAgent[]>();
  for (const s of stopped) {
    const same = byFile.get(s.module.file);
    if (same === undefined) byFile.set(s.module.file, [s]);
    else same.push(s);
  }
  return [...byFile.entries()]
    .sort(([a], [b]) => ordinal(a, b))
    .map(([file, agents]) => {
      const { line, error } = agents[0]!.module;
      const names = agents.map((a) => a.agent);
      const count = names.length === 1 ? "1 agent imports" : `${names.length} agents import`;
      return finding(
        agents.some((a) => a.severity === "error") ? "error" : "warning",
        "broken-module",
        `${file} does not compile (Python 3.11): ${error}; ${count} it at start-up and cannot start (${names.join(", ")}): fix this file first`,
        { file, line },
      );
    });
}

function normalised(scriptPath: string): string {
  return scriptPath.replace(/\\/g, "/").replace(/^(\.\/)+/, "");
}

function checkAgent(agent: AgentSpec, resolver: ModuleResolver, files: PythonFiles): AgentProblem | null {
  const script = normalised(agent.scriptPath);
  const at = { file: agent.source.file, line: agent.source.line };
  if (script.startsWith("/") || script.split("/").includes("..")) {
    return { code: "missing-script", ...at, message: `${agent.name}'s script_path ${agent.scriptPath} is outside the config root, which is all the image holds` };
  }
  const kind = resolver.entry(script);
  if (kind === "outside") {
    const link = resolver.linkOutside(script);
    return { code: "missing-script", ...at, message: `${agent.name}'s script_path ${agent.scriptPath} goes through the symbolic link ${link?.link ?? script} to ${link?.target ?? "a path"} outside the config root, which dangles in the image` };
  }
  if (kind !== "file") {
    return { code: "missing-script", ...at, message: `${agent.name}'s script_path ${agent.scriptPath} does not exist under the config root; fix the path or remove the agent` };
  }
  const own = files.read(script);
  if (typeof own === "string") return { code: "python-syntax", file: script, line: 1, message: `${agent.name}'s script ${script}: ${own}` };
  if (own.syntax !== null) {
    return { code: "python-syntax", file: script, line: own.syntax.line, message: `${agent.name}'s script ${script} does not compile (Python 3.11): ${own.syntax.message}` };
  }
  return brokenImport(agent.name, script, resolver, files);
}

/** Breadth first from the script, so the reported chain is a shortest one. */
function brokenImport(agent: string, script: string, resolver: ModuleResolver, files: PythonFiles): AgentProblem | null {
  const dirs = packageOf(script);
  const inits = dirs.map((_, k) => `${dirs.slice(0, k + 1).join("/")}/__init__.py`).filter((f) => resolver.entry(f) === "file");
  const seen = new Set<string>([script, ...inits]);
  // Each queued file with the import statement (in the script's own chain) that first reached it.
  const queue: { file: string; via: { file: string; line: number; module: string } | null }[] = [...inits, script].map((file) => ({ file, via: null }));
  while (queue.length > 0) {
    const { file, via } = queue.shift()!;
    const parsed = files.read(file);
    const reason = typeof parsed === "string" ? parsed : parsed.syntax === null ? null : `${file}:${parsed.syntax.line}: ${parsed.syntax.message}`;
    if (reason !== null && file !== script) {
      const from = via ?? { file, line: 1, module: file };
      const brokenModule = typeof parsed === "string" ? { file, line: 1, error: parsed } : { file, line: parsed.syntax!.line, error: parsed.syntax!.message };
      return { code: "broken-import", file: from.file, line: from.line, message: `${agent} imports ${from.module} at start-up, which does not compile (Python 3.11): ${reason}`, brokenModule };
    }
    if (typeof parsed === "string") continue;
    for (const imp of parsed.imports) {
      if (imp.context !== "top-level") continue;
      let parts: string[];
      if (imp.level > 0) {
        const pkg = packageOf(file);
        if (imp.level - 1 >= pkg.length) continue;
        parts = [...pkg.slice(0, pkg.length - (imp.level - 1)), ...(imp.module === "" ? [] : imp.module.split("."))];
      } else {
        parts = imp.module.split(".");
        if (!resolver.isLocalTopLevel(parts[0]!)) continue;
      }
      const origin = resolver.resolveLocal(parts);
      const here = via ?? { file, line: imp.line, module: parts.join(".") };
      if (origin.kind === "unresolved") {
        return { code: "broken-import", file: here.file, line: here.line, message: `${agent} imports ${here.module} at start-up${here.module === parts.join(".") ? "" : ` (which imports ${parts.join(".")} at ${file}:${imp.line})`}, which cannot be found: ${origin.reason}` };
      }
      if (origin.kind !== "local") continue;
      const subs = (imp.names ?? []).filter((n) => n !== "*").map((n) => resolver.resolveLocal([...parts, n])).flatMap((o) => (o.kind === "local" ? o.files : []));
      for (const next of [...origin.files, ...subs]) {
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push({ file: next, via: here });
      }
    }
  }
  return null;
}
