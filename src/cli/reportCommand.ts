import * as fs from "fs";
import * as path from "path";
import { Machine, MACHINES } from "../config/machine";
import { Environment } from "../config/substituteEnvironment";
import { prometheusTargets, targetsFile, targetsJson } from "../monitoring/prometheusTargets";
import { buildDeploymentPlan } from "../plan/buildDeploymentPlan";
import { DeploymentPlan } from "../plan/deploymentPlan";
import { prepareProjectMachine } from "../pipeline/prepareMachine";
import { renderActionPlan } from "../report/actionPlanReport";
import { CommandResult, helpResult, overrideOption, parseCommandLine, pathOption, usageError } from "./commandLine";
import { commandEnvironment, ENV_USAGE } from "./commandEnvironment";
import { PROJECT_ROOT } from "./planCommand";

const USAGE = `usage: ai-system report [--config-root DIR] [--override NAME|none] [--env NAME=VALUE]... [--out FILE]

Writes the Deployment Action Plan (Markdown) for both hosts, generated from their plans.

  --config-root  monorepo root holding config/startup_config.v3.yaml (default: this project)
  --override     CONFIG_OVERRIDE file to apply (default: docker, the setting this program deploys)
${ENV_USAGE}
  --out          write the report to FILE (default: print it) and the Prometheus targets of each
                 host to monitoring/<machine>.targets.json beside it

exit status: 0 no errors, 1 the plans have errors (the report is still written), 2 wrong usage`;

/** `_shell` is not read: `${VAR}` values come from the stack settings and `--env` only. */
export function runReportCommand(argv: readonly string[], _shell: Environment): CommandResult {
  const usage = (problem: string): CommandResult => usageError(problem, USAGE);
  const parsed = parseCommandLine(argv, { values: ["--config-root", "--override", "--out"], switches: [], lists: ["--env"] });
  if (parsed.kind === "help") return helpResult(USAGE);
  if (parsed.kind === "usage") return usage(parsed.problem);
  const configRoot = pathOption(parsed.values, "--config-root") ?? PROJECT_ROOT;
  const override = overrideOption(parsed.values);
  const out = pathOption(parsed.values, "--out");

  const envs: Partial<Record<Machine, Environment>> = {};
  for (const machine of MACHINES) {
    const vars = commandEnvironment(PROJECT_ROOT, machine, configRoot, parsed.lists.get("--env") ?? []);
    if ("problem" in vars) return usage(vars.problem);
    envs[machine] = vars.env;
  }
  const plans = Object.fromEntries(MACHINES.map((machine) => [machine, buildDeploymentPlan({ configRoot, machine, env: envs[machine]!, override })])) as Record<Machine, DeploymentPlan>;
  const env = envs.mainpc!;
  const report = renderActionPlan({
    plans,
    configRootLabel: path.relative(PROJECT_ROOT, configRoot).split(path.sep).join("/") || ".",
    // Substitution treats an empty PORT_OFFSET as unset, so the report says 0 then too.
    portOffset: (env["PORT_OFFSET"] ?? "").trim() === "" ? "0" : env["PORT_OFFSET"]!.trim(),
  });
  // The same step plan, compose and the Pulumi program take: the report fails for what they refuse.
  const refusals = MACHINES.flatMap((m) => {
    const outcome = prepareProjectMachine(PROJECT_ROOT, m, configRoot, { plan: plans[m] });
    return outcome.ok ? [] : [outcome.refusal];
  });
  const exitCode = refusals.length > 0 ? 1 : 0;
  const refused = refusals.map((r) => `${r}\n`).join("");
  if (out === undefined) {
    return { exitCode, stdout: report, stderr: `${refused}Prometheus targets not written: give --out FILE to write monitoring/<machine>.targets.json beside the report.\n` };
  }

  const written = [out, ...MACHINES.map((m) => path.join(path.dirname(out!), targetsFile(m)))];
  const inputs = new Set(MACHINES.flatMap((m) => plans[m].config.files.map((f) => path.resolve(configRoot, f))));
  const clash = written.find((file) => inputs.has(file));
  if (clash) return usage(`refusing to write ${clash}: it is a configuration file the report reads; choose another --out`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, report);
  for (const m of MACHINES) {
    const file = path.join(path.dirname(out), targetsFile(m));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, targetsJson(prometheusTargets(plans[m])));
  }
  const counts = MACHINES.map((m) => `${m} ${prometheusTargets(plans[m]).length}`).join(", ");
  return { exitCode, stdout: `Wrote ${written[0]}\nWrote ${written.slice(1).join(" and ")} (Prometheus targets: ${counts})\n`, stderr: refused };
}
