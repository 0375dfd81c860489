/**
 * The compose exporter's parts (escaping, durations, secret variables, uploads, the shared
 * network file, the env file), the command, and the generated files read by the real
 * docker-compose binary (Debian's 1.29.2) when it is installed.
 */
import * as assert from "assert";
import { execFileSync, spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import {
  composeDuration,
  composeMachine,
  composeNetwork,
  ComposeExportError,
  composeSpecText,
  composeText,
  CONTAINER_FIELDS,
  escapeLiteral,
  exportCompose,
  FieldMappers,
  Interpolated,
  noneLeft,
  PASSWORD_INPUTS,
  renderEnvFile,
  secretVariable,
  ServiceContext,
} from "../../src/compose";
import { runComposeCommand } from "../../src/cli/composeCommand";
import { Machine, MACHINES } from "../../src/config/machine";
import { ContainerSpec, MachineSpec, parseGoDuration, renderSpecText } from "../../src/render";
import { TEST_SECRETS } from "../support/fakeStackInputs";
import { deriveSecret, sha256Hex } from "../../src/render/derivedSecret";
import { SecretName, SecretRef } from "../../src/render/spec";
import { PROJECT_DIR } from "../support/stackFiles";

/** The secrets as `compose --write-env` reads them from its environment. */
const PASSWORD_ENV = Object.fromEntries(Object.entries(PASSWORD_INPUTS).map(([secret, variable]) => [variable, TEST_SECRETS[secret as SecretName]]));
const SAMPLE_REFS: SecretRef[] = [
  { secret: "natsPassword", encoding: "natsString" },
  { secret: "redisPassword", encoding: "url" },
  { secret: "natsPassword", encoding: "raw", derive: "nats-user:mainpc:core" },
  { secret: "redisPassword", encoding: "sha256", derive: "redis-user:mainpc:core" },
  { secret: "natsLeafKey", encoding: "base64" },
];

function exported(machine: Machine) {
  const outcome = exportCompose(PROJECT_DIR, machine, PROJECT_DIR);
  if (!outcome.ok) throw new Error(outcome.problems.join("\n"));
  return outcome.export;
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "ai-system-compose-"));
}

describe("compose text", () => {
  it("escapes every literal $ and leaves interpolations as they are", () => {
    assert.strictEqual(escapeLiteral('printf "$1" $NATS_USER $$'), 'printf "$$1" $$NATS_USER $$$$');
    assert.strictEqual(composeText("a$b"), "a$$b");
    assert.strictEqual(composeText(new Interpolated("${X}")), "${X}");
  });

  it("turns each secret reference into the variable of its encoding, refusing an unset one", () => {
    const text = composeSpecText({ parts: ["redis://:", { secret: "redisPassword", encoding: "url" }, "@redis:6379/$0"] });
    assert.ok(text instanceof Interpolated);
    assert.strictEqual(text.text, "redis://:${REDIS_PASSWORD_URLENCODED:?missing from the env file}@redis:6379/$$0");
    assert.strictEqual(composeSpecText("plain $x"), "plain $x");
    assert.deepStrictEqual(SAMPLE_REFS.map(secretVariable), [
      "NATS_PASSWORD_NATS_STRING",
      "REDIS_PASSWORD_URLENCODED",
      "NATS_PASSWORD_FOR_NATS_USER_MAINPC_CORE",
      "REDIS_PASSWORD_FOR_REDIS_USER_MAINPC_CORE_SHA256",
      "NATS_LEAF_KEY_BASE64",
    ]);
  });

  it("converts the spec's Go durations to compose durations", () => {
    const cases: [string, number, string][] = [
      ["30s", 30_000, "30s"],
      ["2m0s", 120_000, "2m"],
      ["1m30s", 90_000, "1m30s"],
      ["1.5s", 1500, "1s500ms"],
      ["500ms", 500, "500ms"],
      ["1h0m0s", 3_600_000, "1h"],
      ["0s", 0, "0s"],
    ];
    for (const [go, milliseconds, compose] of cases) {
      assert.strictEqual(parseGoDuration(go), milliseconds, go);
      assert.strictEqual(composeDuration(milliseconds), compose, go);
    }
    assert.throws(() => parseGoDuration("5 seconds"), RangeError);
  });
});

