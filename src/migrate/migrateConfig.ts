import { appendAll } from "../config/appendAll";
import { Document, isMap, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq } from "yaml";
import { PC2_SERVICES_LIST } from "../config/agentEntries";
import { V3_FILE } from "../config/configFiles";
import { formatFinding } from "../config/finding";
import { Machine, MACHINES } from "../config/machine";
import { readWithIncludes } from "../config/resolveIncludes";
import { keyName } from "./mergeDocumentNodes";
import { readDocumentTree } from "./readDocumentTree";

export type MigrationResult =
  | { readonly kind: "nothing-to-migrate"; readonly message: string }
  | { readonly kind: "refused"; readonly problems: readonly string[] }
  | {
      readonly kind: "migrated";
      /** The self-contained v3 file. */
      readonly text: string;
      /** Config-root-relative files merged into it, in merge order. */
      readonly files: readonly string[];
      /** The agent groups each machine profile enables in the result. */
      readonly enabledGroups: Readonly<Record<Machine, readonly string[]>>;
    };

/** Written at the top of every migrated file, so a reader knows where it came from. */
export function migrationNote(files: readonly string[]): string {
  const [v3, ...included] = files;
  const from = included.length > 0 ? [` Migrated by \`npm run migrate\` from ${v3} and the files it included:`, ...included.map((f) => `   ${f}`)] : [` Migrated by \`npm run migrate\` from ${v3}.`];
  return [
    ...from,
    " Those files are unchanged. Settings are merged in include order as the loader merges them, the",
    " pc2_services list is the map-shaped agent group pc2_services, and machine_profiles says which",
    " agent groups each machine runs.",
  ].join("\n");
}

/**
 * Turns the include-based layout (the v3 file delegating to the legacy files with `include:`)
 * into one self-contained v3 file with `machine_profiles`, keeping the source's comments and
 * values as written (nothing is substituted). Pure apart from reading the config root; writes
 * nothing. A v3 file with no include and no `pc2_services` list is already self-contained.
 */
