import { Node } from "./pythonParser";

/** What the three platform probes answer inside the containers (Debian-based Linux images). */
const ON_LINUX: Readonly<Record<string, string>> = {
  "os.name": "posix",
  "sys.platform": "linux",
  "platform.system()": "Linux",
};

/**
 * The value of a platform test on Linux: `os.name == 'nt'` -> false, `sys.platform != 'win32'`
 * -> true, `sys.platform.startswith('win')` -> false, `platform.system() in ('Windows',
 * 'Darwin')` -> false, with `not`, `and`, `or`; null for anything else (not a platform test, or
 * not decidable from the text).
 */
export function platformGuardOnLinux(condition: Node): boolean | null {
  switch (condition.type) {
    case "parenthesized_expression": {
      const inner = condition.namedChild(0);
      return inner === null ? null : platformGuardOnLinux(inner);
    }
    case "not_operator": {
      const arg = condition.childForFieldName("argument");
      const v = arg === null ? null : platformGuardOnLinux(arg);
      return v === null ? null : !v;
    }
    case "boolean_operator": {
      const left = condition.childForFieldName("left");
      const right = condition.childForFieldName("right");
      const op = condition.childForFieldName("operator")?.type;
      const l = left === null ? null : platformGuardOnLinux(left);
      const r = right === null ? null : platformGuardOnLinux(right);
      if (op === "and") return l === false || r === false ? false : l === true && r === true ? true : null;
      if (op === "or") return l === true || r === true ? true : l === false && r === false ? false : null;
      return null;
    }
    case "comparison_operator":
      return comparison(condition);
    case "call":
      return startsWith(condition);
    default:
      return null;
  }
}

function probe(node: Node | null): string | null {
  if (node === null) return null;
  return ON_LINUX[node.text.replace(/\s+/g, "")] ?? null;
}

function literal(node: Node | null): string | null {
  if (node === null || node.type !== "string") return null;
  const content = node.namedChildren.filter((c) => c?.type === "string_content");
  if (node.namedChildren.some((c) => c?.type === "interpolation")) return null;
  return content.map((c) => c!.text).join("");
}

function literals(node: Node | null): string[] | null {
  if (node === null) return null;
  if (node.type === "string") {
    const one = literal(node);
    return one === null ? null : [one];
  }
  if (node.type !== "tuple" && node.type !== "list" && node.type !== "set") return null;
  const values = node.namedChildren.map((c) => literal(c));
  return values.every((v): v is string => v !== null) ? values : null;
}

/** `probe == 'x'`, `'x' != probe`, `probe in ('a', 'b')`, `probe not in [...]` (one operator). */
function comparison(node: Node): boolean | null {
  const operands = node.namedChildren;
  const operators = node.children.filter((c) => c !== null && !c.isNamed).map((c) => c!.type);
  if (operands.length !== 2) return null;
  const op = operators.join(" ");
  const [a, b] = [operands[0]!, operands[1]!];
  const value = probe(a) ?? probe(b);
  const other = probe(a) !== null ? b : a;
  if (value === null) return null;
  if (op === "==" || op === "!=") {
    const text = literal(other);
    if (text === null) return null;
    return (text === value) === (op === "==");
  }
  if ((op === "in" || op === "not in") && probe(a) !== null) {
    const options = literals(other);
    if (options === null) return null;
    return options.includes(value) === (op === "in");
  }
  return null;
}

/** `sys.platform.startswith('win')` / `platform.system().lower().startswith(...)` is left undecided. */
function startsWith(node: Node): boolean | null {
  const fn = node.childForFieldName("function");
  if (fn === null || fn.type !== "attribute" || fn.childForFieldName("attribute")?.text !== "startswith") return null;
  const value = probe(fn.childForFieldName("object"));
  if (value === null) return null;
  const args = node.childForFieldName("arguments")?.namedChildren ?? [];
  if (args.length !== 1) return null;
  const prefixes = literals(args[0] ?? null);
  if (prefixes === null) return null;
  return prefixes.some((p) => value.startsWith(p));
}
