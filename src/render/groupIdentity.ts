/**
 * Who each agent container group is on its host's NATS and Redis (DESIGN.md decision 3): one
 * NATS user and one Redis ACL user per group, named after the group, with a password derived
 * from the stack secret for that host and group (src/render/derivedSecret.ts). The container's
 * NATS_USER/NATS_PASSWORD/REDIS_USERNAME/REDIS_PASSWORD carry it; nothing on either server
 * accepts a client without credentials.
 */
import { Machine } from "../config/machine";
import { SecretEncoding, SecretRef } from "./spec";

/** The NATS account every agent group's user belongs to (the leaf link is bound to it too). */
export const NATS_AGENT_ACCOUNT = "AGENTS";

/** The JetStream streams the error bus creates (common/error_bus/nats_error_bus.py `_setup_streams`). */
export const ERROR_BUS_STREAMS = ["AGENT_ERRORS", "ERRORS"] as const;

/** The only subjects that cross between the hosts, and the only ones agents publish and read. */
export const ERROR_BUS_SUBJECTS = "errors.>";

/** The account the leaf link is bound to on both hosts, and the errors' names inside it. */
export const NATS_LEAF_ACCOUNT = "LEAF";
export const LEAF_ERROR_SUBJECTS = "leaf.errors.>";

/** Redis user of the Redis container's own healthcheck: PING only. */
export const REDIS_HEALTH_USER = "healthcheck";

/**
 * Each group's reply subjects start with `_INBOX.<group>`; a group may subscribe to its own
 * inboxes only, so no group reads another's JetStream replies. Clients with credentials use the
 * prefix (nats-py: `nc.connect(..., inbox_prefix=os.environ["NATS_INBOX_PREFIX"])`); the
 * launcher's loopback relay maps the default `_INBOX.` of code without credentials into it.
 */
export function natsInboxPrefix(group: string): string {
  return `_INBOX.${group}`;
}

/** `core-platform` -> `CORE_PLATFORM`: the group's part of an environment variable name. */
export function groupEnvToken(group: string): string {
  return group.toUpperCase().replace(/-/g, "_");
}

/** Name of the NATS container's variable holding one group's password (read by the config). */
export function natsGroupPasswordVariable(group: string): string {
  return `NATS_PASSWORD_${groupEnvToken(group)}`;
}

export function natsGroupPassword(machine: Machine, group: string, encoding: SecretEncoding): SecretRef {
  return { secret: "natsPassword", encoding, derive: `nats-user:${machine}:${group}` };
}

export function redisGroupPassword(machine: Machine, user: string, encoding: SecretEncoding): SecretRef {
  return { secret: "redisPassword", encoding, derive: `redis-user:${machine}:${user}` };
}
