/**
 * What an agent group's NATS user may do: exactly what the error bus needs
 * (common/error_bus/nats_error_bus.py: `add_stream` of ERRORS and AGENT_ERRORS, `js.publish`,
 * core subscriptions on `errors.*`, `js.subscribe(..., durable=...)`), in its own host's
 * JetStream only, and replies on its own inbox prefix only.
 *
 * Why one account with per-user inbox prefixes and not one account per group: the errors of one
 * group must reach the other groups of the same host, and nats-server cannot fan a subject out
 * between accounts both ways: a stream import back into the exporting account is refused as a
 * cycle (server/accounts.go checkStreamImportsForCycles), and imported messages are not passed
 * on to a third account (server/client.go processMsgResults: shadow subscriptions "apply to
 * local subs only", and nothing from a service import is re-exported). Both were tried on
 * nats-server 2.9.10.
 */
import { ERROR_BUS_STREAMS, ERROR_BUS_SUBJECTS, natsInboxPrefix } from "./groupIdentity";

/** The JetStream API subjects (local domain, `$JS.API.`) a group may call, sorted. */
export function errorBusApiSubjects(): string[] {
  const subjects = ["$JS.API.INFO", "$JS.API.STREAM.NAMES"];
  for (const stream of ERROR_BUS_STREAMS) {
    subjects.push(
      `$JS.ACK.${stream}.>`,
      `$JS.API.CONSUMER.CREATE.${stream}`,
      `$JS.API.CONSUMER.CREATE.${stream}.>`,
      `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.*`,
      `$JS.API.CONSUMER.INFO.${stream}.*`,
      `$JS.API.CONSUMER.LIST.${stream}`,
      `$JS.API.CONSUMER.MSG.NEXT.${stream}.*`,
      `$JS.API.CONSUMER.NAMES.${stream}`,
      `$JS.API.STREAM.CREATE.${stream}`,
      `$JS.API.STREAM.INFO.${stream}`,
      `$JS.API.STREAM.UPDATE.${stream}`,
      `$JS.FC.${stream}.>`,
    );
  }
  return subjects.sort();
}

export interface NatsPermissions {
  readonly publish: readonly string[];
  readonly subscribe: readonly string[];
}

/** Allow lists (everything else is denied): publish errors and the API calls, read errors and own inbox. */
export function groupPermissions(group: string): NatsPermissions {
  return {
    publish: [ERROR_BUS_SUBJECTS, ...errorBusApiSubjects()],
    subscribe: [ERROR_BUS_SUBJECTS, `${natsInboxPrefix(group)}.>`],
  };
}

const quoted = (subjects: readonly string[]): string => subjects.map((s) => JSON.stringify(s)).join(", ");

/** A NATS config `permissions` value. */
export function renderPermissions(p: NatsPermissions): string {
  return `{publish: {allow: [${quoted(p.publish)}]}, subscribe: {allow: [${quoted(p.subscribe)}]}}`;
}
