import { Environment } from "../config/substituteEnvironment";
import { commonAgentVariables } from "../render/agentEnvironment";
import { isPlainText } from "../render/specText";
import { StackSettings } from "./stackSettings";

/**
 * The environment the plan is built with: the stack's extra variables plus the plain variables
 * every agent container gets, so `${VAR}` in the config resolves here exactly as the agents'
 * own loader resolves it inside the containers. Never the operator's shell environment, so two
 * runs of the same stack plan the same thing. Secrets are left out.
 */
export function planEnvironment(settings: StackSettings): Environment {
  const env: Record<string, string> = { ...settings.extraEnvironment };
  for (const v of commonAgentVariables(settings)) {
    if (isPlainText(v.value)) env[v.name] = v.value;
  }
  return env;
}
