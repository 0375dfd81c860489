import { AgentSpec } from "../config/effectiveConfig";
import { getOwn } from "../config/ownProperty";
import { EnvVar } from "./spec";

/**
 * Port variables the user's code reads under names that are not `<AGENT_NAME_IN_SNAKE_CASE>_PORT`
 * (checked in the 2025-07-26 tree; ../shared/docs/agent-runtime-contract.md, "Service discovery").
 * Each maps to the agent's `port` or `healthCheckPort`; they are set beside the name rule's.
 */
const CODE_PORT_VARIABLES: Readonly<Record<string, readonly { readonly name: string; readonly port: "port" | "healthCheckPort" }[]>> = {
  // pc2_code/agents/ForPC2/AuthenticationAgent.py:68
  AuthenticationAgent: [{ name: "AUTH_PORT", port: "port" }],
  // pc2_code/agents/DreamingModeAgent.py:68-69
  DreamingModeAgent: [
    { name: "DREAMING_HEALTH_PORT", port: "healthCheckPort" },
    { name: "DREAMING_MODE_PORT", port: "port" },
  ],
  // pc2_code/agents/DreamingModeAgent.py:70 (how DreamingModeAgent dials DreamWorldAgent)
  DreamWorldAgent: [{ name: "DREAM_WORLD_PORT", port: "port" }],
  // pc2_code/agents/filesystem_assistant_agent.py:69
  FileSystemAssistantAgent: [{ name: "FILESYSTEM_AGENT_PORT", port: "port" }],
  // pc2_code/agents/memory_orchestrator_service.py:54 (DEFAULT_PORT, passed as port= at line 424)
  MemoryOrchestratorService: [{ name: "MEMORY_ORCHESTRATOR_PORT", port: "port" }],
  // pc2_code/agents/ForPC2/proactive_context_monitor.py:73
  ProactiveContextMonitor: [{ name: "PROACTIVE_MONITOR_PORT", port: "port" }],
  // pc2_code/agents/tutoring_agent.py:57 (its port variable, TUTORING_AGENT_PORT, follows the rule)
  TutoringAgent: [{ name: "TUTORING_HEALTH_PORT", port: "healthCheckPort" }],
  // pc2_code/agents/ForPC2/unified_utils_agent.py:68
  UnifiedUtilsAgent: [{ name: "UTILS_AGENT_PORT", port: "port" }],
};

/** The code's own variable names for `agent`, or none. */
export function codePortVariables(agent: AgentSpec): EnvVar[] {
  return (getOwn(CODE_PORT_VARIABLES, agent.name) ?? []).map((v) => ({ name: v.name, value: String(agent[v.port]) }));
}
