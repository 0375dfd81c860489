/**
 * Reads the NATS server configuration the container starts with (the program passes it in the
 * command) and judges its authentication and where monitoring listens.
 */

/** The configuration text among the command's words (the one that configures `listen`). */
export function natsConfigOf(command: readonly string[]): string | null {
  return command.find((part) => /^\s*listen\s*:/m.test(part)) ?? null;
}

/** The body of the first top-level `name { ... }` block, braces balanced; null when absent. */
export function configBlock(config: string, name: string): string | null {
  const start = new RegExp(`^${name}\\s*\\{`, "m").exec(config);
  if (start === null) return null;
  let depth = 0;
  for (let i = start.index + start[0].length - 1; i < config.length; i++) {
    if (config[i] === "{") depth++;
    if (config[i] === "}") depth--;
    if (depth === 0) return config.slice(start.index + start[0].length, i);
  }
  return null;
}

export type NatsVerdict = { readonly ok: true; readonly detail: string } | { readonly ok: false; readonly problem: string };

/** The `{user: ..., ...}` entries of a block (each on one line, as the program writes them). */
function userEntries(block: string): string[] {
  return [...block.matchAll(/\{\s*user\s*:[^\n]*\}/g)].map((m) => m[0]);
}

const passwordFromEnvironment = (entry: string): boolean => /password\s*:\s*\$[A-Z_][A-Z0-9_]*/.test(entry);

/**
 * Clients and the cross-host leaf link must authenticate, with credentials from the
 * environment; every client user has an allow-list of permissions; the leaf link is mutual TLS.
 */
export function judgeNatsAuth(command: readonly string[]): NatsVerdict {
  const config = natsConfigOf(command);
  if (config === null) return { ok: false, problem: "no NATS configuration in the command" };
  if (/no_auth_user/.test(config)) return { ok: false, problem: "no_auth_user lets clients in without credentials" };
  const leafnodes = configBlock(config, "leafnodes");
  const clientBlocks = [configBlock(config, "authorization"), configBlock(config, "accounts")].filter((b): b is string => b !== null);
  const clients = clientBlocks.flatMap(userEntries);
  if (clients.length === 0 || !clients.every(passwordFromEnvironment)) {
    return { ok: false, problem: "clients connect without a password (no user with a password from the environment)" };
  }
  const unrestricted = clients.filter((u) => !/permissions\s*:\s*\{\s*publish\s*:\s*\{\s*allow\s*:/.test(u) || !/subscribe\s*:\s*\{\s*allow\s*:/.test(u));
  if (unrestricted.length > 0) return { ok: false, problem: `${unrestricted.length} client users have no publish and subscribe allow-lists` };
  const detail = `${clients.length} client users, each with a password from the environment and allow-list permissions`;
  if (leafnodes === null) return { ok: true, detail: `${detail}; no leaf-node link` };
  if (!/tls\s*\{[^}]*cert_file[^}]*\}/.test(leafnodes)) return { ok: false, problem: "the leaf-node link is not TLS" };
  if (/listen\s*:/.test(leafnodes)) {
    if (!/tls\s*\{[^}]*verify\s*:\s*true/.test(leafnodes)) return { ok: false, problem: "the leaf-node listener does not verify the leaf's certificate" };
    const leafUsers = userEntries(leafnodes);
    if (leafUsers.length === 0 || !leafUsers.every(passwordFromEnvironment)) return { ok: false, problem: "the leaf-node listener accepts connections without a password" };
    return { ok: true, detail: `${detail}; the leaf-node listener needs a password and a verified certificate (mutual TLS)` };
  }
  const urls = [...leafnodes.matchAll(/url\s*:\s*([^\s},]+)/g)].map((m) => m[1] ?? "");
  if (urls.length === 0 || !urls.every((u) => u.startsWith("$") || /\/\/[^/@]+:[^/@]+@/.test(u))) {
    return { ok: false, problem: "a leaf-node remote has no credentials" };
  }
  return { ok: true, detail: `${detail}; the leaf-node remote logs in with credentials from the environment over TLS` };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)$/;

/** Monitoring (no authentication) listens on loopback only, and its port is not published. */
export function judgeNatsMonitoring(command: readonly string[], publishedPorts: readonly number[]): NatsVerdict {
  const config = natsConfigOf(command);
  if (config === null) return { ok: false, problem: "no NATS configuration in the command" };
  const http = /^\s*(?:http|https)\s*:\s*"?([^"\s]+)"?/m.exec(config)?.[1];
  const httpPort = /^\s*(?:http_port|https_port)\s*:\s*(\d+)/m.exec(config)?.[1];
  if (httpPort !== undefined) return { ok: false, problem: `monitoring listens on every address (port ${httpPort})` };
  if (http === undefined) return { ok: true, detail: "monitoring is off" };
  const colon = http.lastIndexOf(":");
  const host = colon < 0 ? "0.0.0.0" : http.slice(0, colon);
  const port = Number(colon < 0 ? http : http.slice(colon + 1));
  if (!LOOPBACK.test(host)) return { ok: false, problem: `monitoring listens on ${http}, not on loopback` };
  if (publishedPorts.includes(port)) return { ok: false, problem: `monitoring port ${port} is published` };
  return { ok: true, detail: `monitoring on ${http} only` };
}
