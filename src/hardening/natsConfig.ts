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

/** Every user entry of an authorization block has a password taken from the environment. */
function passwordsFromEnvironment(authorization: string): boolean {
  const users = [...authorization.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? "");
  const entries = users.length > 0 ? users : [authorization];
  return entries.every((u) => /password\s*:\s*\$[A-Z_]+/.test(u));
}

/** Clients and the cross-host leaf link must authenticate; credentials come from the environment. */
export function judgeNatsAuth(command: readonly string[]): NatsVerdict {
  const config = natsConfigOf(command);
  if (config === null) return { ok: false, problem: "no NATS configuration in the command" };
  if (/no_auth_user/.test(config)) return { ok: false, problem: "no_auth_user lets clients in without credentials" };
  const authorization = configBlock(config, "authorization");
  if (authorization === null || !passwordsFromEnvironment(authorization)) {
    return { ok: false, problem: "clients connect without a password (no authorization block with passwords)" };
  }
  const leafnodes = configBlock(config, "leafnodes");
  if (leafnodes === null) return { ok: true, detail: "client users need passwords (from the environment); no leaf-node link" };
  if (/listen\s*:/.test(leafnodes)) {
    const leafAuth = /authorization\s*\{([^}]*)\}/.exec(leafnodes)?.[1];
    if (leafAuth === undefined || !passwordsFromEnvironment(leafAuth)) return { ok: false, problem: "the leaf-node listener accepts connections without a password" };
    return { ok: true, detail: "client users and the leaf-node listener need passwords (from the environment)" };
  }
  const urls = [...leafnodes.matchAll(/url\s*:\s*([^\s},]+)/g)].map((m) => m[1] ?? "");
  if (urls.length === 0 || !urls.every((u) => u.startsWith("$") || /\/\/[^/@]+:[^/@]+@/.test(u))) {
    return { ok: false, problem: "a leaf-node remote has no credentials" };
  }
  return { ok: true, detail: "client users need passwords; the leaf-node remote URL with its credentials comes from the environment" };
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
