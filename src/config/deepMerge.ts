import { YEntry, YNode } from "./yamlTree";

/**
 * The monorepo loader's merge: maps merge key by key, recursively; anything else (lists,
 * scalars, a map over a scalar) is replaced by the override. Inputs are never mutated.
 */
export function deepMerge(base: YNode, override: YNode): YNode {
  if (base.kind !== "map" || override.kind !== "map") return override;
  const entries = new Map<string, YEntry>(base.entries);
  for (const [key, over] of override.entries) {
    const current = entries.get(key);
    if (!current) entries.set(key, over);
    // A map merged into a map is still defined where it first was; a replaced value comes from the override.
    else if (current.value.kind === "map" && over.value.kind === "map") entries.set(key, { keyLoc: current.keyLoc, value: deepMerge(current.value, over.value) });
    else entries.set(key, over);
  }
  return { kind: "map", entries, loc: base.loc };
}
