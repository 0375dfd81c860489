import * as path from "path";
import { hasErrors } from "../config/finding";
import { MACHINES, parseMachine } from "../config/machine";
import { Environment } from "../config/substituteEnvironment";
import { buildDeploymentPlan } from "../plan/buildDeploymentPlan";
import { hardeningFailed, planHardening } from "./planHardening";
import { planToJson, planToText } from "./planOutput";

/** The project's own root holds the default configuration in config/. */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

const USAGE = `usage: npm run plan -- --machine mainpc|pc2 [--config-root DIR] [--override NAME|none] [--json]

  --machine      the host to plan (default: $MACHINE_TYPE)
  --config-root  monorepo root holding config/startup_config.v3.yaml (default: this project)
  --override     CONFIG_OVERRIDE file to apply (default: docker, the setting this program deploys)
  --json         print one JSON object instead of tables

The human output ends with the hardening of the rendered containers (stack settings from this
project's Pulumi.yaml and Pulumi.<machine>.yaml): checks passed per container, documented
exceptions with their reasons, and any failed check.

exit status: 0 no errors, 1 errors found or a hardening check failed (output still printed), 2 wrong usage`;

export interface CommandResult {
  readonly exitCode: 0 | 1 | 2;
  readonly stdout: string;
  readonly stderr: string;
}

/** The whole command as a function of its arguments and environment, for tests. */
export function runPlanCommand(argv: readonly string[], env: Environment): CommandResult {
  const usage = (problem: string): CommandResult => ({ exitCode: 2, stdout: "", stderr: `${problem}\n${USAGE}\n` });
  let machineArg: string | undefined = env["MACHINE_TYPE"];
  let configRoot = PROJECT_ROOT;
  let override: string | null = "docker";
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case "--help":
      case "-h":
        return { exitCode: 0, stdout: `${USAGE}\n`, stderr: "" };
      case "--json":
        json = true;
        break;
      case "--machine":
        machineArg = value();
        if (machineArg === undefined) return usage("--machine needs a value");
        break;
      case "--config-root": {
        const v = value();
        if (v === undefined) return usage("--config-root needs a value");
        configRoot = path.resolve(v);
        break;
      }
      case "--override": {
        const v = value();
        if (v === undefined) return usage("--override needs a value");
        override = v === "none" ? null : v;
        break;
      }
      default:
        return usage(`unknown argument ${arg}`);
    }
  }
  if (machineArg === undefined) return usage("--machine is required");
  const machine = parseMachine(machineArg);
  if (!machine) return usage(`unknown machine ${machineArg}; use one of ${MACHINES.join(", ")}`);

  const plan = buildDeploymentPlan({ configRoot, machine, env, override });
  if (json) return { exitCode: hasErrors(plan.findings) ? 1 : 0, stdout: `${JSON.stringify(planToJson(plan), null, 2)}\n`, stderr: "" };
  const hardening = planHardening(plan, PROJECT_ROOT);
  const failed = hasErrors(plan.findings) || hardeningFailed(hardening);
  return { exitCode: failed ? 1 : 0, stdout: `${planToText(plan, hardening)}\n`, stderr: "" };
}

if (require.main === module) {
  const result = runPlanCommand(process.argv.slice(2), process.env);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
}
