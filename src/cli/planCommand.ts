import { PROJECT_ROOT } from "../projectRoot";
import { Finding, hasErrors, reportedFindings, sortFindings } from "../config/finding";
import { Environment } from "../config/substituteEnvironment";
import { buildDeploymentPlan } from "../plan/buildDeploymentPlan";
import { hostOptions } from "../program/hostOptions";
import { projectStackSettings, projectStackSource } from "../program/projectStackSettings";
import { DEFAULT_HEALTH_GATE, HEALTH_GATES } from "../plan/healthGate";
import { commandEnvironment, ENV_USAGE } from "./commandEnvironment";
import { CommandResult, helpResult, overrideOption, parseCommandLine, pathOption, requiredMachine, usageError } from "./commandLine";
import { prepareProjectMachine } from "../pipeline/prepareMachine";
import { StackSettings } from "../program/stackSettings";
import { START_INTERVAL_MIN_API_VERSION } from "../render/providerForms";
import { hardeningSummary } from "./planHardening";
import { planToJson, planToText } from "./planOutput";

/** The project's own root holds the default configuration in config/. */
export { PROJECT_ROOT };

const USAGE = `usage: ai-system plan --machine mainpc|pc2 [--config-root DIR] [--override NAME|none]
       [--health-gate dependencies|required|none] [--env NAME=VALUE]... [--json]

  --machine      the host to plan (default: $MACHINE_TYPE)
  --config-root  monorepo root holding config/startup_config.v3.yaml (default: this project)
  --override     CONFIG_OVERRIDE file to apply (default: docker, the setting this program deploys)
  --health-gate  which agents gate each container's health, as the stack setting healthGate
                 (default: dependencies: required agents and those another container depends on)
  --json         print one JSON object instead of tables
${ENV_USAGE}

The human output ends with the hardening of the rendered containers (stack settings from this
project's Pulumi.yaml and Pulumi.<machine>.yaml): checks passed per container, documented
exceptions with their reasons, and any failed check.

exit status: 0 no errors, 1 errors found or a hardening check failed (output still printed), 2 wrong usage`;

/** The whole command as a function of its arguments and environment, for tests. */
export function runPlanCommand(argv: readonly string[], env: Environment): CommandResult {
  const parsed = parseCommandLine(argv, { values: ["--machine", "--config-root", "--override", "--health-gate"], switches: ["--json"], lists: ["--env"] });
  if (parsed.kind === "help") return helpResult(USAGE);
  if (parsed.kind === "usage") return usageError(parsed.problem, USAGE);
  const chosen = requiredMachine(parsed.values, env);
  if ("problem" in chosen) return usageError(chosen.problem, USAGE);
  const { machine } = chosen;
  const configRoot = pathOption(parsed.values, "--config-root") ?? PROJECT_ROOT;
  const override = overrideOption(parsed.values);
  const json = parsed.switches.has("--json");
  const gateText = parsed.values.get("--health-gate");
  const healthGate = gateText === undefined ? DEFAULT_HEALTH_GATE : HEALTH_GATES.find((g) => g === gateText);
  if (healthGate === undefined) return usageError(`--health-gate must be one of ${HEALTH_GATES.join(", ")}, got ${gateText}`, USAGE);
  const vars = commandEnvironment(PROJECT_ROOT, machine, configRoot, parsed.lists.get("--env") ?? []);
  if ("problem" in vars) return usageError(vars.problem, USAGE);

  // The host (platform, memory) as this project's stack files describe it, when they validate.
  const stack = projectStackSettings(PROJECT_ROOT, machine, configRoot);
  const host = stack.ok ? hostOptions(stack.settings, projectStackSource(PROJECT_ROOT, machine)) : undefined;
  const plan = buildDeploymentPlan({ configRoot, machine, env: vars.env, override, host, healthGate });
  // The same step compose, report and the Pulumi program take, so plan refuses what they refuse.
  const outcome = prepareProjectMachine(PROJECT_ROOT, machine, configRoot, { plan });
  const planned = new Set(plan.findings);
  const findings: Finding[] = sortFindings([...plan.findings, ...outcome.findings.filter((f) => !planned.has(f))]);
  const exitCode = hasErrors(findings) ? 1 : 0;
  if (json) return { exitCode, stdout: `${JSON.stringify({ ...planToJson(plan), findings: reportedFindings(findings) }, null, 2)}\n`, stderr: "" };
  return { exitCode, stdout: `${planToText(plan, hardeningSummary(outcome), findings, outcome.ok ? [startIntervalNote(outcome.settings)] : [])}\n`, stderr: "" };
}

/** Whether the healthchecks probe faster during the start period, and why (the engine's API level). */
export function startIntervalNote(settings: StackSettings): string {
  const seconds = settings.healthcheck.startIntervalSeconds;
  return seconds === null
    ? `Healthcheck start interval: none (dockerApiVersion ${settings.engineApiVersion} is below ${START_INTERVAL_MIN_API_VERSION}, which refuses it); healthchecks run every ${settings.healthcheck.intervalSeconds} s from the start`
    : `Healthcheck start interval: ${seconds} s during the start period (dockerApiVersion ${settings.engineApiVersion}, ${START_INTERVAL_MIN_API_VERSION} or later)`;
}
