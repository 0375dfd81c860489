import { isMap, isScalar, isSeq, LineCounter, Node, Pair, Scalar, YAMLMap, YAMLSeq } from "yaml";
import { joinComments, keyName } from "./mergeDocumentNodes";

/** Where a document came from, to place comments the parser attached to a whole flow mapping. */
export interface DocumentSource {
  /** Config-root-relative path, for messages. */
  readonly file: string;
  readonly lines: readonly string[];
  readonly lineCounter: LineCounter;
}

export interface ConvertedList {
  /** `AgentName: {script_path, host, port, ...}` in list order; null when a problem was found. */
  readonly group: YAMLMap | null;
  readonly problems: readonly string[];
}

/**
 * Turns the legacy list shape (`pc2_services: [{name: X, script_path, ...}]`) into one map-shaped
 * agent group (`X: {script_path, ...}`) with every other key and value node kept as written, so
 * `"${PORT_OFFSET}+7200"` stays an unsubstituted string. Flow mappings become block mappings: a
 * comment inside a flow mapping is stored by the parser on the whole mapping, and only a block
 * mapping can keep it next to the line it was written on. Refuses (problems) where the loader
 * would report the list: an item without a name, or a name given twice.
 */
export function listToAgentGroup(list: YAMLSeq, source: DocumentSource): ConvertedList {
  const problems: string[] = [];
  const group = new YAMLMap();
  const names: string[] = [];
  list.items.forEach((item, index) => {
    const at = `${source.file}:${lineOf(item, source)}`;
    const nameNode = isMap(item) ? item.items.find((p) => keyName(p as Pair) === "name") : undefined;
    const name = nameNode && isScalar(nameNode.value) && typeof nameNode.value.value === "string" ? nameNode.value.value.trim() : "";
    if (!isMap(item) || !nameNode || name === "") {
      problems.push(`${at}: this pc2_services item has no name; give it name: AgentName, then migrate again`);
      return;
    }
    if (names.includes(name)) {
      problems.push(`${at}: pc2_services lists ${name} twice (the loader keeps the first); remove one, then migrate again`);
      return;
    }
    names.push(name);
    const body = toBlockMap(item, source);
    body.items = body.items.filter((p) => keyName(p as Pair) !== "name");
    const key = new Scalar(name);
    const nameComments = [nameNode.key, nameNode.value].flatMap((n) => (isScalar(n) ? [n.commentBefore, n.comment] : []));
    // A comment above the first item is stored on the list itself.
    key.commentBefore = joinComments(index === 0 ? list.commentBefore : undefined, item.commentBefore, ...nameComments);
    key.spaceBefore = item.spaceBefore;
    body.commentBefore = undefined;
    body.spaceBefore = undefined;
    group.items.push(new Pair(key, body));
  });
  group.comment = list.comment;
  return { group: problems.length === 0 ? group : null, problems };
}

/**
 * A block copy of a mapping (nested mappings too; lists keep their style). The trailing comment
 * the parser stored on a flow mapping moves to the entry on whose line it was written.
 */
function toBlockMap(map: YAMLMap, source: DocumentSource): YAMLMap {
  const copy = new YAMLMap();
  copy.commentBefore = map.commentBefore;
  copy.spaceBefore = map.spaceBefore;
  copy.items = (map.items as Pair[]).map((p) => new Pair(p.key, isMap(p.value) ? toBlockMap(p.value, source) : p.value));
  if (!map.flow) {
    copy.comment = map.comment;
    return copy;
  }
  const trailing = map.comment;
  if (trailing !== undefined && trailing !== null && trailing !== "") {
    const target = entryWrittenOnCommentLine(map, copy, trailing, source);
    if (target && (isScalar(target.value) || (isSeq(target.value) && target.value.flow))) {
      target.value.comment = joinComments(target.value.comment, trailing);
    } else {
      copy.comment = trailing;
    }
  }
  return copy;
}

/** The entry of `copy` that starts last at or before the source line holding `# <comment>`. */
function entryWrittenOnCommentLine(original: YAMLMap, copy: YAMLMap, comment: string, source: DocumentSource): Pair | undefined {
  const range = original.range;
  if (!range) return undefined;
  const first = source.lineCounter.linePos(range[0]).line;
  const last = source.lineCounter.linePos(range[2]).line;
  const needle = `#${comment.split("\n")[0]}`;
  let line = -1;
  for (let n = first; n <= last; n++) {
    if ((source.lines[n - 1] ?? "").includes(needle)) {
      line = n;
      break;
    }
  }
  if (line < 0) return undefined;
  let best: Pair | undefined;
  (original.items as Pair[]).forEach((p, i) => {
    if (lineOf(p.key, source) <= line) best = copy.items[i] as Pair;
  });
  return best;
}

function lineOf(node: unknown, source: DocumentSource): number {
  const range = node instanceof Object && "range" in node ? (node as Node).range : undefined;
  return range ? source.lineCounter.linePos(range[0]).line : 1;
}
