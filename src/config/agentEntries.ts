import { setOwn } from "./ownProperty";
import { Finding, finding } from "./finding";
import { SourceLocation } from "./sourceLocation";
import { mapEntries, treeToPlain, YMap, YNode } from "./yamlTree";

/** The list-shaped agents of the legacy pc2 file; they always belong to pc2. */
export const PC2_SERVICES_LIST = "pc2_services";

/** An agent as written, before validation. */
export interface AgentEntry {
  readonly name: string;
  readonly group: string;
  readonly shape: "map" | "list";
  readonly node: YMap;
  readonly source: SourceLocation;
}

export interface GroupEntry {
  readonly name: string;
  readonly settings: Record<string, unknown>;
  readonly agents: AgentEntry[];
  readonly source: SourceLocation;
}

export interface AgentEntries {
  /** `agent_groups` in file order. */
  readonly groups: GroupEntry[];
  /** The top-level `pc2_services` list, or null when absent. */
  readonly pc2List: AgentEntry[] | null;
  readonly pc2ListSource: SourceLocation | null;
  readonly findings: Finding[];
}

/**
 * Splits `agent_groups.<group>` into agents and group settings. Machine overrides put settings
 * beside agents (`resource_multiplier: 1.2`, `priority: high`); the monorepo loader mistakes them
 * for agents. Here an entry is an agent when it is a mapping with `script_path`, or a mapping
 * whose name is PascalCase like every agent's (then a missing `script_path` is reported);
 * anything else is a setting.
 */
export function readAgentEntries(tree: YNode): AgentEntries {
  const findings: Finding[] = [];
  const groups: GroupEntry[] = [];
  const root = tree.kind === "map" ? tree : undefined;
  const agentGroups = root?.entries.get("agent_groups");
  if (agentGroups && agentGroups.value.kind !== "map" && !isNull(agentGroups.value)) {
    findings.push(finding("error", "invalid-value", "agent_groups must be a mapping of group name to agents", agentGroups.keyLoc));
  }
  for (const [groupName, groupEntry] of mapEntries(agentGroups?.value)) {
    const group: GroupEntry = { name: groupName, settings: {}, agents: [], source: groupEntry.keyLoc };
    groups.push(group);
    if (isNull(groupEntry.value)) continue;
    if (groupEntry.value.kind !== "map") {
      findings.push(finding("error", "invalid-value", `agent group ${groupName} must be a mapping of agent name to settings`, groupEntry.keyLoc));
      continue;
    }
    for (const [key, entry] of groupEntry.value.entries) {
      const value = entry.value;
      const isAgent = value.kind === "map" && (value.entries.has("script_path") || /^[A-Z]/.test(key));
      if (isAgent) group.agents.push({ name: key, group: groupName, shape: "map", node: value as YMap, source: entry.keyLoc });
      else setOwn(group.settings, key, treeToPlain(value));
    }
  }

  const list = root?.entries.get(PC2_SERVICES_LIST);
  let pc2List: AgentEntry[] | null = null;
  if (list && !isNull(list.value)) {
    pc2List = [];
    if (list.value.kind !== "seq") {
      findings.push(finding("error", "invalid-value", `${PC2_SERVICES_LIST} must be a list of agents with name, script_path and port`, list.keyLoc));
    } else {
      for (const item of list.value.items) {
        const name = item.kind === "map" ? item.entries.get("name")?.value : undefined;
        if (item.kind !== "map" || name?.kind !== "scalar" || typeof name.value !== "string" || name.value === "") {
          findings.push(finding("error", "invalid-value", `each ${PC2_SERVICES_LIST} item needs a name: give it name: AgentName`, item.loc));
          continue;
        }
        const entries = new Map(item.entries);
        entries.delete("name");
        pc2List.push({ name: name.value, group: PC2_SERVICES_LIST, shape: "list", node: { kind: "map", entries, loc: item.loc }, source: name.loc });
      }
    }
  }
  return { groups, pc2List, pc2ListSource: list?.keyLoc ?? null, findings };
}

function isNull(node: YNode): boolean {
  return node.kind === "scalar" && node.value === null;
}
