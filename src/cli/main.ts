#!/usr/bin/env node
// First: it sets V8 flags before the command modules compile.
import "./shortLivedProcess";
import * as fs from "fs";
import * as path from "path";
import { Environment } from "../config/substituteEnvironment";
import { formatFinding, internalError } from "../config/finding";
import { PROJECT_ROOT } from "../projectRoot";
import { colourEnabled, colourFindings } from "./colour";
import { CommandResult, helpResult, usageError } from "./commandLine";
import { COMMANDS } from "./commands";

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    "usage: ai-system <command> [flags]",
    "       ai-system <command> --help    flags of one command",
    "       ai-system --version",
    "",
    "commands:",
    ...Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`),
    "",
    "npm run <command> -- [flags] runs the same. NO_COLOR turns colour off; it is used on a terminal only.",
    "",
    "exit status: 0 success, 1 refused or errors found (see each command), 2 wrong usage",
  ].join("\n");
}

export function version(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { name: string; version: string };
  return `${manifest.name} ${manifest.version}`;
}

/** A bug escaping a command: one internal-error finding; the stack trace only with AI_SYSTEM_DEBUG set. */
export function unexpectedErrorText(err: unknown, env: Environment): string {
  const line = formatFinding(internalError(err, { file: "ai-system", line: 1 }));
  const debug = (env["AI_SYSTEM_DEBUG"] ?? "") !== "";
  const stack = err instanceof Error && err.stack !== undefined ? err.stack : String(err);
  return debug ? `${line}\n${stack}\n` : `${line}\n(AI_SYSTEM_DEBUG=1 prints the stack trace)\n`;
}

/** `ai-system <command> ...` as a function of its arguments (without node and the script) and environment. */
export async function runMain(argv: readonly string[], env: Environment): Promise<CommandResult> {
  const [first, ...rest] = argv;
  if (first === undefined) return usageError("a command is required", usage());
  if (first === "--help" || first === "-h" || first === "help") return helpResult(usage());
  if (first === "--version" || first === "-V") return { exitCode: 0, stdout: `${version()}\n`, stderr: "" };
  const entry = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (entry === undefined) return usageError(`unknown command ${first}`, usage());
  const run = await entry.load();
  return run(rest, env);
}

if (require.main === module) {
  runMain(process.argv.slice(2), process.env).then(
    (result) => {
      process.stdout.write(colourEnabled(process.stdout, process.env) ? colourFindings(result.stdout) : result.stdout);
      process.stderr.write(colourEnabled(process.stderr, process.env) ? colourFindings(result.stderr) : result.stderr);
      process.exitCode = result.exitCode;
    },
    (err: unknown) => {
      process.stderr.write(unexpectedErrorText(err, process.env));
      process.exitCode = 1;
    },
  );
}
