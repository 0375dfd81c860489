/**
 * Reads the `default` user's ACL from a Redis command line (`redis-server --user default ...`,
 * possibly inside `sh -c`) and decides which commands it may run, the way Redis applies the
 * rules: in order, each `+`/`-` rule switching the commands it names.
 */

/** Redis 7's @dangerous category (top-level command names; `ACL CAT dangerous`). */
export const REDIS_DANGEROUS_COMMANDS: readonly string[] = [
  "acl", "bgrewriteaof", "bgsave", "client", "cluster", "config", "debug", "failover", "flushall", "flushdb", "info",
  "keys", "lastsave", "latency", "migrate", "module", "monitor", "pfdebug", "pfselftest", "psync", "replconf",
  "replicaof", "restore", "restore-asking", "role", "save", "shutdown", "slaveof", "slowlog", "sort", "swapdb", "sync",
];

/** Commands that wipe data, change the server or take it over: blocked whatever else is allowed. */
export const REDIS_FORBIDDEN_COMMANDS: readonly string[] = [
  "acl", "bgrewriteaof", "bgsave", "config", "debug", "failover", "flushall", "flushdb", "migrate", "module", "monitor",
  "psync", "replicaof", "restore", "save", "shutdown", "slaveof", "swapdb", "sync",
];

/** Splits shell words: whitespace separates, single and double quotes group (no expansion). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let current = "";
  let inWord = false;
  let quote: string | null = null;
  for (const ch of line) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

/** The arguments of redis-server in a command: the command's own words, or those of its `sh -c` script. */
export function redisServerWords(command: readonly string[]): string[] | null {
  const direct = command.indexOf("redis-server");
  if (direct >= 0) return command.slice(direct + 1);
  for (const part of command) {
    const words = shellWords(part);
    const at = words.indexOf("redis-server");
    if (at >= 0) return words.slice(at + 1);
  }
  return null;
}

/** The rules of `--user <name> ...` up to the next `--option`, or null when the user is not configured. */
export function userRules(serverWords: readonly string[], user: string): string[] | null {
  for (let i = 0; i < serverWords.length; i++) {
    if (serverWords[i] === "--user" && serverWords[i + 1] === user) {
      const rest = serverWords.slice(i + 2);
      const end = rest.findIndex((w) => w.startsWith("--"));
      return end < 0 ? rest : rest.slice(0, end);
    }
  }
  return null;
}

function ruleMatches(rule: string, command: string): boolean {
  const target = rule.slice(1).toLowerCase();
  if (target === "@all") return true;
  if (target === "@dangerous") return REDIS_DANGEROUS_COMMANDS.includes(command);
  // Any other category may hold the command (e.g. @admin holds CONFIG): count it as matching.
  if (target.startsWith("@")) return rule.startsWith("+");
  return target === command || target.startsWith(`${command}|`);
}

/** Whether the rules let the user run `command` (lower-case top-level name). A reset user may run nothing. */
export function commandAllowed(rules: readonly string[], command: string): boolean {
  let allowed = false;
  for (const raw of rules) {
    const rule = raw === "allcommands" ? "+@all" : raw === "nocommands" ? "-@all" : raw;
    if ((rule.startsWith("+") || rule.startsWith("-")) && ruleMatches(rule, command)) allowed = rule.startsWith("+");
  }
  return allowed;
}

export type RedisAclVerdict = { readonly ok: true; readonly detail: string } | { readonly ok: false; readonly problem: string };

/** ACL file lines (`user <name> <rules...>`) the command writes before starting redis-server. */
export function aclFileUsers(command: readonly string[]): Map<string, string[]> {
  const users = new Map<string, string[]>();
  for (const part of command) {
    for (const word of shellWords(part)) {
      const [keyword, name, ...rules] = word.split(/\s+/);
      if (keyword === "user" && name !== undefined && rules.length > 0) users.set(name, rules);
    }
  }
  return users;
}

/** Problems of one user's rules: no password, `nopass`, or a forbidden command allowed (null: fine). */
function userProblem(name: string, rules: readonly string[]): string | null {
  const on = rules.lastIndexOf("on") > rules.lastIndexOf("off");
  if (!on) return null;
  const passwords = rules.filter((r) => (r.startsWith(">") && r.length > 1) || (r.startsWith("#") && r.length > 1));
  if (passwords.length === 0 || rules.includes("nopass")) return `the ${name} user has no password`;
  const allowed = REDIS_FORBIDDEN_COMMANDS.filter((c) => commandAllowed(rules, c));
  if (allowed.length > 0) return `the ${name} user may run ${allowed.map((c) => c.toUpperCase()).join(", ")}`;
  return null;
}

/**
 * Every user must be off, or on with a password (`>...` or `#hash`, never `nopass`), and none
 * of REDIS_FORBIDDEN_COMMANDS may be allowed to it. The users come from the ACL file the command
 * writes (`--aclfile`), or from `--user` options; the default user must be configured either way.
 */
export function judgeRedisCommand(command: readonly string[]): RedisAclVerdict {
  const server = redisServerWords(command);
  if (server === null) return { ok: false, problem: "the command does not start redis-server" };
  const users = server.includes("--aclfile") ? aclFileUsers(command) : new Map<string, string[]>();
  if (!server.includes("--aclfile")) {
    const rules = userRules(server, "default");
    if (rules !== null) users.set("default", rules);
  }
  if (!users.has("default")) {
    return { ok: false, problem: "the default user is not configured (--user default ...): it runs every command, with at most a requirepass password" };
  }
  for (const [name, rules] of users) {
    const problem = userProblem(name, rules);
    if (problem !== null) return { ok: false, problem };
  }
  const defaultRules = users.get("default") ?? [];
  const defaultOff = defaultRules.lastIndexOf("on") <= defaultRules.lastIndexOf("off");
  if (users.size === 1) {
    if (defaultOff) return { ok: true, detail: "the default user is disabled" };
    const passwords = defaultRules.filter((r) => r.startsWith(">") || r.startsWith("#"));
    return { ok: true, detail: `default user password-protected, ACL ${defaultRules.filter((r) => !passwords.includes(r)).join(" ")}` };
  }
  return { ok: true, detail: `default user ${defaultOff ? "off" : "password-protected"}; ${users.size - 1} more users, each with a password and no dangerous commands` };
}
