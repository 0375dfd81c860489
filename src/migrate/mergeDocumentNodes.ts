import { isMap, isScalar, Pair, YAMLMap } from "yaml";

/** A map key as the loader sees it (`scalarKey` in src/config/yamlTree.ts). */
export function keyName(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

/** Comment texts joined as the yaml package stores them (one comment, lines separated by "\n"). */
export function joinComments(...comments: (string | null | undefined)[]): string | undefined {
  const kept = comments.filter((c): c is string => c !== null && c !== undefined && c.trim() !== "");
  const unique = kept.filter((c, i) => kept.indexOf(c) === i);
  return unique.length === 0 ? undefined : unique.join("\n");
}

/**
 * The loader's deep merge (src/config/deepMerge.ts: maps merge key by key, anything else is
 * replaced by the override) on the yaml package's document nodes, so comments travel with the
 * values they describe. A merged map stays where it was first written. A key keeps the comments
 * written at it in both files, since such a comment usually explains the setting; a replaced
 * value's own trailing comment goes with it. Inputs are not mutated.
 */
export function mergeDocumentMaps(base: YAMLMap, override: YAMLMap): YAMLMap {
  const merged = new YAMLMap();
  merged.flow = base.flow;
  merged.commentBefore = base.commentBefore;
  merged.comment = joinComments(base.comment, override.comment);
  merged.spaceBefore = base.spaceBefore;
  merged.items = [...base.items] as Pair[];
  for (const over of override.items as Pair[]) {
    const name = keyName(over);
    const index = merged.items.findIndex((p) => keyName(p as Pair) === name);
    if (index < 0) {
      merged.items.push(over);
      continue;
    }
    const current = merged.items[index] as Pair;
    if (isMap(current.value) && isMap(over.value)) {
      merged.items[index] = withKeyComments(new Pair(current.key, mergeDocumentMaps(current.value, over.value)), current, over);
    } else {
      merged.items[index] = withKeyComments(new Pair(over.key, over.value), current, over);
    }
  }
  return merged;
}

/** A new pair whose key carries the comments of both keys; the key node is copied, never shared. */
function withKeyComments(pair: Pair, current: Pair, over: Pair): Pair {
  const key = isScalar(pair.key) ? pair.key.clone() : pair.key;
  if (isScalar(key)) {
    const before = (p: Pair) => (isScalar(p.key) ? p.key.commentBefore : undefined);
    const after = (p: Pair) => (isScalar(p.key) ? p.key.comment : undefined);
    key.commentBefore = joinComments(before(current), before(over));
    key.comment = joinComments(after(current), after(over));
    key.spaceBefore = isScalar(current.key) ? current.key.spaceBefore : undefined;
  }
  return new Pair(key, pair.value);
}
