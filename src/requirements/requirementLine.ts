import type * as PipRequirements from "pip-requirements-js";

/**
 * One PEP 508 requirement, as pip reads it: `name[extras]specifier ; marker` or
 * `name[extras] @ url ; marker`. Parsed by pip-requirements-js (an Ohm port of PEP 508's
 * complete grammar); only pip's file format around it is handled here (parseRequirementsFile).
 */
export interface RequirementSpec {
  readonly name: string;
  /** PEP 503 normalised name: what "the same distribution" means to pip. */
  readonly key: string;
  readonly extras: readonly string[];
  /** The version specifiers joined with commas (`>=1.24,<2`); empty when there are none. */
  readonly specifier: string;
  readonly url: string | null;
  /** The environment marker as written, without the `;`; null when there is none. */
  readonly marker: string | null;
}

/** pip's idea of "the same distribution" (PEP 503): case and runs of `-_.` do not matter. */
export function normalizeDistribution(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

// Loaded on first use: `plan` on a config without requirement settings never needs the grammar.
let library: typeof PipRequirements | undefined;
function pipRequirements(): typeof PipRequirements {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  library ??= require("pip-requirements-js") as typeof PipRequirements;
  return library;
}

/** A PEP 508 requirement, or why pip would refuse it. `-r`/`-c` lines are not requirements here. */
export function parseRequirement(text: string): RequirementSpec | { readonly problem: string } {
  let parsed: PipRequirements.RequirementWithLocation | null;
  try {
    parsed = pipRequirements().parsePipRequirementsLine(text, { includeLocations: true });
  } catch (error) {
    return { problem: `not a PEP 508 requirement (${error instanceof Error ? error.message.split("\n")[0]!.replace(/^Failed to parse requirements line\. /, "") : String(error)})` };
  }
  if (parsed === null) return { problem: "empty" };
  const data = parsed.data;
  if (data.type !== "ProjectName" && data.type !== "ProjectURL") return { problem: "a -r or -c line, not a requirement" };
  // The grammar takes `#` anywhere as a comment; pip only after whitespace (COMMENT_RE), so pip refuses `numpy==1#x`.
  if (data.type === "ProjectName" && text.includes("#")) return { problem: "not a PEP 508 requirement (pip reads # as a comment only after a space)" };
  const marker = data.environmentMarkerTree === undefined ? null : text.slice(data.environmentMarkerTree.location.startIdx, data.environmentMarkerTree.location.endIdx).trim();
  const name = data.name.data;
  return {
    name,
    key: normalizeDistribution(name),
    extras: (data.extras ?? []).map((e) => e.data),
    specifier: data.type === "ProjectName" ? (data.versionSpec ?? []).map((v) => `${v.data.operator.data}${v.data.version.data.trim()}`).join(",") : "",
    url: data.type === "ProjectURL" ? data.url.data : null,
    marker,
  };
}

/** The requirement as one line pip reads back the same way. */
export function formatRequirement(r: RequirementSpec): string {
  const extras = r.extras.length > 0 ? `[${r.extras.join(",")}]` : "";
  // After a URL the marker needs a space before `;`, or pip reads the `;` as part of the URL.
  const head = r.url === null ? `${r.name}${extras}${r.specifier}` : `${r.name}${extras} @ ${r.url} `;
  return r.marker === null ? head.trimEnd() : `${head}; ${r.marker}`;
}

export interface RequirementsFileLine {
  /** 1-based line of the file where the logical line starts. */
  readonly line: number;
  readonly requirement: RequirementSpec;
}

export interface RequirementsFileInclude {
  readonly line: number;
  /** As written: relative to the including file's directory. */
  readonly path: string;
  /** `-c` (constraints) rather than `-r`. */
  readonly constraint: boolean;
}

export interface ParsedRequirementsFile {
  readonly requirements: readonly RequirementsFileLine[];
  readonly includes: readonly RequirementsFileInclude[];
  /** Lines pip would refuse (or this program does not understand), with why. */
  readonly problems: readonly { readonly line: number; readonly message: string }[];
}

// pip/_internal/req/req_file.py COMMENT_RE: `#` at the start or after whitespace starts a comment.
const COMMENT = /(^|\s+)#.*$/;
/** pip's options in a requirements file (req_file.py SUPPORTED_OPTIONS, SUPPORTED_OPTIONS_REQ), by whether they take a value. */
const OPTIONS_WITH_VALUE = new Set(["-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--no-binary", "--only-binary", "--trusted-host", "--use-feature", "--hash", "--config-settings", "--global-option"]);
const FLAG_OPTIONS = new Set(["--no-index", "--prefer-binary", "--require-hashes", "--pre"]);
const PER_REQUIREMENT = new Set(["--hash", "--config-settings", "--global-option"]);

/** pip's logical lines (req_file.py join_lines): a trailing backslash joins the next line, except on a comment line. */
function logicalLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let start = 0;
  let parts: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index]!;
    const isComment = /^\s*#/.test(raw);
    if (!raw.endsWith("\\") || isComment) {
      out.push(parts.length === 0 ? { line: index + 1, text: raw } : { line: start, text: [...parts, isComment ? ` ${raw}` : raw].join("") });
      parts = [];
    } else {
      if (parts.length === 0) start = index + 1;
      parts.push(raw.replace(/^\\+|\\+$/g, ""));
    }
  }
  if (parts.length > 0) out.push({ line: start, text: parts.join("") });
  return out;
}

