import { ordinal } from "../config/ordinal";
import { readAgentEntries } from "../config/agentEntries";
import { LEGACY_FILES, readConfigFile } from "../config/configFiles";
import { AgentSpec } from "../config/effectiveConfig";
import { Machine } from "../config/machine";
import { LegacyComparison } from "./deploymentPlan";

/**
 * Compares a machine's effective v3 agents with its legacy startup file (main_pc_code/... for
 * mainpc, pc2_code/... for pc2), when that file exists. Names only: the legacy files are what
 * the system ran before v3, so a name on one side only is an agent gained or lost.
 */
export function compareWithLegacy(configRoot: string, machine: Machine, agents: readonly AgentSpec[]): LegacyComparison | null {
  const file = LEGACY_FILES[machine];
  const read = readConfigFile(configRoot, file, { severity: "none", what: "", at: { file, line: 1 } });
  if (!read.exists) return null;
  const entries = readAgentEntries(read.tree);
  const legacy = new Set([...entries.groups.flatMap((g) => g.agents.map((a) => a.name)), ...(entries.pc2List ?? []).map((a) => a.name)]);
  const current = new Set(agents.map((a) => a.name));
  const sorted = (names: Iterable<string>) => [...names].sort((a, b) => ordinal(a, b));
  return {
    file,
    legacyCount: legacy.size,
    missingFromV3: sorted([...legacy].filter((n) => !current.has(n))),
    notInLegacy: sorted([...current].filter((n) => !legacy.has(n))),
  };
}
