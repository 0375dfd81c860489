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
    assert.deepStrictEqual(judgeRedisCommand(renderRedisCommand(1024)), {
      ok: true,
      detail: "default user password-protected, ACL on ~* &* +@all -@dangerous +info",
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
    assert.deepStrictEqual(judgeNatsAuth(renderNatsCommand("mainpc")), { ok: true, detail: "client users and the leaf-node listener need passwords (from the environment)" });
    assert.deepStrictEqual(judgeNatsAuth(renderNatsCommand("pc2")), {
      ok: true,
      detail: "client users need passwords; the leaf-node remote URL with its credentials comes from the environment",
    });
    assert.deepStrictEqual(judgeNatsMonitoring(renderNatsCommand("pc2"), [4222]), { ok: true, detail: "monitoring on 127.0.0.1:8222 only" });
  });

  it("rejects a leaf remote without credentials, monitoring on every address, and a missing configuration", () => {
    const config = (leaf: string) => ["x", `listen: "0.0.0.0:4222"\nauthorization {\n  users: [\n    {user: $U, password: $P}\n  ]\n}\n${leaf}`];
    assert.deepStrictEqual(judgeNatsAuth(config('leafnodes {\n  remotes: [\n    {url: "nats-leaf://hub:7422"}\n  ]\n}\n')), {
      ok: false,
      problem: "a leaf-node remote has no credentials",
    });
    assert.deepStrictEqual(judgeNatsAuth(config("")), { ok: true, detail: "client users need passwords (from the environment); no leaf-node link" });
    assert.deepStrictEqual(judgeNatsMonitoring(["listen: 4222\nhttp_port: 8222\n"], []), { ok: false, problem: "monitoring listens on every address (port 8222)" });
    assert.deepStrictEqual(judgeNatsMonitoring(["listen: 4222\n"], []), { ok: true, detail: "monitoring is off" });
    assert.deepStrictEqual(judgeNatsAuth(["--config", "/etc/nats/nats.conf"]), { ok: false, problem: "no NATS configuration in the command" });
  });
});