describe("compose service mapping", () => {
  it("maps every ContainerSpec field (a spec field without a mapping does not compile)", () => {
    // @ts-expect-error a ContainerSpec field without a mapping does not compile
    const widened: FieldMappers<ContainerSpec & { readonly pidsLimit: number }, ServiceContext> = CONTAINER_FIELDS;
    void widened;
    // @ts-expect-error a nested spec field left out of a destructuring does not compile
    noneLeft({ startInterval: "5s" });
    const spec = exported("mainpc").spec;
    for (const c of [spec.natsStoreInit, spec.nats, spec.redis, spec.configInit, ...spec.groups]) {
      assert.deepStrictEqual(Object.keys(CONTAINER_FIELDS).sort(), Object.keys(c).sort(), c.name);
    }
  });

  it("binds uploads read-only from generated files beside the compose file", () => {
    const spec = exported("pc2").spec;
    const withUpload: MachineSpec = { ...spec, nats: { ...spec.nats, uploads: [{ file: "/etc/nats/extra.conf", content: "max_payload: 1MB\n" }] } };
    const result = composeMachine(withUpload);
    const volumes = result.file.services.nats?.volumes ?? [];
    assert.deepStrictEqual(volumes[volumes.length - 1], {
      type: "bind",
      source: "./ai-system-files/nats/etc/nats/extra.conf",
      target: "/etc/nats/extra.conf",
      read_only: true,
    });
    assert.deepStrictEqual(result.files[0], { path: "ai-system-files/nats/etc/nats/extra.conf", content: "max_payload: 1MB\n" });
    // The config init's uploads (the config files) the same way, at their staging paths.
    const init = result.file.services["config-init"]?.volumes ?? [];
    assert.deepStrictEqual(
      init.filter((v) => typeof v !== "string" && v.type === "bind").map((v) => typeof v === "string" ? v : v.target),
      spec.configInit.uploads.map((u) => u.file),
    );
    assert.deepStrictEqual(result.files.slice(1).map((f) => f.content), spec.configInit.uploads.map((u) => u.content));
  });

  it("gives a built group image a build section with Pulumi's context, Dockerfile, arguments and labels", () => {
    const spec = exported("pc2").spec;
    const [first, ...rest] = spec.groups;
    const build = {
      context: "/srv/monorepo",
      dockerfile: "/srv/infra/docker/Dockerfile.gpu",
      template: "gpu" as const,
      buildArgs: { GROUP_NAME: first!.key, TORCH_VERSION: "2.5.1" },
      labels: { "ai-system.group": first!.key },
      contentHash: "ab".repeat(32),
      hashed: ["template:Dockerfile.gpu", "requirements:x"],
      timeoutMinutes: 60,
    };
    const reference = `ai-system-${first!.key}:${"ab".repeat(8)}`;
    const images = [{ key: first!.key, reference, build }, ...rest.map((g) => ({ key: g.key, reference: g.image, build: null }))];
    const withImages: MachineSpec = { ...spec, groups: [{ ...first!, image: reference }, ...rest] };
    const file = composeMachine(withImages, images).file;
    assert.deepStrictEqual(Object.keys(file.services[first!.key]!).slice(0, 2), ["image", "build"]);
    assert.deepStrictEqual(file.services[first!.key]?.build, {
      context: "/srv/monorepo",
      dockerfile: "/srv/infra/docker/Dockerfile.gpu",
      args: { GROUP_NAME: first!.key, TORCH_VERSION: "2.5.1" },
      labels: { "ai-system.group": first!.key },
      "x-ai-system": { template: "gpu", content_hash: "ab".repeat(32), hashed_inputs: 2, timeout_minutes: 60 },
    });
    for (const g of rest) assert.strictEqual(file.services[g.key]?.build, undefined, g.key);
    assert.throws(() => composeMachine(spec, images), /runs .* but its image is/);
    assert.throws(() => composeMachine(withImages, images.slice(1)), /do not match the groups/);
  });

  it("refuses a dependency outside the file and a volume the machine does not declare", () => {
    const spec = exported("pc2").spec;
    const [group] = spec.groups;
    assert.throws(() => composeMachine({ ...spec, groups: [{ ...group!, dependsOn: ["elsewhere"] }, ...spec.groups.slice(1)] }), /depends on elsewhere, which is not in the same compose file/);
    assert.throws(() => composeMachine({ ...spec, volumes: spec.volumes.filter((v) => v.key !== "agent-data") }), /mounts volume agent-data, which the machine does not declare/);
  });

  it("writes the services in creation order, with health-gated dependencies", () => {
    const file = composeMachine(exported("mainpc").spec).file;
    const keys = Object.keys(file.services);
    assert.deepStrictEqual(keys.slice(0, 4), ["nats-store-init", "nats", "redis", "config-init"]);
    for (const [key, service] of Object.entries(file.services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) assert.ok(keys.indexOf(dependency) < keys.indexOf(key), `${key} after ${dependency}`);
    }
    assert.deepStrictEqual(file.services.nats?.depends_on, { "nats-store-init": { condition: "service_completed_successfully" } });
    assert.deepStrictEqual(file.services["core-platform"]?.depends_on, {
      "config-init": { condition: "service_completed_successfully" },
      nats: { condition: "service_healthy" },
      redis: { condition: "service_healthy" },
    });
  });
});

