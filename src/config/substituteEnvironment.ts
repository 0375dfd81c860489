import { getOwn } from "./ownProperty";
import { Finding, finding } from "./finding";
import { YEntry, YNode, YScalar } from "./yamlTree";

export type Environment = Readonly<Record<string, string | undefined>>;

/** Variables the monorepo treats as set even when the environment lacks them. */
const IMPLICIT_DEFAULTS: Readonly<Record<string, string>> = { PORT_OFFSET: "0" };

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
/** `${PORT_OFFSET}+7200`: the whole value is one variable plus a number, and the result is a number. */
const OFFSET_SUM = /^\s*\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}\s*\+\s*(\d+)\s*$/;

/**
 * Substitutes `${VAR}`, `${VAR:-default}` and `${VAR}+N` in every string scalar. Unlike the
 * monorepo loader it understands `:-` defaults. An unset variable without a default becomes ""
 * and a warning, since the agents would otherwise receive an unexpanded placeholder.
 */
export function substituteEnvironment(tree: YNode, env: Environment): { tree: YNode; findings: Finding[] } {
  const findings: Finding[] = [];
  const lookup = (name: string, fallback: string | undefined, at: YScalar): string => {
    const value = getOwn(env, name);
    if (value !== undefined && value !== "") return value;
    if (fallback !== undefined) return fallback;
    const implicit = getOwn(IMPLICIT_DEFAULTS, name);
    if (implicit !== undefined) return implicit;
    findings.push(
      finding(
        "warning",
        "undefined-variable",
        `\${${name}} is not set and has no default; it becomes an empty string. Set ${name} or write \${${name}:-default}`,
        at.loc,
      ),
    );
    return "";
  };
  // Subtrees without a substitution are returned as they are: most of a config has none.
  const walk = (node: YNode): YNode => {
    switch (node.kind) {
      case "map": {
        let entries: Map<string, YEntry> | null = null;
        for (const [k, e] of node.entries) {
          const value = walk(e.value);
          if (value === e.value) continue;
          entries ??= new Map(node.entries);
          entries.set(k, { keyLoc: e.keyLoc, value });
        }
        return entries === null ? node : { kind: "map", entries, loc: node.loc };
      }
      case "seq": {
        const items = node.items.map(walk);
        return items.every((item, i) => item === node.items[i]) ? node : { kind: "seq", items, loc: node.loc };
      }
      case "scalar": {
        if (typeof node.value !== "string" || !node.value.includes("${")) return node;
        const sum = OFFSET_SUM.exec(node.value);
        if (sum) {
          const [, name, fallback, addend] = sum;
          const raw = lookup(name!, fallback, node).trim();
          const base = Number(raw);
          if (raw === "" || !Number.isSafeInteger(base)) {
            findings.push(
              finding(
                "error",
                "invalid-value",
                `${name} is "${raw}" but "${node.value}" needs a whole number; set ${name} to an integer such as 0`,
                node.loc,
              ),
            );
            return { kind: "scalar", value: node.value, loc: node.loc };
          }
          return { kind: "scalar", value: base + Number(addend), loc: node.loc };
        }
        const value = node.value.replace(VARIABLE, (_m, name: string, fallback: string | undefined) => lookup(name, fallback, node));
        return { kind: "scalar", value, loc: node.loc };
      }
    }
  };
  return { tree: walk(tree), findings };
}
