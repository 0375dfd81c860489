import * as path from "path";
import { PROJECT_ROOT } from "../projectRoot";
import { ordinal } from "../config/ordinal";
import { ContainerPlan } from "../plan/deploymentPlan";

/**
 * The input contract of launcher/group_launcher.py, the entrypoint of every agent-group image
 * (launcher/README.md says the same in prose). The container gets two variables:
 *
 * - `GROUP_NAME`: the docker group, for the launcher's own log lines;
 * - `GROUP_AGENTS_JSON`: a JSON array with one object per agent, sorted by name:
 *   `{"name", "module", "required", "gates", "port", "healthCheckPort"}`. The launcher runs
 *   `python -m <module>` for each, with `AGENT_NAME`, `AGENT_PORT` and `HEALTH_CHECK_PORT` added
 *   to the container's environment; `required: false` agents are restarted with back-off, a
 *   required one that stops takes the container down; the container is healthy exactly when
 *   every `gates: true` agent is (the plan's `gatingAgents`). The ports are hints: the launcher
 *   looks for the agents' real listening ports and /health in /proc.
 */
export const GROUP_NAME_VARIABLE = "GROUP_NAME";
export const GROUP_AGENTS_VARIABLE = "GROUP_AGENTS_JSON";

export interface LauncherAgent {
  readonly name: string;
  /** The script as a module: `main_pc_code/agents/x.py` -> `main_pc_code.agents.x`. */
  readonly module: string;
  readonly required: boolean;
  /** Whether the container's healthcheck waits for this agent. */
  readonly gates: boolean;
  readonly port: number;
  readonly healthCheckPort: number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `python -m` needs a module name, so every path segment must be a Python identifier. Throws
 * on a path that cannot be one: the agent could not be started at all.
 */
export function scriptModule(scriptPath: string): string {
  const normalized = scriptPath.replace(/\\/g, "/").replace(/^(\.\/)+/, "");
  if (!normalized.endsWith(".py")) throw new Error(`script_path ${scriptPath} does not end in .py, so it cannot be run as python -m <module>`);
  const parts = normalized.slice(0, -".py".length).split("/");
  const bad = parts.find((p) => !IDENTIFIER.test(p));
  if (bad !== undefined) {
    throw new Error(`script_path ${scriptPath} cannot be run as python -m <module>: "${bad}" is not a Python identifier (it must be a relative path of identifiers)`);
  }
  return parts.join(".");
}

export function launcherAgents(container: ContainerPlan): LauncherAgent[] {
  return [...container.agents]
    .sort((a, b) => ordinal(a.name, b.name))
    .map((a) => ({
      name: a.name,
      module: scriptModule(a.scriptPath),
      required: a.required,
      gates: container.gatingAgents.includes(a.name),
      port: a.port,
      healthCheckPort: a.healthCheckPort,
    }));
}

/** The variables the renderer adds to a group container so the launcher knows what to run. */
export function launcherEnvironment(container: ContainerPlan): Record<string, string> {
  return {
    [GROUP_AGENTS_VARIABLE]: JSON.stringify(launcherAgents(container)),
    [GROUP_NAME_VARIABLE]: container.name,
  };
}

/** Where both Dockerfiles install the launcher (`COPY ... /opt/ai-launcher/group_launcher.py`). */
export const LAUNCHER_IMAGE_PATH = "/opt/ai-launcher/group_launcher.py";

/** The launcher as it ships in this project; the requirements command copies it into the build context. */
export const LAUNCHER_SOURCE = path.join(PROJECT_ROOT, "launcher", "group_launcher.py");
/** Its name in the requirements directory, where the Dockerfiles COPY it from. */
export const LAUNCHER_FILE = "group_launcher.py";