export function migrateConfig(configRoot: string): MigrationResult {
  const check = readWithIncludes(configRoot, V3_FILE, { severity: "error", what: "the v3 config", at: { file: V3_FILE, line: 1 } });
  const errors = check.findings.filter((f) => f.severity === "error");
  if (errors.length > 0) return { kind: "refused", problems: errors.map(formatFinding) };
  const hasList = check.tree.kind === "map" && check.tree.entries.has(PC2_SERVICES_LIST);
  if (check.files.length === 1 && !hasList) {
    return {
      kind: "nothing-to-migrate",
      message: `${V3_FILE} is already self-contained: it includes no other file and has no ${PC2_SERVICES_LIST} list; nothing to migrate`,
    };
  }

  const tree = readDocumentTree(configRoot, V3_FILE);
  if (tree.problems.length > 0) return { kind: "refused", problems: tree.problems };
  const root = tree.root;
  const problems: string[] = [];

  const listIndex = root.items.findIndex((p) => keyName(p as Pair) === PC2_SERVICES_LIST);
  const listPair = listIndex >= 0 ? (root.items[listIndex] as Pair) : undefined;
  const listGroup = listPair && isMap(listPair.value) ? listPair.value : null;
  if (listPair) root.items.splice(listIndex, 1);

  let groupsPair = findPair(root, "agent_groups");
  if (groupsPair && !isMap(groupsPair.value) && !isNull(groupsPair.value)) {
    problems.push(`agent_groups must be a mapping of group name to agents; fix it, then migrate again`);
  }
  if (!groupsPair) {
    groupsPair = new Pair(new Scalar("agent_groups"), new YAMLMap());
    root.items.splice(listIndex >= 0 ? listIndex : root.items.length, 0, groupsPair);
  } else if (isNull(groupsPair.value)) {
    groupsPair.value = new YAMLMap();
  }
  if (isScalar(groupsPair.key)) groupsPair.key.spaceBefore = true;
  const groups = isMap(groupsPair.value) ? groupsPair.value : new YAMLMap();
  const mainpcGroups = (groups.items as Pair[]).map(keyName);
  if (listGroup) {
    if (mainpcGroups.includes(PC2_SERVICES_LIST)) {
      problems.push(`agent_groups already has a group named ${PC2_SERVICES_LIST}, the name the converted list needs; rename that group, then migrate again`);
    }
    const key = new Scalar(PC2_SERVICES_LIST);
    const listKey = listPair && isScalar(listPair.key) ? listPair.key : undefined;
    key.commentBefore = [listKey?.commentBefore, ` Converted from the ${PC2_SERVICES_LIST} list of ${tree.listFile ?? V3_FILE}:\n one entry per agent, values as written.`]
      .filter((c) => c !== undefined && c !== null)
      .join("\n");
    key.spaceBefore = true;
    groups.items.push(new Pair(key, listGroup));
  }

  let enabledGroups: Record<Machine, string[]>;
  const profilesPair = findPair(root, "machine_profiles");
  if (!profilesPair) {
    // Without profiles the loader gives mainpc every agent group and pc2 the list only.
    enabledGroups = { mainpc: mainpcGroups, pc2: listGroup ? [PC2_SERVICES_LIST] : [] };
    const profiles = new YAMLMap();
    for (const machine of MACHINES) {
      const profile = new YAMLMap();
      profile.items.push(new Pair(new Scalar("enabled_groups"), blockList(enabledGroups[machine])));
      profiles.items.push(new Pair(new Scalar(machine), profile));
    }
    const key = new Scalar("machine_profiles");
    key.commentBefore = ` Which agent groups each machine runs (added by the migration: mainpc runs what the\n include layout gave it, every agent group; pc2 runs the converted ${PC2_SERVICES_LIST} list).`;
    key.spaceBefore = true;
    root.items.splice(root.items.indexOf(groupsPair), 0, new Pair(key, profiles));
  } else {
    enabledGroups = { mainpc: profileGroups(profilesPair, "mainpc"), pc2: profileGroups(profilesPair, "pc2") };
    if (listGroup && !enabledGroups.pc2.includes(PC2_SERVICES_LIST)) {
      const pc2 = isMap(profilesPair.value) ? findPair(profilesPair.value, "pc2") : undefined;
      const list = pc2 && isMap(pc2.value) ? findPair(pc2.value, "enabled_groups") : undefined;
      if (!list || !isSeq(list.value)) {
        problems.push(`machine_profiles.pc2.enabled_groups is not a list, so the converted ${PC2_SERVICES_LIST} group cannot be enabled for pc2; fix it, then migrate again`);
      } else {
        list.value.items.push(new Scalar(PC2_SERVICES_LIST));
        enabledGroups.pc2 = [...enabledGroups.pc2, PC2_SERVICES_LIST];
      }
    }
  }
  if (problems.length > 0) return { kind: "refused", problems };

  const doc = new Document();
  doc.contents = root;
  const v3Header = tree.headers.find((h) => h.file === V3_FILE)?.comment;
  const otherHeaders = tree.headers.filter((h) => h.file !== V3_FILE).map((h) => ` From ${h.file}:\n${h.comment}`);
  doc.commentBefore = [v3Header, migrationNote(tree.files), ...otherHeaders].filter((c) => c !== undefined).join("\n\n");
  const trailers = tree.trailers.map((t) => (t.file === V3_FILE ? t.comment : ` From ${t.file}:\n${t.comment}`));
  if (trailers.length > 0) doc.comment = trailers.join("\n\n");
  const text = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  return { kind: "migrated", text, files: tree.files, enabledGroups };
}

function findPair(map: YAMLMap, name: string): Pair | undefined {
  return (map.items as Pair[]).find((p) => keyName(p) === name);
}

function isNull(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

function blockList(values: readonly string[]): YAMLSeq {
  const seq = new YAMLSeq();
  appendAll(seq.items, values.map((v) => new Scalar(v)));
  return seq;
}

function profileGroups(profiles: Pair, machine: Machine): string[] {
  const profile = isMap(profiles.value) ? findPair(profiles.value, machine) : undefined;
  const list = profile && isMap(profile.value) ? findPair(profile.value, "enabled_groups") : undefined;
  return list && isSeq(list.value) ? list.value.items.flatMap((i) => (isScalar(i) ? [String(i.value)] : [])) : [];
}
