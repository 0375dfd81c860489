import * as path from "path";
import { Finding } from "../config/finding";
import { ordinal } from "../config/ordinal";
import { SourceLocation } from "../config/sourceLocation";
import { ModuleOrigin, ModuleResolver, packageOf } from "./moduleResolver";
import { PythonImport } from "../python/pythonImports";
import { PythonFiles } from "../python/pythonFiles";
import { sortScanWarnings } from "./scanWarning";

/** What the scan needs of an agent. */
export interface ScanEntry {
  readonly name: string;
  /** Config-root-relative `.py` file, as written in the config. */
  readonly scriptPath: string;
  /** Where the agent is defined, for a missing-script warning. */
  readonly source: SourceLocation;
}

export interface ImportScan {
  /**
   * Third-party modules imported by the scripts and the local modules they reach, as dotted
   * names (`sklearn.cluster.KMeans`, `google.protobuf`), each mapped to true when it is only
   * ever imported as an ImportError fallback (or only from code reached through one).
   */
  readonly thirdParty: ReadonlyMap<string, boolean>;
  /** Root-relative Python files read; sorted. */
  readonly files: readonly string[];
  /** Agents whose script exists; sorted. */
  readonly foundAgents: readonly string[];
  readonly warnings: readonly Finding[];
}

/**
 * Follows each agent's script through the monorepo-local modules it imports (transitively,
 * cycles included) and collects the third-party modules on the way. Parsed files are cached, so
 * one scanner can serve every group of a run.
 */
export class ImportScanner {
  constructor(
    private readonly resolver: ModuleResolver,
    private readonly files: PythonFiles = new PythonFiles(resolver.root),
  ) {}

  scan(entries: readonly ScanEntry[]): ImportScan {
    const warnings: Finding[] = [];
    const thirdParty = new Map<string, boolean>();
    // file -> reached only through fallbacks so far; a required path upgrades and re-visits it.
    const reached = new Map<string, boolean>();
    const work: { file: string; fallback: boolean }[] = [];
    const foundAgents: string[] = [];

    const enqueue = (files: readonly string[], fallback: boolean): void => {
      for (const file of files) {
        const previous = reached.get(file);
        if (previous === undefined || (previous && !fallback)) {
          reached.set(file, fallback);
          work.push({ file, fallback });
        }
      }
    };

    for (const entry of entries) {
      const script = entry.scriptPath.replace(/\\/g, "/").replace(/^(\.\/)+/, "");
      if (path.isAbsolute(script) || script.split("/").includes("..")) {
        warnings.push({ severity: "warning", code: "script-outside-root", ...entry.source, message: `${entry.name}'s script_path ${entry.scriptPath} is outside the config root; it is not scanned` });
        continue;
      }
      if (this.resolver.entry(script) === "outside") {
        warnings.push({ severity: "warning", code: "script-outside-root", ...entry.source, message: `${entry.name}'s script_path ${entry.scriptPath} leads through a symbolic link out of the config root; it is not scanned` });
        continue;
      }
      if (this.resolver.entry(script) !== "file") {
        warnings.push({ severity: "warning", code: "missing-script", ...entry.source, message: `${entry.name}'s script_path ${entry.scriptPath} does not exist under the config root; its imports are unknown` });
        continue;
      }
      foundAgents.push(entry.name);
      // `python -m a.b.c` first runs a/__init__.py and a/b/__init__.py.
      const dirs = packageOf(script);
      const inits = dirs.map((_, k) => `${dirs.slice(0, k + 1).join("/")}/__init__.py`).filter((f) => this.resolver.entry(f) === "file");
      enqueue([...inits, script], false);
    }

    while (work.length > 0) {
      const { file, fallback } = work.shift()!;
      if (reached.get(file) !== fallback) continue; // superseded by a required visit
      const parsed = this.files.read(file);
      if (typeof parsed === "string") {
        warnings.push({ severity: "warning", code: "unreadable-file", file, line: 1, message: parsed });
        continue;
      }
      if (parsed.syntax !== null) warnings.push({ severity: "warning", code: "python-syntax", file, line: parsed.syntax.line, message: `${parsed.syntax.message} (CPython 3.11 would not compile this file)` });
      for (const imp of parsed.imports) {
        // Never runs in a Linux container: no requirement, nothing to follow.
        if (imp.context === "type-checking" || imp.context === "platform-guarded") continue;
        this.follow(file, imp, fallback || imp.context === "import-error-fallback", { thirdParty, warnings, enqueue });
      }
    }

    return {
      thirdParty,
      files: [...reached.keys()].sort(ordinal),
      foundAgents: foundAgents.sort(ordinal),
      warnings: sortScanWarnings(warnings),
    };
  }

  private follow(
    file: string,
    imp: PythonImport,
    fallback: boolean,
    out: { thirdParty: Map<string, boolean>; warnings: Finding[]; enqueue: (files: readonly string[], fallback: boolean) => void },
  ): void {
    const written = `${".".repeat(imp.level)}${imp.module}`;
    const where = fallback ? " (in an ImportError fallback)" : "";
    let parts: string[];
    let origin: ModuleOrigin;
    if (imp.level > 0) {
      const pkg = packageOf(file);
      const up = imp.level - 1;
      if (up >= pkg.length) {
        const context = pkg.length === 0 ? "a top-level module has no package" : `${file} is in package ${pkg.join(".")}`;
        out.warnings.push({ severity: "warning", code: "bad-relative-import", file, line: imp.line, message: `relative import ${written} goes above the top-level package (${context})${where}` });
        return;
      }
      parts = [...pkg.slice(0, pkg.length - up), ...(imp.module === "" ? [] : imp.module.split("."))];
      origin = this.resolver.resolveLocal(parts);
    } else {
      parts = imp.module.split(".");
      origin = this.resolver.resolve(imp.module);
      // A bare `import model_ops_pb2` of a generated or sibling module next to the importing file
      // (the agent puts its own directory on sys.path) is local code, not a distribution to install.
      const dir = packageOf(file);
      if (origin.kind === "third-party" && dir.length > 0) {
        const sibling = this.resolver.resolveLocal([...dir, ...parts]);
        const top = `${[...dir, parts[0]!].join("/")}`;
        if (sibling.kind === "local" && (this.resolver.entry(`${top}.py`) === "file" || this.resolver.entry(`${top}/__init__.py`) === "file")) {
          parts = [...dir, ...parts];
          origin = sibling;
        }
      }
    }
    if (origin.kind === "stdlib") return;
    if (origin.kind === "third-party") {
      const modules = imp.names === null || imp.names.includes("*") ? [imp.module] : imp.names.map((n) => `${imp.module}.${n}`);
      for (const module of modules) out.thirdParty.set(module, (out.thirdParty.get(module) ?? true) && fallback);
      return;
    }
    if (origin.kind === "unresolved") {
      out.warnings.push({ severity: "warning", code: "unresolved-module", file, line: imp.line, message: `cannot resolve local module ${parts.join(".")} (imported as ${written})${where}: ${origin.reason}` });
      return;
    }
    out.enqueue(origin.files, fallback);
    // `from pkg import name`: name may be a submodule (follow it) or an attribute (nothing to do).
    for (const name of imp.names ?? []) {
      if (name === "*") continue;
      const sub = this.resolver.resolveLocal([...parts, name]);
      if (sub.kind === "local") out.enqueue(sub.files, fallback);
    }
  }
}
