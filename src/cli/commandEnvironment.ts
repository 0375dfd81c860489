import { Machine } from "../config/machine";
import { Environment } from "../config/substituteEnvironment";
import { planEnvironment } from "../program/planEnvironment";
import { projectStackSettings } from "../program/projectStackSettings";

export const ENV_USAGE = `  --env NAME=VALUE  a \${NAME} value for the config (repeatable); the others come from the
                    machine's stack settings, as Pulumi and compose use them, never from the shell`;

/**
 * The variables `${VAR}` resolves from in plan, report and requirements: the machine's stack
 * settings (Pulumi.yaml and Pulumi.<machine>.yaml, as the deployment uses them), then each
 * `--env NAME=VALUE`. Never the operator's whole shell: a `PORT_OFFSET` or secret exported there
 * must not change (or leak into) what the plan says.
 */
export function commandEnvironment(projectDir: string, machine: Machine, configRoot: string, assignments: readonly string[]): { env: Environment } | { problem: string } {
  const settings = projectStackSettings(projectDir, machine, configRoot);
  if (!settings.ok) return { problem: `the ${machine} stack settings are invalid: ${settings.findings.map((f) => f.message).join("; ")}` };
  const env: Record<string, string | undefined> = { ...planEnvironment(settings.settings) };
  for (const assignment of assignments) {
    const eq = assignment.indexOf("=");
    const name = eq > 0 ? assignment.slice(0, eq) : "";
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return { problem: `--env ${assignment}: expected NAME=VALUE` };
    env[name] = assignment.slice(eq + 1);
  }
  return { env };
}
