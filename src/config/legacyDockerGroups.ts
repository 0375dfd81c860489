import { LEGACY_FILES } from "./configFiles";
import { Finding, finding } from "./finding";
import { Machine, MACHINES } from "./machine";
import { YMap } from "./yamlTree";

/** The machine whose legacy startup file `relative` is (main_pc_code/... or pc2_code/...), else null. */
export function legacyFileMachine(relative: string): Machine | null {
  return MACHINES.find((m) => LEGACY_FILES[m] === relative) ?? null;
}

export interface LegacyDockerGroups {
  readonly tree: YMap;
  readonly findings: readonly Finding[];
}

/**
 * The user's own container-group shape: a machine's legacy startup file (which has no machine
 * level anywhere, it is that machine's file) writes `docker_groups.<group>: {description, agents}`.
 * Those groups belong to that machine, so they move under `docker_groups.<machine>` before the
 * file is merged with the other machine's (which may use the same group names). A block already
 * keyed by machine is left as it is; one that mixes machine names and group names is refused,
 * since nobody can tell which the user meant. Inputs are not mutated (the read cache shares them).
 */
export function legacyDockerGroups(relative: string, tree: YMap): LegacyDockerGroups {
  const machine = legacyFileMachine(relative);
  const entry = tree.entries.get("docker_groups");
  if (machine === null || entry === undefined || entry.value.kind !== "map" || entry.value.entries.size === 0) return { tree, findings: [] };
  const keys = [...entry.value.entries.keys()];
  const machineKeys = keys.filter((k) => (MACHINES as readonly string[]).includes(k));
  if (machineKeys.length === keys.length) return { tree, findings: [] };
  if (machineKeys.length > 0) {
    const groups = keys.filter((k) => !machineKeys.includes(k));
    const message = `docker_groups in ${relative} (${machine}'s own file) mixes machine names (${machineKeys.join(", ")}) with group names (${groups.join(", ")}); write only this machine's groups there, as docker_groups.<group>: {description, agents}`;
    const entries = new Map(tree.entries);
    entries.delete("docker_groups");
    return { tree: { ...tree, entries }, findings: [finding("error", "invalid-value", message, entry.keyLoc)] };
  }
  const wrapped: YMap = { kind: "map", entries: new Map([[machine, { keyLoc: entry.keyLoc, value: entry.value }]]), loc: entry.value.loc };
  const entries = new Map(tree.entries);
  entries.set("docker_groups", { keyLoc: entry.keyLoc, value: wrapped });
  return { tree: { ...tree, entries }, findings: [] };
}
