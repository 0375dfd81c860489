import Docker from "dockerode";
import { Environment } from "../config/substituteEnvironment";
import { projectStackSettings } from "../program/projectStackSettings";
import { dockerOptions } from "../status/dockerConnection";
import { everyGateHealthy, formatStatus } from "../status/launcherStatus";
import { readHostStatus } from "../status/readHostStatus";
import { CommandResult, helpResult, parseCommandLine, requiredMachine, usageError } from "./commandLine";
import { PROJECT_ROOT } from "./planCommand";

const USAGE = `usage: ai-system status --machine mainpc|pc2 [--docker-host URL] [--json]

  --machine      the host to look at (default: $MACHINE_TYPE)
  --docker-host  its Docker daemon (default: the stack setting dockerHost of Pulumi.<machine>.yaml;
                 unix://, tcp:// or ssh://user@host, which uses the ssh agent)
  --json         print one JSON array of containers instead of lines

Shows every container of the host: Docker's state, health and restart count, and for each agent
group what its launcher observes per agent (state, gating, restarts, observed against declared
ports, the /health answer, clashes) with the last log lines of agents that are neither healthy nor
starting. The launcher is asked inside each container (its status port is never published).

exit status: 0 every gating agent of every group is healthy, 1 not (or the host cannot be read), 2 wrong usage`;

export async function runStatusCommand(argv: readonly string[], env: Environment): Promise<CommandResult> {
  const parsed = parseCommandLine(argv, { values: ["--machine", "--docker-host"], switches: ["--json"] });
  if (parsed.kind === "help") return helpResult(USAGE);
  if (parsed.kind === "usage") return usageError(parsed.problem, USAGE);
  const chosen = requiredMachine(parsed.values, env);
  if ("problem" in chosen) return usageError(chosen.problem, USAGE);
  const { machine } = chosen;
  let dockerHost = parsed.values.get("--docker-host");
  if (dockerHost === undefined) {
    const settings = projectStackSettings(PROJECT_ROOT, machine, PROJECT_ROOT);
    if (!settings.ok) return { exitCode: 1, stdout: "", stderr: `the ${machine} stack settings are invalid: ${settings.findings.map((f) => f.message).join("; ")}\n` };
    dockerHost = settings.settings.dockerHost;
  }
  try {
    const docker = new Docker(dockerOptions(dockerHost));
    const containers = await readHostStatus(docker, machine);
    const exitCode = everyGateHealthy(containers) ? 0 : 1;
    if (parsed.switches.has("--json")) return { exitCode, stdout: `${JSON.stringify(containers, null, 2)}\n`, stderr: "" };
    const lines = containers.length === 0 ? [`${machine}: no containers of this program on ${dockerHost}`] : formatStatus(machine, containers);
    return { exitCode, stdout: `${lines.join("\n")}\n`, stderr: "" };
  } catch (error) {
    return { exitCode: 1, stdout: "", stderr: `cannot read ${machine} at ${dockerHost}: ${error instanceof Error ? error.message : String(error)}\n` };
  }
}
