import * as path from "path";
import { parseArgs } from "util";
import { MACHINES, Machine, parseMachine } from "../config/machine";

/** A command as a function of its arguments and environment: what tests call. */
export interface CommandResult {
  readonly exitCode: 0 | 1 | 2;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CommandLineSpec {
  /** Flags that take a value: `--out DIR` or `--out=DIR`. */
  readonly values: readonly string[];
  /** Flags without a value: `--json`. */
  readonly switches: readonly string[];
  /** Flags that take a value and may repeat, every value kept in order: `--env A=1 --env B=2`. */
  readonly lists?: readonly string[];
}

export type ParsedCommandLine =
  | {
      readonly kind: "ok";
      readonly values: ReadonlyMap<string, string>;
      readonly switches: ReadonlySet<string>;
      readonly lists: ReadonlyMap<string, readonly string[]>;
    }
  | { readonly kind: "help" }
  | { readonly kind: "usage"; readonly problem: string };

/**
 * The flag syntax every command shares, on Node's util.parseArgs: `--flag value`, `--flag=value`,
 * `--help`/`-h`; a repeated flag keeps its last value. Lenient parsing plus its tokens, so each
 * problem is said in this project's words (and names the argument) instead of Node's.
 */
export function parseCommandLine(argv: readonly string[], spec: CommandLineSpec): ParsedCommandLine {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = { help: { type: "boolean", short: "h" } };
  for (const flag of [...spec.values, ...(spec.lists ?? [])]) options[flagName(flag)] = { type: "string" };
  for (const flag of spec.switches) options[flagName(flag)] = { type: "boolean" };
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const values = new Map<string, string>();
  const switches = new Set<string>();
  const lists = new Map<string, string[]>();
  for (const token of tokens) {
    if (token.kind === "option" && token.name === "help") return { kind: "help" };
  }
  for (const token of tokens) {
    if (token.kind === "positional") return { kind: "usage", problem: `unknown argument ${token.value}` };
    if (token.kind === "option-terminator") return { kind: "usage", problem: "unknown argument --" };
    const flag = `--${token.name}`;
    if (spec.values.includes(flag)) {
      if (token.value === undefined) return { kind: "usage", problem: `${flag} needs a value` };
      values.set(flag, token.value);
    } else if ((spec.lists ?? []).includes(flag)) {
      if (token.value === undefined) return { kind: "usage", problem: `${flag} needs a value` };
      lists.set(flag, [...(lists.get(flag) ?? []), token.value]);
    } else if (spec.switches.includes(flag) && token.inlineValue !== true) {
      switches.add(flag);
    } else {
      return { kind: "usage", problem: `unknown argument ${token.rawName}${token.inlineValue === true ? `=${token.value ?? ""}` : ""}` };
    }
  }
  return { kind: "ok", values, switches, lists };
}

function flagName(flag: string): string {
  return flag.replace(/^--/, "");
}

export function usageError(problem: string, usage: string): CommandResult {
  return { exitCode: 2, stdout: "", stderr: `${problem}\n${usage}\n` };
}

export function helpResult(usage: string): CommandResult {
  return { exitCode: 0, stdout: `${usage}\n`, stderr: "" };
}

/** `--override NAME|none`, defaulting to docker: the setting this program deploys. */
export function overrideOption(values: ReadonlyMap<string, string>): string | null {
  const value = values.get("--override") ?? "docker";
  return value === "none" ? null : value;
}

export function pathOption(values: ReadonlyMap<string, string>, flag: string): string | undefined {
  const value = values.get(flag);
  return value === undefined ? undefined : path.resolve(value);
}

/** The one machine a command runs for: `--machine`, else MACHINE_TYPE, as the agents read it. */
export function requiredMachine(values: ReadonlyMap<string, string>, env: Readonly<Record<string, string | undefined>>): { machine: Machine } | { problem: string } {
  const value = values.get("--machine") ?? env["MACHINE_TYPE"];
  if (value === undefined) return { problem: "--machine is required" };
  const chosen = machineOption(value, false);
  return "problem" in chosen ? chosen : { machine: chosen.machines[0]! };
}

/** `--machine mainpc|pc2`, in the monorepo's spellings; `all` when allowed. */
export function machineOption(value: string, allowAll: boolean): { machines: readonly Machine[] } | { problem: string } {
  if (allowAll && value === "all") return { machines: MACHINES };
  const machine = parseMachine(value);
  return machine ? { machines: [machine] } : { problem: `unknown machine ${value}; use one of ${[...MACHINES, ...(allowAll ? ["all"] : [])].join(", ")}` };
}
