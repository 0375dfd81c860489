import { LAUNCHER_IMAGE_PATH } from "../../src/launcher/launcherContract";
/**
 * A small Dockerfile reader and the rules the agent-group images must follow. There is no Docker
 * engine on the development machines, so this is how the templates are checked.
 */

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY, ... */
  readonly keyword: string;
  /** Everything after the keyword, continuation lines joined with a space. */
  readonly args: string;
  /** 1-based line of the keyword. */
  readonly line: number;
}

/** Joins `\` continuations and drops comments (also those between continuation lines, as Docker does). */
export function parseDockerfile(text: string): Instruction[] {
  const result: Instruction[] = [];
  let pending: { parts: string[]; line: number } | null = null;
  text.split("\n").forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith("#") || (trimmed === "" && pending === null)) return;
    const continued = trimmed.endsWith("\\");
    const body = continued ? trimmed.slice(0, -1).trim() : trimmed;
    if (pending === null) pending = { parts: [], line: index + 1 };
    if (body !== "") pending.parts.push(body);
    if (!continued) {
      const joined = pending.parts.join(" ");
      const space = joined.search(/\s/);
      const keyword = (space < 0 ? joined : joined.slice(0, space)).toUpperCase();
      result.push({ keyword, args: space < 0 ? "" : joined.slice(space + 1).trim(), line: pending.line });
      pending = null;
    }
  });
  return result;
}

/** `$X`, `${X}`, `${X:-default}` references, in order. */
function variables(text: string): string[] {
  return [...text.matchAll(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*))/g)].map((m) => m[1] ?? m[2]!);
}

/** `NAME=value NAME2="v"` or the legacy `NAME value` form of ENV, and `NAME[=default]` of ARG. */
function assignments(args: string): { name: string; value: string }[] {
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    const [name, ...rest] = args.split(/\s+/);
    return [{ name: name!, value: rest.join(" ") }];
  }
  return [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)].map((m) => ({ name: m[1]!, value: m[2]!.replace(/^"|"$/g, "") }));
}

/** Variables every base image defines: using them without declaring is fine. */
const INHERITED = new Set(["PATH", "HOME"]);
const SECRET_WORDS = /PASSWORD|SECRET|TOKEN/i;
/** Where the healthcheck and the entrypoint expect the launcher (the renderers' constant). */
export const LAUNCHER_PATH = LAUNCHER_IMAGE_PATH;
export const RUNTIME_DIRS = ["/app/logs", "/app/data", "/app/cache", "/app/models", "/app/config"];

