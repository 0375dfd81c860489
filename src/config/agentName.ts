/**
 * Agent names become network aliases (`<name>`, `<machine>-<name>`), host entries, environment
 * variable names (`<NAME>_PORT`), labels, log prefixes, file names and Mermaid node ids, so they
 * are identifiers: ASCII letters, digits and `_`, a letter first, at most 63 characters (a DNS
 * label), unique after lower-casing across both machines (aliases are case-insensitive), and
 * never one of the program's own names.
 */
import { AgentSpec } from "./effectiveConfig";
import { Finding, finding } from "./finding";
import { Machine } from "./machine";

export const AGENT_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
export const AGENT_NAME_MAX = 63;

/** Aliases the program gives its own containers (and what a lower-cased agent alias must not be). */
const RESERVED_ALIASES: ReadonlySet<string> = new Set(["nats", "redis", "localhost", "host", "gateway"]);

/**
 * Variables the program sets in every agent container that end like an agent's `<NAME>_PORT` or
 * `<NAME>_HEALTH_PORT` would: an agent named `Redis` would override REDIS_PORT.
 */
const RESERVED_VARIABLES: ReadonlySet<string> = new Set(["REDIS_PORT", "ERROR_BUS_PORT", "LAUNCHER_STATUS_PORT", "NATS_PORT", "NATS_HEALTH_PORT", "REDIS_HEALTH_PORT"]);

/**
 * Environment-variable form of an agent name, used for its port variables:
 * `NLUAgent` -> `NLU_AGENT`, `VRAMOptimizerAgent` -> `VRAM_OPTIMIZER_AGENT`.
 */
export function agentEnvName(agentName: string): string {
  return agentName
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toUpperCase();
}

/** What is wrong with a name, or null. */
export function agentNameProblem(name: string): string | null {
  const shown = JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}...` : name);
  if (!AGENT_NAME.test(name)) {
    return `agent name ${shown} must be ASCII letters, digits and _ with a letter first (it becomes a network alias, host entry and environment variable name); rename it`;
  }
  if (name.length > AGENT_NAME_MAX) return `agent name ${shown} is ${name.length} characters, over ${AGENT_NAME_MAX} (a DNS label); shorten it`;
  const lower = name.toLowerCase();
  if (RESERVED_ALIASES.has(lower) || lower.startsWith("ai_system") || lower.startsWith("mainpc") || lower.startsWith("pc2")) {
    return `agent name ${shown} takes a name the program uses for its own containers or aliases (${lower}); rename it`;
  }
  const base = agentEnvName(name);
  const clash = [`${base}_PORT`, `${base}_HEALTH_PORT`].find((v) => RESERVED_VARIABLES.has(v));
  if (clash !== undefined) return `agent name ${shown} would set ${clash}, which the program sets for every container; rename it`;
  return null;
}

/** Agents of this machine whose lower-cased name another agent (here or on the peer) already has. */
export function caseCollisions(machine: Machine, agents: readonly AgentSpec[], peerAgents: readonly AgentSpec[]): Finding[] {
  const findings: Finding[] = [];
  const seen = new Map<string, string>();
  for (const a of peerAgents) seen.set(a.name.toLowerCase(), `${a.name} on the other machine`);
  const mine = new Map<string, string>();
  for (const a of agents) {
    const key = a.name.toLowerCase();
    const other = mine.get(key) ?? seen.get(key);
    // The same name on both machines is the legacy layout's own business (reported elsewhere);
    // names that differ only by case would share an alias and a host entry.
    if (other !== undefined && other !== `${a.name} on the other machine`) {
      findings.push(finding("error", "duplicate-agent", `agent ${a.name} on ${machine} has the same alias as ${other} (aliases ignore case); rename one`, a.source));
    }
    mine.set(key, a.name);
  }
  return findings;
}

export const ENVIRONMENT_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
