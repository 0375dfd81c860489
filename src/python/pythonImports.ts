import { Query } from "web-tree-sitter";
import { lineOf, Node, pythonQuery, Tree } from "./pythonParser";
import { platformGuardOnLinux } from "./platformGuard";

/**
 * Where an import statement runs, most telling first:
 * - `type-checking`: under `if TYPE_CHECKING:`; never runs;
 * - `platform-guarded`: in a branch that a platform test (`os.name == 'nt'`, `sys.platform`,
 *   `platform.system()`) rules out on Linux, where the containers run; never runs there;
 * - `import-error-fallback`: in `except ImportError` / `except ModuleNotFoundError` only: runs
 *   when the preferred import in the `try` body failed (a broader `except Exception:` is not a
 *   fallback: its body runs on any error);
 * - `function`: inside a function body; runs when the function is called;
 * - `top-level`: runs on import of the file.
 */
export type ImportContext = "type-checking" | "platform-guarded" | "import-error-fallback" | "function" | "top-level";

/** One module reference made by an `import` or `from ... import` statement. */
export interface PythonImport {
  /** Leading dots of a relative import; 0 for an absolute one. */
  readonly level: number;
  /** Dotted module name after the dots; "" for `from . import x`. */
  readonly module: string;
  /** Names after `from M import`; `["*"]` for a star import; null for `import M`. */
  readonly names: readonly string[] | null;
  readonly line: number;
  readonly context: ImportContext;
  /** The platform test that rules it out on Linux (`os.name == 'nt'`), for `platform-guarded`. */
  readonly guard: string | null;
}

const IMPORTS = `
(import_statement) @import
(import_from_statement) @from
`;

let importQuery: Query | null = null;

/**
 * Every import statement of a parsed file, wherever it is. Dynamic imports
 * (`importlib.import_module`, `__import__`) are not statements and are not seen; `__future__`
 * imports are compiler directives and are left out.
 */
export function pythonImports(tree: Tree): PythonImport[] {
  importQuery ??= pythonQuery(IMPORTS);
  const found: PythonImport[] = [];
  for (const { name, node } of importQuery.captures(tree.rootNode)) {
    if (node.hasError) continue;
    const { context, guard } = contextOf(node);
    const line = lineOf(node);
    if (name === "import") {
      for (const target of node.childrenForFieldName("name")) {
        if (target === null) continue;
        const dotted = target.type === "aliased_import" ? target.childForFieldName("name") : target;
        if (dotted !== null) found.push({ level: 0, module: dotted.text, names: null, line, context, guard });
      }
      continue;
    }
    const moduleNode = node.childForFieldName("module_name");
    if (moduleNode === null) continue;
    let level = 0;
    let module = moduleNode.text;
    if (moduleNode.type === "relative_import") {
      level = moduleNode.namedChildren.find((c) => c?.type === "import_prefix")?.text.length ?? 0;
      module = moduleNode.namedChildren.find((c) => c?.type === "dotted_name")?.text ?? "";
    }
    const names = node.namedChildren.some((c) => c?.type === "wildcard_import")
      ? ["*"]
      : node.childrenForFieldName("name").flatMap((n) => {
          const dotted = n?.type === "aliased_import" ? n.childForFieldName("name") : n;
          return dotted === null || dotted === undefined ? [] : [dotted.text];
        });
    found.push({ level, module: module.replace(/\s+/g, ""), names, line, context, guard });
  }
  return found;
}

const CONTEXT_RANK: Readonly<Record<ImportContext, number>> = {
  "type-checking": 0,
  "platform-guarded": 1,
  "import-error-fallback": 2,
  function: 3,
  "top-level": 4,
};

/** The most telling context among the statement's enclosing blocks. */
function contextOf(statement: Node): { context: ImportContext; guard: string | null } {
  let best: { context: ImportContext; guard: string | null } = { context: "top-level", guard: null };
  const consider = (context: ImportContext, guard: string | null = null): void => {
    if (CONTEXT_RANK[context] < CONTEXT_RANK[best.context]) best = { context, guard };
  };
  let child: Node = statement;
  for (let parent = statement.parent; parent !== null; child = parent, parent = parent.parent) {
    if (parent.type === "function_definition") consider("function");
    else if (parent.type === "except_clause" && child.type === "block" && catchesOnlyImportErrors(parent)) consider("import-error-fallback");
    else if ((parent.type === "if_statement" || parent.type === "elif_clause") && child.type === "block") {
      const condition = parent.childForFieldName("condition");
      if (condition === null) continue;
      if (/^([A-Za-z_][A-Za-z0-9_]*\.)?TYPE_CHECKING$/.test(condition.text)) consider("type-checking");
      else if (platformGuardOnLinux(condition) === false) consider("platform-guarded", condition.text);
    } else if (parent.type === "else_clause" && child.type === "block") {
      // `else` of `if <test that holds on Linux>` (and of every `elif` before it).
      const holds = precedingConditions(parent).find((c) => platformGuardOnLinux(c) === true);
      if (holds !== undefined) consider("platform-guarded", `not (${holds.text})`);
    }
  }
  return best;
}

/** The conditions of the `if` and `elif`s an `else` (or `elif`) clause follows. */
function precedingConditions(clause: Node): Node[] {
  const owner = clause.parent;
  if (owner === null || owner.type !== "if_statement") return [];
  const conditions: Node[] = [];
  const first = owner.childForFieldName("condition");
  if (first !== null) conditions.push(first);
  for (const alt of owner.childrenForFieldName("alternative")) {
    if (alt === null || alt.id === clause.id) break;
    const c = alt.childForFieldName("condition");
    if (c !== null) conditions.push(c);
  }
  return conditions;
}

const IMPORT_ERRORS = new Set(["ImportError", "ModuleNotFoundError"]);

/** `except ImportError:`, `except (ImportError, ModuleNotFoundError) as e:`; nothing broader. */
function catchesOnlyImportErrors(clause: Node): boolean {
  let caught = clause.namedChildren.find((c) => c !== null && c.type !== "block" && c.type !== "comment") ?? null;
  if (caught === null) return false;
  if (caught.type === "as_pattern") caught = caught.namedChild(0);
  if (caught === null) return false;
  const names = caught.type === "tuple" || caught.type === "parenthesized_expression" ? caught.namedChildren : [caught];
  return names.length > 0 && names.every((n) => n !== null && IMPORT_ERRORS.has(n.text.replace(/^builtins\./, "")));
}