describe("compose network file", () => {
  const specs = { mainpc: exported("mainpc").spec, pc2: exported("pc2").spec };
  const agreed = { lanIps: { mainpc: "192.168.1.10", pc2: "192.168.1.20" }, networkName: "ai_system_network", natsLeafUser: "leaf" };

  it("declares the named network and the cross-host contract of both hosts", () => {
    const network = composeNetwork(specs, { mainpc: agreed, pc2: agreed });
    assert.deepStrictEqual(network.networks, { "ai-system": { name: "ai_system_network", driver: "bridge" } });
    const contract = network["x-ai-system-cross-host"];
    assert.deepStrictEqual(contract.lan, agreed.lanIps);
    assert.deepStrictEqual(contract.nats_leaf, { hub: "mainpc", url: "nats-leaf://192.168.1.10:7422", user: "leaf" });
    // Only the leaf port: NATS clients and Redis stay on each host's network (publishServices: []).
    assert.deepStrictEqual(contract.published.mainpc.nats, [7422]);
    assert.deepStrictEqual(contract.published.pc2.nats ?? [], []);
    for (const m of MACHINES) {
      const groups = specs[m].groups;
      assert.strictEqual(Object.values(contract.published[m]).flat().length, groups.reduce((n, g) => n + g.ports.length, 0) + (m === "mainpc" ? 1 : 0));
    }
    assert.ok(contract.peer_host_entries.mainpc > 0 && contract.peer_host_entries.pc2 > 0);
  });

  it("refuses stacks that disagree about each other", () => {
    const pc2 = { lanIps: { mainpc: "192.168.1.11", pc2: "192.168.1.20" }, networkName: "other", natsLeafUser: "leaf2" };
    assert.throws(
      () => composeNetwork(specs, { mainpc: agreed, pc2 }),
      (error: unknown) =>
        error instanceof ComposeExportError &&
        /the mainpc stack puts mainpc at 192\.168\.1\.10 but the pc2 stack at 192\.168\.1\.11/.test(error.message) &&
        /name the network differently/.test(error.message) &&
        /natsLeafUser differ/.test(error.message),
    );
  });
});

