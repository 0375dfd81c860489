/**
 * Naming rules shared by every renderer: how agent names become environment variables and DNS
 * names, and the fixed Docker names of what a machine runs.
 */
import { Machine } from "../config/machine";

/**
 * `<AGENT_NAME_IN_SNAKE_CASE>` for the per-agent port variables. Rule: a word starts at an
 * upper-case letter that follows a lower-case letter or digit, and at the last capital of a run
 * of capitals that is followed by a lower-case letter (so an acronym stays one word). Anything
 * that is not a letter or digit becomes `_`.
 *
 *   ModelOrchestrator -> MODEL_ORCHESTRATOR     NLUAgent -> NLU_AGENT
 *   VRAMOptimizerAgent -> VRAM_OPTIMIZER_AGENT  GoTToTAgent -> GO_T_TO_T_AGENT
 *   TTSService -> TTS_SERVICE                   Phi3Agent -> PHI3_AGENT
 */
export function agentEnvName(agentName: string): string {
  return agentName
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toUpperCase();
}

/** The DNS name agents use for a peer without a machine (`serviceregistry`). */
export function agentHostName(agentName: string): string {
  return agentName.toLowerCase();
}

/** The DNS name agents use for a peer on a given machine (`mainpc-serviceregistry`). */
export function machineAgentHostName(machine: Machine, agentName: string): string {
  return `${machine}-${agentName.toLowerCase()}`;
}

/** Prefix of every Docker object this program names. */
export const NAME_PREFIX = "ai-system";

export function groupContainerName(group: string): string {
  return `${NAME_PREFIX}-${group}`;
}

export const NATS_KEY = "nats";
export const NATS_STORE_INIT_KEY = "nats-store-init";
export const REDIS_KEY = "redis";
export const NATS_CONTAINER_NAME = `${NAME_PREFIX}-nats`;
export const NATS_STORE_INIT_CONTAINER_NAME = `${NAME_PREFIX}-nats-store-init`;
export const REDIS_CONTAINER_NAME = `${NAME_PREFIX}-redis`;

/** A path for the generated NATS configuration when it is mounted into a container (tests). */
export const NATS_CONFIG_FILE = "/etc/nats/ai-system.conf";
/** Where the deployed NATS container writes its configuration at start (the /tmp tmpfs). */
export const NATS_STARTUP_CONFIG_FILE = "/tmp/ai-system.conf";