/** Every rule the image templates break, as `line N: what`; empty when the file is fine. */
export function dockerfileProblems(text: string): string[] {
  const problems: string[] = [];
  const instructions = parseDockerfile(text);
  const firstFrom = instructions.findIndex((i) => i.keyword === "FROM");
  const global = new Set<string>();
  const declared = new Set<string>();
  const used = new Set<string>();
  instructions.forEach((ins, index) => {
    const inStage = index > firstFrom;
    const known = ins.keyword === "FROM" ? global : declared;
    for (const name of variables(ins.keyword === "ENV" || ins.keyword === "ARG" ? assignments(ins.args).map((a) => a.value).join(" ") : ins.args)) {
      used.add(name);
      if (!known.has(name) && !INHERITED.has(name)) problems.push(`line ${ins.line}: ${ins.keyword} uses $${name}, which no ARG or ENV above declares`);
    }
    if (ins.keyword === "ARG" || ins.keyword === "ENV") {
      for (const { name, value } of assignments(ins.args)) {
        if (SECRET_WORDS.test(name) || SECRET_WORDS.test(value)) problems.push(`line ${ins.line}: ${ins.keyword} ${name} looks like a secret baked into the image`);
        (inStage ? declared : global).add(name);
      }
    }
  });
  for (const ins of instructions.filter((i) => i.keyword === "ARG")) {
    const name = assignments(ins.args)[0]!.name;
    if (!used.has(name)) problems.push(`line ${ins.line}: ARG ${name} is never used`);
  }

  const entry = instructions.findIndex((i) => i.keyword === "ENTRYPOINT");
  const users = instructions.map((ins, index) => ({ ins, index })).filter(({ ins }) => ins.keyword === "USER");
  const lastUser = users[users.length - 1];
  if (entry < 0) problems.push("no ENTRYPOINT");
  else if (lastUser === undefined || lastUser.index > entry) problems.push("no USER before ENTRYPOINT: the agents would run as root");
  else if (/^(root|0)(:.*)?$/.test(lastUser.ins.args)) problems.push(`line ${lastUser.ins.line}: USER ${lastUser.ins.args} is root`);
  else if (lastUser.ins.args !== "ai") problems.push(`line ${lastUser.ins.line}: USER ${lastUser.ins.args} is not the ai user`);
  if (entry >= 0) {
    const args = instructions[entry]!.args;
    let form: unknown = null;
    try {
      form = JSON.parse(args);
    } catch {
      form = null;
    }
    if (!Array.isArray(form) || form[form.length - 1] !== LAUNCHER_PATH) problems.push(`line ${instructions[entry]!.line}: ENTRYPOINT must be the exec form ending in ${LAUNCHER_PATH}`);
  }
  if (!instructions.some((i) => i.keyword === "RUN" && /useradd .*--uid 10001 .*\bai$/.test(i.args))) problems.push("no useradd of ai with uid 10001");
  if (instructions.some((i) => i.keyword === "HEALTHCHECK")) problems.push("HEALTHCHECK is the orchestrator's: the images must not set one");

  const copies = instructions.map((ins, index) => ({ ins, index })).filter(({ ins }) => ins.keyword === "COPY");
  const requirementCopies = copies.filter(({ ins }) => /REQUIREMENTS/.test(ins.args) && !ins.args.includes("group_launcher.py"));
  const launcherCopy = copies.find(({ ins }) => ins.args.includes("group_launcher.py"));
  const codeCopy = copies.find(({ ins }) => /^\.\s+\/app\/?$/.test(ins.args));
  if (requirementCopies.length === 0 || launcherCopy === undefined || codeCopy === undefined) {
    problems.push("expected COPY of the requirements, of group_launcher.py and of the code (COPY . /app)");
  } else {
    const lastRequirements = requirementCopies[requirementCopies.length - 1]!;
    if (lastRequirements.index > launcherCopy.index) problems.push(`line ${lastRequirements.ins.line}: requirements are copied after the launcher`);
    if (launcherCopy.index > codeCopy.index) problems.push(`line ${launcherCopy.ins.line}: the launcher is copied after the code`);
    if (!launcherCopy.ins.args.endsWith(LAUNCHER_PATH)) problems.push(`line ${launcherCopy.ins.line}: the launcher must be copied to ${LAUNCHER_PATH}`);
    const pipAfterCode = instructions.slice(codeCopy.index).find((i) => i.keyword === "RUN" && /pip install/.test(i.args));
    if (pipAfterCode) problems.push(`line ${pipAfterCode.line}: pip install after the code COPY re-runs on every code change`);
    const after = instructions.slice(codeCopy.index + 1).filter((i) => i.keyword === "RUN").map((i) => i.args).join(" ");
    for (const dir of RUNTIME_DIRS) {
      if (!/mkdir -p/.test(after) || !after.includes(dir) || !/chown -R ai:ai/.test(after)) problems.push(`${dir} is not created and given to ai after the code COPY`);
    }
  }
  if (!instructions.some((i) => i.keyword === "WORKDIR" && i.args === "/app")) problems.push("no WORKDIR /app");
  if (!instructions.some((i) => i.keyword === "ENV" && assignments(i.args).some((a) => a.name === "PYTHONPATH" && a.value === "/app"))) problems.push("no ENV PYTHONPATH=/app");
  return problems;
}

/** The default of a global ARG (declared before FROM), e.g. the base image. */
export function argDefault(text: string, name: string): string | undefined {
  const ins = parseDockerfile(text).find((i) => i.keyword === "ARG" && assignments(i.args)[0]!.name === name);
  return ins === undefined ? undefined : assignments(ins.args)[0]!.value;
}