describe("compose env file", () => {
  it("writes every variable the spec references single-quoted, derived per-group passwords included", () => {
    const outcome = renderEnvFile(PASSWORD_ENV, SAMPLE_REFS);
    assert.ok(outcome.ok);
    const lines = outcome.text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
    const group = deriveSecret(TEST_SECRETS.natsPassword, "nats-user:mainpc:core");
    assert.deepStrictEqual(lines, [
      `NATS_PASSWORD_NATS_STRING='"${TEST_SECRETS.natsPassword}"'`,
      `REDIS_PASSWORD_URLENCODED='${TEST_SECRETS.redisPassword}'`,
      `NATS_PASSWORD_FOR_NATS_USER_MAINPC_CORE='${group}'`,
      `REDIS_PASSWORD_FOR_REDIS_USER_MAINPC_CORE_SHA256='${sha256Hex(deriveSecret(TEST_SECRETS.redisPassword, "redis-user:mainpc:core"))}'`,
      `NATS_LEAF_KEY_BASE64='${Buffer.from(TEST_SECRETS.natsLeafKey).toString("base64")}'`,
    ]);
    assert.match(group, /^[0-9a-f]{64}$/);
  });

  it("refuses missing, weak and unportable passwords, naming each", () => {
    const outcome = renderEnvFile({ ...PASSWORD_ENV, REDIS_PASSWORD: "short", NATS_PASSWORD: "has'quote-1234-Abcd", NATS_LEAF_PASSWORD: undefined }, SAMPLE_REFS);
    assert.ok(!outcome.ok);
    assert.deepStrictEqual(outcome.problems.map((p) => p.split(" ")[0]), ["NATS_LEAF_PASSWORD", "NATS_PASSWORD", "REDIS_PASSWORD"]);
    assert.match(outcome.problems.join("\n"), /not set[\s\S]*contains ', \\ or \$\{[\s\S]*at least 16 characters of at least three kinds/);
    for (const bad of ["back\\slash-1234-Abcd", "dollar${brace}-12-Abcd", "aaaaaaaaaaaaaaaaaaaa", "abcdefghijklmnop1234"]) {
      assert.ok(!renderEnvFile({ ...PASSWORD_ENV, REDIS_PASSWORD: bad }, SAMPLE_REFS).ok, bad);
    }
  });
});

describe("compose command", () => {
  it("prints usage for wrong arguments (exit 2) and help (exit 0)", () => {
    assert.strictEqual(runComposeCommand([], {}).exitCode, 2);
    assert.match(runComposeCommand(["--machine", "pc3"], {}).stderr, /unknown machine pc3/);
    assert.match(runComposeCommand(["--bogus"], {}).stderr, /unknown argument --bogus/);
    assert.match(runComposeCommand(["--machine"], {}).stderr, /--machine needs a value/);
    const help = runComposeCommand(["--help"], {});
    assert.strictEqual(help.exitCode, 0);
    assert.match(help.stdout, /--write-env/);
  });

  it("writes the machine and network files and the env file (0600); secrets only in the env file", () => {
    const out = tempDir();
    try {
      const result = runComposeCommand(["--out", out, "--write-env", path.join(out, ".env")], { ...PASSWORD_ENV, MACHINE_TYPE: "MAIN_PC" }, out);
      assert.strictEqual(result.exitCode, 0, result.stderr);
      assert.deepStrictEqual(fs.readdirSync(out).sort(), [".env", "ai-system-files", "docker-compose.mainpc.yml", "docker-compose.network.yml"]);
      assert.strictEqual(fs.statSync(path.join(out, ".env")).mode & 0o777, 0o600);
      for (const file of ["docker-compose.mainpc.yml", "docker-compose.network.yml"]) {
        const text = fs.readFileSync(path.join(out, file), "utf8");
        for (const secret of Object.values(TEST_SECRETS)) assert.ok(!text.includes(secret), file);
      }
      assert.match(result.stdout, /11 services \(NATS store init, NATS, Redis, 8 agent groups, 6 with GPU reservations\)/);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it("writes nothing when the env file cannot be written", () => {
    const out = tempDir();
    try {
      const result = runComposeCommand(["--machine", "pc2", "--out", out, "--write-env", ".env"], { REDIS_PASSWORD: "x" }, out);
      assert.strictEqual(result.exitCode, 1);
      assert.match(result.stderr, /Nothing written[\s\S]*NATS_LEAF_PASSWORD is not set/);
      assert.deepStrictEqual(fs.readdirSync(out), []);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it("refuses a configuration whose plan has errors, listing them", () => {
    const root = tempDir();
    try {
      fs.mkdirSync(path.join(root, "config"));
      fs.writeFileSync(path.join(root, "config", "startup_config.v3.yaml"), "agent_groups: [not, a, map\n");
      const result = runComposeCommand(["--machine", "pc2", "--config-root", root, "--out", root], {}, root);
      assert.strictEqual(result.exitCode, 1);
      assert.match(result.stderr, /Nothing written:[\s\S]*(error|invalid)/i);
      assert.ok(!fs.existsSync(path.join(root, "docker-compose.pc2.yml")));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

/** Debian's docker-compose (1.29.2); the e2e's engine.sh installs it, so CI has it. */
const DOCKER_COMPOSE = ["/usr/bin/docker-compose", "/usr/local/bin/docker-compose"].find((p) => fs.existsSync(p));

describe("generated files under the real docker-compose", function () {
  this.timeout(60_000);
  // A password with every character the encodings must handle: URL delimiters, a NATS quote, $ and #.
  const tricky = { ...TEST_SECRETS, redisPassword: 'r@d/s:p#1$x"q%z&+', natsPassword: 'n@ts:"pw"$HOME#2', natsLeafPassword: "l/e@f:pw%41#3$Xy" };

  it("passes docker-compose config for both hosts, which resolves every secret exactly as Pulumi would", function () {
    if (DOCKER_COMPOSE === undefined) {
      console.log("      SKIPPED: no docker-compose binary (apt-get install docker-compose, or run e2e/engine.sh start)");
      this.skip();
    }
    const bin: string = DOCKER_COMPOSE;
    const version = execFileSync(bin, ["version", "--short"], { encoding: "utf8" }).trim();
    const out = tempDir();
    try {
      const env = { ...PASSWORD_ENV, REDIS_PASSWORD: tricky.redisPassword, NATS_PASSWORD: tricky.natsPassword, NATS_LEAF_PASSWORD: tricky.natsLeafPassword };
      for (const machine of MACHINES) {
        const result = runComposeCommand(["--machine", machine, "--out", out, "--write-env", `${machine}.env`], env, out);
        assert.strictEqual(result.exitCode, 0, result.stderr);
      }
      for (const machine of MACHINES) {
        const args = ["--env-file", path.join(out, `${machine}.env`), "-p", "ai-system", "-f", "docker-compose.network.yml", "-f", `docker-compose.${machine}.yml`, "config"];
        // A clean environment: the shell's REDIS_PASSWORD must not stand in for the env file's.
        const run: SpawnSyncReturns<string> = spawnSync(bin, args, { cwd: out, encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
        assert.strictEqual(run.status, 0, `docker-compose ${version} config ${machine}: ${run.stderr}`);
        const config = YAML.parse(run.stdout, { version: "1.1" }) as { services: Record<string, { environment?: Record<string, string>; container_name: string }> };
        const spec = exported(machine).spec;
        for (const c of [spec.natsStoreInit, spec.nats, spec.redis, ...spec.groups]) {
          const environment = config.services[c.key]?.environment ?? {};
          for (const variable of c.env) {
            // `config` prints a literal $ as $$ again.
            const printed = String(environment[variable.name]).replace(/\$\$/g, "$");
            assert.strictEqual(printed, renderSpecText(variable.value, (n) => tricky[n]), `${machine} ${c.key} ${variable.name}`);
          }
          assert.strictEqual(config.services[c.key]?.container_name, c.name);
        }
        const withoutEnv: SpawnSyncReturns<string> = spawnSync(bin, args.slice(2), { cwd: out, encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
        assert.notStrictEqual(withoutEnv.status, 0, "compose must refuse the files without the env file");
        assert.match(withoutEnv.stderr, /missing from the env file/);
      }
      console.log(`      docker-compose ${version}: both hosts' files valid; tricky passwords resolved exactly`);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
