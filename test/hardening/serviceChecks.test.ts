import * as assert from "assert";
import {
  commandAllowed,
  configBlock,
  HARDENING_CHECKS,
  judgeNatsAuth,
  judgeNatsMonitoring,
  judgeRedisCommand,
  REDIS_DANGEROUS_COMMANDS,
  REDIS_FORBIDDEN_COMMANDS,
  shellWords,
  userRules,
} from "../../src/hardening";
import { HARDENING_CHECK_IDS, renderNatsCommand, renderRedisCommand } from "../../src/render";

describe("hardening/cisChecks table", () => {
  it("lists every check id once, in report order, with the service checks only on their role", () => {
    assert.deepStrictEqual(
      HARDENING_CHECKS.map((c) => c.id),
      HARDENING_CHECK_IDS,
    );
    assert.deepStrictEqual(
      HARDENING_CHECKS.filter((c) => c.roles !== "all").map((c) => [c.id, c.roles]),
      [
        ["redis-acl", ["redis"]],
        ["nats-auth", ["nats"]],
        ["nats-monitoring", ["nats"]],
      ],
    );
  });
});

describe("hardening/redisAcl", () => {
  it("splits shell words, keeping quoted words whole and unexpanded", () => {
    assert.deepStrictEqual(shellWords(`exec x --user default on ">$P W" '~*' "&*" a"b"c`), ["exec", "x", "--user", "default", "on", ">$P W", "~*", "&*", "abc"]);
  });

  it("reads the default user's rules up to the next option", () => {
    assert.deepStrictEqual(userRules(["--user", "default", "on", ">x", "+@all", "--appendonly", "yes"], "default"), ["on", ">x", "+@all"]);
    assert.strictEqual(userRules(["--requirepass", "x"], "default"), null);
  });

  it("applies rules in order, as Redis does", () => {
    const rules = ["on", ">p", "+@all", "-@dangerous", "+info"];
    assert.deepStrictEqual(
      ["get", "set", "publish", "info", "keys", "config", "flushall", "client"].map((c) => [c, commandAllowed(rules, c)]),
      [
        ["get", true],
        ["set", true],
        ["publish", true],
        ["info", true],
        ["keys", false],
        ["config", false],
        ["flushall", false],
        ["client", false],
      ],
    );
    assert.strictEqual(commandAllowed(["-@dangerous", "+@all"], "config"), true);
    assert.strictEqual(commandAllowed(["allcommands", "-config"], "config"), false);
    assert.strictEqual(commandAllowed(["+@all", "-@dangerous", "+@admin"], "config"), true);
    assert.strictEqual(commandAllowed([], "get"), false);
  });

  it("forbids only commands of the dangerous category", () => {
    assert.deepStrictEqual(
      REDIS_FORBIDDEN_COMMANDS.filter((c) => !REDIS_DANGEROUS_COMMANDS.includes(c)),
      [],
    );
  });

  it("accepts the rendered command and judges the alternatives", () => {
    assert.deepStrictEqual(judgeRedisCommand(renderRedisCommand(1024, ["core", "vision-gpu"])), {
      ok: true,
      detail: "default user off; 3 more users, each with a password and no dangerous commands",
    });
    const acl = (...lines: string[]) => ["sh", "-c", `printf '%s\\n' ${lines.map((l) => `"${l}"`).join(" ")} > /tmp/a && exec redis-server --aclfile /tmp/a`];
    assert.deepStrictEqual(judgeRedisCommand(acl("user default off", "user core on nopass ~* +@all")), { ok: false, problem: "the core user has no password" });
    assert.deepStrictEqual(judgeRedisCommand(acl("user default off", "user core on #abc ~* +@all")), {
      ok: false,
      problem: "the core user may run ACL, BGREWRITEAOF, BGSAVE, CONFIG, DEBUG, FAILOVER, FLUSHALL, FLUSHDB, MIGRATE, MODULE, MONITOR, PSYNC, REPLICAOF, RESTORE, SAVE, SHUTDOWN, SLAVEOF, SWAPDB, SYNC",
    });
    assert.deepStrictEqual(judgeRedisCommand(acl("user core on #abc -@all +get")), {
      ok: false,
      problem: "the default user is not configured (--user default ...): it runs every command, with at most a requirepass password",
    });
    assert.deepStrictEqual(judgeRedisCommand(["redis-server", "--user", "default", "off"]), { ok: true, detail: "the default user is disabled" });
    assert.deepStrictEqual(judgeRedisCommand(["redis-server", "--user", "default", "on", "#0123abcd", "-@all", "+get"]), {
      ok: true,
      detail: "default user password-protected, ACL on -@all +get",
    });
    assert.deepStrictEqual(judgeRedisCommand(["nginx"]), { ok: false, problem: "the command does not start redis-server" });
    assert.deepStrictEqual(judgeRedisCommand(["redis-server", "--user", "default", "on", ">", "-@all"]), { ok: false, problem: "the default user has no password" });
  });
});

