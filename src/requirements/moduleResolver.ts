import { realLocation } from "../config/realContainment";
import * as fs from "fs";
import { isKnownImportName } from "./distributions";
import { PYTHON_STDLIB_MODULES } from "./pythonStdlib";

/**
 * Where an absolute module name comes from inside a container whose code is the config root at
 * /app, run as `python -m` from /app with PYTHONPATH=/app. sys.path is then /app, the standard
 * library, site-packages, so:
 * - a regular module or package at the root (`x.py`, `x/__init__.py`) shadows everything;
 * - then the standard library;
 * - a plain directory `x/` is a namespace package, which any installed package of that name
 *   beats; it counts as local unless `x` is a known distribution's import name;
 * - everything else is third-party.
 */
export type ModuleOrigin =
  | { readonly kind: "local"; readonly files: readonly string[] }
  | { readonly kind: "stdlib" }
  | { readonly kind: "third-party" }
  | { readonly kind: "unresolved"; readonly reason: string };

export class ModuleResolver {
  private readonly stats = new Map<string, "file" | "dir" | null>();

  constructor(readonly root: string) {}

  /** "file", "dir" or null for a root-relative path (cached: the same files are asked for a lot). */
  entry(relative: string): "file" | "dir" | null {
    const known = this.stats.get(relative);
    if (known !== undefined) return known;
    let kind: "file" | "dir" | null = null;
    try {
      // A link out of the root is not part of the monorepo: neither scanned nor hashed.
      const location = realLocation(this.root, relative);
      const stat = location.kind === "inside" ? fs.statSync(location.real) : null;
      kind = stat === null ? null : stat.isFile() ? "file" : stat.isDirectory() ? "dir" : null;
    } catch {
      kind = null;
    }
    this.stats.set(relative, kind);
    return kind;
  }

  isLocalTopLevel(name: string): boolean {
    if (this.entry(`${name}.py`) === "file" || this.entry(`${name}/__init__.py`) === "file") return true;
    if (PYTHON_STDLIB_MODULES.has(name)) return false;
    return this.entry(name) === "dir" && !isKnownImportName(name);
  }

  /** Classifies `a.b.c` and, for a local one, lists the root-relative files importing it runs. */
  resolve(module: string): ModuleOrigin {
    const parts = module.split(".");
    const top = parts[0]!;
    if (!this.isLocalTopLevel(top)) return PYTHON_STDLIB_MODULES.has(top) ? { kind: "stdlib" } : { kind: "third-party" };
    return this.resolveLocal(parts);
  }

  /**
   * Importing `a.b.c` runs `a/__init__.py`, `a/b/__init__.py` and then `a/b/c.py` (or
   * `a/b/c/__init__.py`). Like CPython's finder, a package directory with `__init__.py` wins
   * over `c.py`, which wins over a namespace directory.
   */
  resolveLocal(parts: readonly string[]): ModuleOrigin {
    const files: string[] = [];
    let dir = "";
    for (let k = 0; k < parts.length; k++) {
      const here = dir === "" ? parts[k]! : `${dir}/${parts[k]!}`;
      const init = `${here}/__init__.py`;
      const last = k === parts.length - 1;
      if (this.entry(init) === "file") {
        files.push(init);
      } else if (this.entry(`${here}.py`) === "file") {
        if (!last) {
          return { kind: "unresolved", reason: `${here}.py is a module, not a package, so it has no submodule ${parts[k + 1]!}` };
        }
        files.push(`${here}.py`);
      } else if (this.entry(here) !== "dir") {
        return { kind: "unresolved", reason: `neither ${here}.py nor a package directory ${here}/ exists under the config root` };
      }
      dir = here;
    }
    return { kind: "local", files };
  }
}

/** The package a root-relative file belongs to: `a/b/c.py` -> a.b, `a/b/__init__.py` -> a.b. */
export function packageOf(file: string): string[] {
  const parts = file.split("/");
  parts.pop();
  return parts;
}
