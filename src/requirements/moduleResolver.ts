import { realLocation } from "../config/realContainment";
import * as fs from "fs";
import * as path from "path";
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

export type EntryKind = "file" | "dir" | "outside" | null;

export class ModuleResolver {
  private readonly stats = new Map<string, EntryKind>();
  private readonly realRoot: string;

  constructor(readonly root: string) {
    let real = path.resolve(root);
    try {
      real = fs.realpathSync(root);
    } catch {
      // A root that does not exist holds no files: every entry is then null.
    }
    this.realRoot = real;
  }

  /**
   * "file", "dir", "outside" (reached through a symbolic link that leaves the config root or
   * dangles: `COPY . /app` would carry it dangling) or null, for a root-relative path (cached:
   * the same files are asked for a lot).
   */
  entry(relative: string): EntryKind {
    const known = this.stats.get(relative);
    if (known !== undefined) return known;
    let kind: EntryKind = null;
    try {
      // A link out of the root is not part of the monorepo: neither scanned nor hashed.
      const location = realLocation(this.root, relative);
      if (location.kind === "outside") kind = "outside";
      else if (location.kind === "inside") {
        const stat = fs.statSync(location.real);
        kind = stat.isFile() ? "file" : stat.isDirectory() ? "dir" : null;
      } else kind = this.linkOutside(relative) === null ? null : "outside";
    } catch {
      kind = this.linkOutside(relative) === null ? null : "outside";
    }
    this.stats.set(relative, kind);
    return kind;
  }

  /** The first component of `relative` that is a symbolic link leaving the root, with its target. */
  linkOutside(relative: string): { link: string; target: string } | null {
    const parts = relative.split("/");
    for (let k = 1; k <= parts.length; k++) {
      const link = parts.slice(0, k).join("/");
      const full = path.join(this.root, link);
      let target: string;
      try {
        if (!fs.lstatSync(full).isSymbolicLink()) continue;
        target = fs.readlinkSync(full);
      } catch {
        return null;
      }
      const resolved = path.resolve(path.dirname(full), target);
      let real: string | null = null;
      try {
        real = fs.realpathSync(resolved);
      } catch {
        real = null;
      }
      if (real === null || (real !== this.realRoot && !real.startsWith(this.realRoot + path.sep))) return { link, target };
    }
    return null;
  }

  isLocalTopLevel(name: string): boolean {
    if (this.entry(`${name}.py`) === "file" || this.entry(`${name}/__init__.py`) === "file") return true;
    // A root-level link leaving the tree shadows nothing in the image but is meant as local code.
    if (this.entry(name) === "outside" || this.entry(`${name}.py`) === "outside") return true;
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
      const out = this.entry(here) === "outside" ? here : this.entry(`${here}.py`) === "outside" ? `${here}.py` : null;
      if (out !== null) {
        const link = this.linkOutside(out);
        return { kind: "unresolved", reason: `${link?.link ?? out} is a symbolic link to ${link?.target ?? "a path"} outside the config root (dangling in the image)` };
      }
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