describe("hardening/natsConfig", () => {
  it("finds top-level blocks with their nested braces", () => {
    assert.strictEqual(configBlock("a {\n b { c: 1 }\n}\nd { e: 2 }\n", "a"), "\n b { c: 1 }\n");
    assert.strictEqual(configBlock("a { }", "d"), null);
  });

  it("accepts the rendered hub and leaf configurations", () => {
    assert.deepStrictEqual(judgeNatsAuth(renderNatsCommand("mainpc", ["core"])), {
      ok: true,
      detail: "1 client users, each with a password from the environment and allow-list permissions; the leaf-node listener needs a password and a verified certificate (mutual TLS)",
    });
    assert.deepStrictEqual(judgeNatsAuth(renderNatsCommand("pc2", ["core"])), {
      ok: true,
      detail: "1 client users, each with a password from the environment and allow-list permissions; the leaf-node remote logs in with credentials from the environment over TLS",
    });
    assert.deepStrictEqual(judgeNatsMonitoring(renderNatsCommand("pc2", ["core"]), [4222]), { ok: true, detail: "monitoring on 127.0.0.1:8222 only" });
  });

  it("rejects users without permissions or passwords, a leaf link without TLS or credentials, monitoring on every address, and a missing configuration", () => {
    const perms = 'permissions: {publish: {allow: ["errors.>"]}, subscribe: {allow: ["errors.>"]}}';
    const config = (leaf: string, user = `{user: $U, password: $P, ${perms}}`) => ["x", `listen: "0.0.0.0:4222"\naccounts {\n  A: {\n    users: [\n      ${user}\n    ]\n  }\n}\n${leaf}`];
    const tls = '  tls {\n    cert_file: "/tmp/c"\n  }\n';
    assert.deepStrictEqual(judgeNatsAuth(config(`leafnodes {\n${tls}  remotes: [\n    {url: "nats-leaf://hub:7422"}\n  ]\n}\n`)), {
      ok: false,
      problem: "a leaf-node remote has no credentials",
    });
    assert.deepStrictEqual(judgeNatsAuth(config('leafnodes {\n  remotes: [\n    {url: $NATS_LEAF_URL}\n  ]\n}\n')), { ok: false, problem: "the leaf-node link is not TLS" });
    assert.deepStrictEqual(judgeNatsAuth(config(`leafnodes {\n  listen: "0.0.0.0:7422"\n${tls}  authorization {\n    users: [\n      {user: $L, password: $LP}\n    ]\n  }\n}\n`)), {
      ok: false,
      problem: "the leaf-node listener does not verify the leaf's certificate",
    });
    assert.deepStrictEqual(judgeNatsAuth(config("")), { ok: true, detail: "1 client users, each with a password from the environment and allow-list permissions; no leaf-node link" });
    assert.deepStrictEqual(judgeNatsAuth(config("", "{user: $U, password: $P}")), { ok: false, problem: "1 client users have no publish and subscribe allow-lists" });
    assert.deepStrictEqual(judgeNatsAuth(config("", "{user: $U, password: plain}")), { ok: false, problem: "clients connect without a password (no user with a password from the environment)" });
    assert.deepStrictEqual(judgeNatsAuth(["x", 'listen: "0.0.0.0:4222"\nno_auth_user: agents\n']), { ok: false, problem: "no_auth_user lets clients in without credentials" });
    assert.deepStrictEqual(judgeNatsMonitoring(["listen: 4222\nhttp_port: 8222\n"], []), { ok: false, problem: "monitoring listens on every address (port 8222)" });
    assert.deepStrictEqual(judgeNatsMonitoring(["listen: 4222\n"], []), { ok: true, detail: "monitoring is off" });
    assert.deepStrictEqual(judgeNatsAuth(["--config", "/etc/nats/nats.conf"]), { ok: false, problem: "no NATS configuration in the command" });
  });
});
