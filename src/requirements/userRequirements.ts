import * as fs from "fs";
import * as path from "path";
import { Finding } from "../config/finding";
import { ordinal } from "../config/ordinal";
import { realLocation } from "../config/realContainment";
import { REQUIREMENTS_DIR } from "../images/groupImage";
import { parseRequirementsFile, RequirementSpec } from "./requirementLine";

/**
 * The monorepo's own requirements files, read as constraints: they never add a distribution (the
 * agents' imports decide what is installed), they give a version to what the imports need.
 *
 * Which files: every `*.txt` whose name contains `requirements` (requirements.txt,
 * requirements_pc2.txt, requirements.common.txt), and every `*.txt` in a directory named
 * `requirements`, anywhere under the config root, except this program's own generated directory,
 * hidden directories, `node_modules`, `__pycache__` and virtualenvs; symbolic links are not
 * followed. Files they include with `-r`/`-c` count as part of them.
 *
 * Which file applies to which code: a file speaks for the code below its directory (a file in a
 * `requirements/` directory, for the code below that directory's parent): the root's
 * `requirements/base.txt` for everything, `pc2_code/requirements.txt` for pc2_code/. When several
 * files that apply to a group's scripts give a version for one distribution, the nearest (deepest
 * directory) wins; files equally near that disagree are a warning and the first by path wins.
 * Lines without a version (`redis`) say nothing about the version and never win.
 */
export interface UserConstraint {
  readonly requirement: RequirementSpec;
  /** Config-root-relative file the version came from (the including file for a `-r`'d one). */
  readonly file: string;
  readonly line: number;
}

interface ScopedFile {
  readonly file: string;
  /** Config-root-relative directory whose code it speaks for ("" for the whole tree). */
  readonly scope: string;
  readonly depth: number;
  /** By PEP 503 key: the first versioned line of the file (and what it includes). */
  readonly versions: ReadonlyMap<string, UserConstraint>;
}

const SKIPPED_DIRECTORIES = new Set(["node_modules", "__pycache__", "site-packages"]);

function isRequirementsFile(relative: string): boolean {
  const name = path.basename(relative);
  if (!name.endsWith(".txt")) return false;
  return name.toLowerCase().includes("requirements") || path.basename(path.dirname(relative)) === "requirements";
}

/** Root-relative requirements files, sorted; walks real directories only. */
function discover(root: string): string[] {
  const found: string[] = [];
  const generated = path.normalize(REQUIREMENTS_DIR).split(path.sep)[0]!;
  const walk = (relative: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, relative), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name.startsWith(".") || SKIPPED_DIRECTORIES.has(entry.name) || child === generated) continue;
        if (fs.existsSync(path.join(root, child, "pyvenv.cfg"))) continue;
        walk(child);
      } else if (entry.isFile() && isRequirementsFile(child)) found.push(child);
    }
  };
  walk("");
  return found.sort(ordinal);
}

function scopeOf(file: string): string {
  const dir = path.posix.dirname(file);
  const scope = path.posix.basename(dir) === "requirements" ? path.posix.dirname(dir) : dir;
  return scope === "." ? "" : scope;
}

function inScope(scope: string, script: string): boolean {
  return scope === "" || script.startsWith(`${scope}/`);
}

/** Every user requirements file of a tree, read once; `constraintsFor` answers per group. */
export class UserRequirements {
  private readonly scoped: ScopedFile[] = [];
  /** Lines pip would refuse, unreadable includes: warnings, the rest of the file still counts. */
  readonly findings: Finding[] = [];
  readonly files: readonly string[];

  constructor(private readonly root: string) {
    this.files = discover(root);
    for (const file of this.files) {
      const versions = new Map<string, UserConstraint>();
      this.read(file, file, versions, new Set());
      const scope = scopeOf(file);
      this.scoped.push({ file, scope, depth: scope === "" ? 0 : scope.split("/").length, versions });
    }
  }

  /** Reads `file` (and its -r/-c includes) into `versions`, attributing versions to `owner`'s lines when included. */
  private read(file: string, owner: string, versions: Map<string, UserConstraint>, seen: Set<string>): void {
    seen.add(file);
    let text: string;
    try {
      text = fs.readFileSync(path.join(this.root, file), "utf8");
    } catch (error) {
      this.findings.push({ severity: "warning", code: "unreadable-file", file, line: 1, message: `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    const parsed = parseRequirementsFile(text);
    // Only the file's own problems: an included file that is itself discovered reports its own.
    if (file === owner || !this.files.includes(file)) {
      for (const p of parsed.problems) {
        this.findings.push({ severity: "warning", code: "invalid-requirement", file, line: p.line, message: `${p.message}; pip would refuse ${file}, and this line gives no version to the images (the file's other lines still do)` });
      }
      for (const r of parsed.requirements) {
        if (r.requirement.url === null && /\.txt$/i.test(r.requirement.name)) {
          this.findings.push({ severity: "warning", code: "invalid-requirement", file, line: r.line, message: `"${r.requirement.name}" asks pip for a distribution of that name, not for the file; write -r ${r.requirement.name} to include it` });
        }
      }
    }
    for (const r of parsed.requirements) {
      if (r.requirement.specifier === "" && r.requirement.url === null) continue;
      if (!versions.has(r.requirement.key)) versions.set(r.requirement.key, { requirement: r.requirement, file: owner, line: r.line });
    }
    for (const include of parsed.includes) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), include.path));
      const location = realLocation(this.root, target);
      if (location.kind !== "inside") {
        this.findings.push({ severity: "warning", code: "invalid-requirement", file, line: include.line, message: `${include.constraint ? "-c" : "-r"} ${include.path} is ${location.kind === "missing" ? "not a file" : "outside the config root"}: pip would refuse ${file}, and its versions are not read` });
        continue;
      }
      if (!seen.has(target)) this.read(target, owner, versions, seen);
    }
  }

  /**
   * The version each distribution gets from the user's files for a group whose agents run these
   * scripts (config-root-relative), by PEP 503 key, and the disagreements among equally near files
   * (the first per key).
   */
  constraintsFor(scripts: readonly string[]): { constraints: Map<string, UserConstraint>; conflicts: Map<string, Finding> } {
    const applicable = this.scoped.filter((f) => scripts.some((s) => inScope(f.scope, s))).sort((a, b) => b.depth - a.depth || ordinal(a.file, b.file));
    const constraints = new Map<string, UserConstraint>();
    const depthOf = new Map<string, number>();
    const conflicts = new Map<string, Finding>();
    for (const file of applicable) {
      for (const [key, constraint] of file.versions) {
        const chosen = constraints.get(key);
        if (chosen === undefined) {
          constraints.set(key, constraint);
          depthOf.set(key, file.depth);
        } else if (depthOf.get(key) === file.depth && !sameVersion(chosen.requirement, constraint.requirement)) {
          if (!conflicts.has(key)) conflicts.set(key, {
            severity: "warning",
            code: "conflicting-requirements",
            file: constraint.file,
            line: constraint.line,
            message: `${constraint.requirement.name}${constraint.requirement.specifier} here and ${chosen.requirement.name}${chosen.requirement.specifier} in ${chosen.file}:${chosen.line} apply to the same code; ${chosen.file} wins (first by path); pin it in docker_defaults.requirements.pins to decide`,
          });
        }
      }
    }
    return { constraints, conflicts };
  }
}

function sameVersion(a: RequirementSpec, b: RequirementSpec): boolean {
  return a.specifier === b.specifier && a.url === b.url && a.marker === b.marker && a.extras.join(",") === b.extras.join(",");
}
