import * as path from "path";
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

/** The flag syntax every command shares; a repeated flag keeps its last value. */
export function parseCommandLine(argv: readonly string[], spec: CommandLineSpec): ParsedCommandLine {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  const lists = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (flag === "--help" || flag === "-h") return { kind: "help" };
    if (spec.switches.includes(flag) && eq < 0) {
      switches.add(flag);
    } else if (spec.values.includes(flag) || (spec.lists ?? []).includes(flag)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) return { kind: "usage", problem: `${flag} needs a value` };
      if (spec.values.includes(flag)) values.set(flag, value);
      else lists.set(flag, [...(lists.get(flag) ?? []), value]);
    } else {
      return { kind: "usage", problem: `unknown argument ${arg}` };
    }
  }
  return { kind: "ok", values, switches, lists };
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
