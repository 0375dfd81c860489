import * as path from "path";
import { Environment } from "../config/substituteEnvironment";
import { exportCompose } from "../compose/exportCompose";
import { renderEnvFile } from "../compose/envFile";
import { OutputFile, writeOutputFiles } from "../compose/outputFiles";
import { formatFindings } from "../config/finding";
import { machineSecretRefs } from "../compose/composeText";
import { CommandResult, helpResult, parseCommandLine, requiredMachine, usageError } from "./commandLine";
import { PROJECT_ROOT } from "./planCommand";

const USAGE = `usage: ai-system compose --machine mainpc|pc2 [--config-root DIR] [--out DIR] [--write-env FILE]

  --machine      the host whose compose file to write (default: $MACHINE_TYPE)
  --config-root  monorepo root holding config/startup_config.v3.yaml (default: this project)
  --out          directory for docker-compose.<machine>.yml, docker-compose.network.yml and
                 generated files (default: the current directory)
  --write-env    also write FILE (mode 0600, inside --out): the env file with the secrets the compose files
                 reference, from REDIS_PASSWORD, NATS_PASSWORD, NATS_LEAF_PASSWORD and the
                 PEM texts NATS_LEAF_CA, NATS_LEAF_CERT, NATS_LEAF_KEY in this command's environment (not named --env-file: Node 20 takes that flag from
                 anywhere on its command line)

The containers are rendered from the same plan and container specs as the Pulumi stack of the
machine (stack settings from Pulumi.yaml and Pulumi.<machine>.yaml; both stacks, since the network
file describes both hosts). A plan with errors, or a container failing a hardening check, writes nothing;
neither does a file that is outside --out or would be written through a symbolic link.

exit status: 0 written, 1 refused (reasons on stderr), 2 wrong usage`;

/** The command as a function of its arguments and environment; writes files only on success. */
export function runComposeCommand(argv: readonly string[], env: Environment, cwd: string = process.cwd()): CommandResult {
  const parsed = parseCommandLine(argv, { values: ["--machine", "--config-root", "--out", "--write-env"], switches: [] });
  if (parsed.kind === "help") return helpResult(USAGE);
  if (parsed.kind === "usage") return usageError(parsed.problem, USAGE);
  const chosen = requiredMachine(parsed.values, env);
  if ("problem" in chosen) return usageError(chosen.problem, USAGE);
  const { machine } = chosen;
  const resolved = (flag: string): string | undefined => {
    const v = parsed.values.get(flag);
    return v === undefined ? undefined : path.resolve(cwd, v);
  };
  const configRoot = resolved("--config-root") ?? PROJECT_ROOT;
  const out = resolved("--out") ?? cwd;
  const envFile = resolved("--write-env") ?? null;

  const outcome = exportCompose(PROJECT_ROOT, machine, configRoot);
  if (!outcome.ok) return { exitCode: 1, stdout: "", stderr: `Nothing written:\n${outcome.problems.join("\n")}\n` };
  const envText = envFile === null ? null : renderEnvFile(env, machineSecretRefs(outcome.export.spec));
  if (envText !== null && !envText.ok) return { exitCode: 1, stdout: "", stderr: `Nothing written: the env file cannot be written:\n${envText.problems.map((p) => `  ${p}`).join("\n")}\n` };

  // Inside --out only, never through a symbolic link (src/compose/outputFiles.ts).
  const files: OutputFile[] = [...outcome.export.files];
  if (envFile !== null && envText !== null && envText.ok) files.push({ path: path.relative(out, envFile), content: envText.text, mode: 0o600 });
  const result = writeOutputFiles(out, files);
  if ("findings" in result) return { exitCode: 1, stdout: "", stderr: `Nothing written:\n${formatFindings(result.findings).join("\n")}\n` };
  const written = result.written.map((w, i) => (files[i]?.mode === 0o600 ? `${w} (mode 0600)` : w));
  const spec = outcome.export.spec;
  const gpus = spec.groups.filter((g) => g.gpu !== null).length;
  const lines = [
    `Wrote the compose files of ${machine}:`,
    ...written.map((w) => `  ${w}`),
    `${spec.groups.length + 3} services (NATS store init, NATS, Redis, ${spec.groups.length} agent groups, ${gpus} with GPU reservations), ${spec.volumes.length} named volumes.`,
    `Secrets come from the env file: ${outcome.export.variables.join(", ")}.`,
    `Run on ${machine}: docker-compose --env-file .env -p ai-system -f docker-compose.network.yml -f docker-compose.${machine}.yml up -d`,
  ];
  return { exitCode: 0, stdout: `${lines.join("\n")}\n`, stderr: "" };
}
