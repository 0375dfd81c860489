import { Environment } from "../config/substituteEnvironment";
import { CommandResult } from "./commandLine";

/** A subcommand as a function of its arguments (after the command name) and environment. */
export type CommandRun = (argv: readonly string[], env: Environment) => CommandResult | Promise<CommandResult>;

export interface CommandEntry {
  /** One line for `ai-system --help`. */
  readonly summary: string;
  /** Loaded on use only, so a command pulls in its own modules and nothing else. */
  readonly load: () => Promise<CommandRun>;
}

/**
 * A command that plans reads Python (preflight, the import scan): tree-sitter's grammar is
 * WebAssembly, loaded asynchronously once before the synchronous pipeline runs.
 */
function withPython(load: () => Promise<CommandRun>): () => Promise<CommandRun> {
  return async () => {
    const [{ loadPythonGrammar }, run] = await Promise.all([import("../python/pythonParser"), load()]);
    await loadPythonGrammar();
    return run;
  };
}

/**
 * For a command that writes nothing (plan): it runs without the grammar first, and the first
 * Python file it parses loads the grammar and runs it again. On a config root without the
 * agents' code (this project's default config: every script is missing) nothing is parsed and
 * neither web-tree-sitter nor its WebAssembly is loaded (bench: about 25 ms of CPU).
 */
function withPythonOnDemand(load: () => Promise<CommandRun>): () => Promise<CommandRun> {
  return async () => {
    const [{ loadPythonGrammar, PythonGrammarNotLoaded }, run] = await Promise.all([import("../python/pythonParser"), load()]);
    return async (argv, env) => {
      try {
        return await run(argv, env);
      } catch (error) {
        if (!(error instanceof PythonGrammarNotLoaded)) throw error;
        await loadPythonGrammar();
        return run(argv, env);
      }
    };
  };
}

/**
 * Every `ai-system` subcommand, in the order `--help` lists them. A new one is a module
 * exporting its run function (argv, env) => CommandResult, with its own USAGE for `--help`,
 * plus one line here (and, if wanted, an `npm run` alias in package.json).
 */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  plan: { summary: "load, validate and plan one host; hardening of its containers", load: withPythonOnDemand(async () => (await import("./planCommand")).runPlanCommand) },
  compose: { summary: "write the docker-compose files of one host from its plan", load: withPython(async () => (await import("./composeCommand")).runComposeCommand) },
  report: { summary: "write the Deployment Action Plan (Markdown) and Prometheus targets", load: withPython(async () => (await import("./reportCommand")).runReportCommand) },
  requirements: { summary: "write each docker group's requirements files from the agents' imports", load: withPython(async () => (await import("./requirementsCommand")).runRequirementsCommand) },
  inputs: { summary: "print every resource and input the Pulumi program would send the provider, offline", load: withPython(async () => { const { runInputsCommand } = await import("./inputsCommand"); return (argv) => runInputsCommand(argv); }) },
  status: { summary: "show every container and agent of a host, from its launchers (exit 1 unless all gating agents are healthy)", load: async () => (await import("./statusCommand")).runStatusCommand },
  "leaf-certs": { summary: "make the NATS leaf link's mutual-TLS certificates with openssl", load: async () => { const { runLeafCertsCommand } = await import("./leafCertsCommand"); return (argv) => runLeafCertsCommand(argv); } },
  migrate: { summary: "turn the include layout into one self-contained v3 file", load: async () => (await import("./migrateCommand")).runMigrateCommand },
};