/** Splits pip-style options (`-r file`, `--hash=sha256:...`, `-rfile`) into name/value pairs, or a problem. */
function parseOptions(tokens: readonly string[]): { name: string; value: string | null }[] | { problem: string } {
  const options: { name: string; value: string | null }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const long = token.startsWith("--");
    const name = long ? token.split("=", 1)[0]! : token.slice(0, 2);
    const attached = long ? (token.includes("=") ? token.slice(name.length + 1) : null) : token.length > 2 ? token.slice(2) : null;
    if (FLAG_OPTIONS.has(name) && attached === null) {
      options.push({ name, value: null });
      continue;
    }
    if (!OPTIONS_WITH_VALUE.has(name)) return { problem: `pip does not know the option ${name} in a requirements file` };
    const value = attached ?? tokens[++i];
    if (value === undefined || value === "") return { problem: `the option ${name} needs a value` };
    options.push({ name, value });
  }
  return options;
}

/**
 * pip's requirements-file format (pip/_internal/req/req_file.py: join_lines, ignore_comments,
 * break_args_options), with the requirements themselves parsed as PEP 508. Options lines:
 * `-r`/`-c` are includes; `-e`, index and binary options are understood and carry no version;
 * `--hash` and the other per-requirement options are dropped from the requirement. Anything
 * else is a problem of its line, and the other lines still count.
 */
export function parseRequirementsFile(text: string): ParsedRequirementsFile {
  const requirements: RequirementsFileLine[] = [];
  const includes: RequirementsFileInclude[] = [];
  const problems: { line: number; message: string }[] = [];
  for (const logical of logicalLines(text)) {
    const content = logical.text.replace(COMMENT, "").trim();
    if (content === "") continue;
    // break_args_options: the requirement ends at the first token that starts with "-".
    const tokens = content.split(/\s+/);
    const firstOption = tokens.findIndex((t) => t.startsWith("-"));
    const args = (firstOption < 0 ? tokens : tokens.slice(0, firstOption)).join(" ");
    const options = parseOptions(firstOption < 0 ? [] : tokens.slice(firstOption));
    if ("problem" in options) {
      problems.push({ line: logical.line, message: options.problem });
      continue;
    }
    if (args === "") {
      for (const option of options) {
        if (PER_REQUIREMENT.has(option.name)) problems.push({ line: logical.line, message: `${option.name} belongs after a requirement on the same line` });
        else if (option.value !== null && ["-r", "--requirement", "-c", "--constraint"].includes(option.name)) {
          includes.push({ line: logical.line, path: option.value, constraint: option.name === "-c" || option.name === "--constraint" });
        }
      }
      continue;
    }
    const misplaced = options.find((o) => !PER_REQUIREMENT.has(o.name));
    if (misplaced !== undefined) {
      problems.push({ line: logical.line, message: `${misplaced.name} cannot follow a requirement on the same line` });
      continue;
    }
    const parsed = parseRequirement(args);
    if ("problem" in parsed) problems.push({ line: logical.line, message: `"${args}" is ${parsed.problem}` });
    else requirements.push({ line: logical.line, requirement: parsed });
  }
  return { requirements, includes, problems };
}
