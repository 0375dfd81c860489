/**
 * Naming rules shared by every renderer: how agent names become environment variables and DNS
 * names, and the fixed Docker names of what a machine runs.
 */
import { Machine } from "../config/machine";

export { agentEnvName } from "../config/agentName";

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
export const CONFIG_INIT_KEY = "config-init";
export const CONFIG_INIT_CONTAINER_NAME = `${NAME_PREFIX}-config-init`;
export const NATS_CONTAINER_NAME = `${NAME_PREFIX}-nats`;
export const NATS_STORE_INIT_CONTAINER_NAME = `${NAME_PREFIX}-nats-store-init`;
export const REDIS_CONTAINER_NAME = `${NAME_PREFIX}-redis`;

/** A path for the generated NATS configuration when it is mounted into a container (tests). */
export const NATS_CONFIG_FILE = "/etc/nats/ai-system.conf";
/** Where the deployed NATS container writes its configuration at start (the /tmp tmpfs). */
export const NATS_STARTUP_CONFIG_FILE = "/tmp/ai-system.conf";
