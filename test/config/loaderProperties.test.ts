/**
 * Property-based tests of the loader and the plan on malformed, hostile and valid config roots.
 *
 * Every generated root is written under os.tmpdir() (test/support/tempConfigRoot.ts) and
 * removed after its run. The invariants: loadEffectiveConfig and buildDeploymentPlan never
 * throw; every finding is well formed (severity, a FindingCode, a message, a config-root-relative
 * file or "Pulumi stack config", a line >= 1); every agent has integer ports in 1..65535 and
 * httpHealthPort === healthCheckPort + 1.
 *
 * Inputs that could hang or exhaust memory (alias bombs, include fan-out bombs, very wide maps)
 * run in a child process with a deadline and a heap cap, so a regression fails the test
 * instead of hanging mocha.
 *
 * Run this file alone, after `npm run build` (the isolated cases run the compiled modules in dist/;
 * `npx mocha <file>` also runs .mocharc.json's spec, i.e. every test):
 *   npx mocha --no-config -r ts-node/register/transpile-only --extension ts --timeout 60000 test/config/loaderProperties.test.ts
 * Replay a failure: FC_SEED=<seed printed by fast-check>. Scale the run counts: FC_RUNS_SCALE=4.
 * List slow generated cases: FC_DEBUG=1.
 */
import { agentNameProblem } from "../../src/config/agentName";
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fc from "fast-check";
import * as fs from "fs";
import { Socket } from "net";
import * as path from "path";
import { stringify } from "yaml";
import { overrideFile, V3_FILE } from "../../src/config/configFiles";
import { AgentSpec } from "../../src/config/effectiveConfig";
import { Finding, FindingCode } from "../../src/config/finding";
import { loadEffectiveConfig, LoadResult } from "../../src/config/loadEffectiveConfig";
import { Machine } from "../../src/config/machine";
import { Environment } from "../../src/config/substituteEnvironment";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { DeploymentPlan } from "../../src/plan/deploymentPlan";
import { ConfigFiles, normalizeConfigPath, PROJECT_ROOT, V3_FIXTURE, withConfigRoot, writeConfigRoot, removeConfigRoot } from "../support/tempConfigRoot";
import { DIST_DIR } from "../support/compiledCli";

// ---------------------------------------------------------------------------------------------
// Run control
// ---------------------------------------------------------------------------------------------

const SCALE = Math.max(0.05, Number(process.env["FC_RUNS_SCALE"] ?? "1") || 1);
const SEED = process.env["FC_SEED"] === undefined ? undefined : Number(process.env["FC_SEED"]);
const runs = (n: number): number => Math.max(1, Math.round(n * SCALE));

/** Generated cases per property: 510 hostile roots (H1-H5), 650 in all. */
const RUNS = {
  hostileTrees: runs(160),
  rawYaml: runs(120),
  includeGraphs: runs(100),
  mutatedFixture: runs(40),
  substitution: runs(90),
  validConfigs: runs(60),
  portOffset: runs(60),
  prototypeVariables: runs(20),
};

/**
 * mocha sets Error.stackTraceLimit = Infinity; the yaml package creates one YAMLError per syntax
 * problem deep inside its recursive composer, so a file with 800 errors in 2,800 nested brackets
 * costs 20 s under mocha and 0.1 s in the CLI (limit 10). Each suite here runs with a bounded
 * limit, as production does, and restores mocha's afterwards.
 */
function boundedStackTraces(): void {
  let saved = Error.stackTraceLimit;
  before(() => {
    saved = Error.stackTraceLimit;
    Error.stackTraceLimit = 20;
  });
  after(() => {
    Error.stackTraceLimit = saved;
  });
}

function check<Ts extends [unknown, ...unknown[]]>(property: fc.IProperty<Ts>, numRuns: number): void {
  fc.assert(property, { numRuns, ...(SEED === undefined ? {} : { seed: SEED }) });
}

// ---------------------------------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------------------------------

/** Every FindingCode, checked against the union both ways (a new code fails typecheck here). */
const FINDING_CODES: Readonly<Record<FindingCode, true>> = {
  "yaml-syntax": true,
  "missing-file": true,
  "include-cycle": true,
  "invalid-value": true,
  "undefined-variable": true,
  "unknown-machine": true,
  "unknown-group": true,
  "unknown-agent-override": true,
  "duplicate-agent": true,
  "unknown-dependency": true,
  "dependency-cycle": true,
  "cross-machine-dependency": true,
  "port-clash": true,
  "no-container-plan": true,
  "unassigned-agent": true,
  "cpu-only-group": true,
  "duplicate-assignment": true,
  "unknown-agent-in-group": true,
  "vram-over-capacity": true,
  "memory-over-capacity": true,
  "memory-budget-unknown": true,
  "gpu-device-selection": true,
  "image-store": true,
  "host-port-clash": true,
  "group-cycle": true,
  "missing-requirements": true,
  "stale-requirements": true,
  "missing-script": true,
  "missing-dockerignore": true,
  "invalid-system-package": true,
  "unreadable-file": true,
  "invalid-requirement": true,
  "conflicting-requirements": true,
  "script-outside-root": true,
  "unresolved-module": true,
  "bad-relative-import": true,
  "python-syntax": true,
  "render": true,
  "hardening-check": true,
  "compose-export": true,
  "internal-error": true,
  "more-findings": true,
  "broken-module": true,
  "outside-link": true,
  "broken-import": true,
};
const SEVERITIES = new Set(["error", "warning", "info"]);
const STACK_CONFIG = "Pulumi stack config";

type Override = string | null | undefined;

interface Scenario {
  readonly files: ConfigFiles;
  readonly machine: Machine;
  readonly override: Override;
  readonly env: Environment;
}

/**
 * The files a finding may name: the files written into this root, the v3 file (problems with no
 * better place, e.g. an absent v3 file or override, are reported at its line 1) and the stack.
 */
function allowedFiles(s: Scenario): Set<string> {
  const allowed = new Set<string>([V3_FILE, STACK_CONFIG]);
  for (const file of Object.keys(s.files)) allowed.add(normalizeConfigPath(file));
  return allowed;
}

function assertFindings(findings: readonly Finding[], allowed: ReadonlySet<string>, what: string): void {
  for (const f of findings) {
    const show = `${what}: ${JSON.stringify(f)}`;
    assert.ok(SEVERITIES.has(f.severity), `bad severity in ${show}`);
    assert.ok(typeof f.code === "string" && (f.code as string) !== "" && Object.prototype.hasOwnProperty.call(FINDING_CODES, f.code), `bad code in ${show}`);
    assert.ok(typeof f.message === "string" && f.message.trim() !== "", `empty message in ${show}`);
    assert.ok(typeof f.file === "string" && allowed.has(f.file), `file is not a config-root-relative path of this root in ${show}`);
    assert.ok(!path.isAbsolute(f.file) && !f.file.startsWith(".."), `file escapes the config root in ${show}`);
    assert.ok(Number.isInteger(f.line) && f.line >= 1, `bad line in ${show}`);
  }
}

const isPort = (p: unknown): boolean => typeof p === "number" && Number.isInteger(p) && p >= 1 && p <= 65535;

function assertAgents(agents: readonly AgentSpec[], what: string): void {
  const names = new Set<string>();
  for (const a of agents) {
    const show = `${what}: agent ${JSON.stringify(a.name)} ports ${a.port}/${a.healthCheckPort}/${a.httpHealthPort}`;
    assert.ok(typeof a.name === "string" && a.name !== "", `unnamed agent in ${what}`);
    assert.ok(!names.has(a.name), `agent listed twice: ${show}`);
    names.add(a.name);
    assert.ok(isPort(a.port) && isPort(a.healthCheckPort) && isPort(a.httpHealthPort), `port out of range: ${show}`);
    assert.strictEqual(a.httpHealthPort, a.healthCheckPort + 1, `httpHealthPort must be healthCheckPort + 1: ${show}`);
    assert.ok(typeof a.scriptPath === "string" && a.scriptPath.trim() !== "", `empty script_path: ${show}`);
  }
}

interface Outcome {
  readonly load: LoadResult;
  readonly plan: DeploymentPlan;
  readonly root: string;
}

/** Loads and plans one scenario, asserts every invariant, and hands the results to `more`. */
function runScenario(s: Scenario, more?: (o: Outcome) => void): void {
  const started = Date.now();
  try {
    runScenarioChecked(s, more);
  } finally {
    // FC_DEBUG=1 lists slow cases (file sizes) on stderr, to keep the run time in check.
    const ms = Date.now() - started;
    if (process.env["FC_DEBUG"] && ms > 200) console.error(`slow case: ${ms} ms;`, Object.entries(s.files).map(([k, v]) => `${k} ${v.length} chars`).join(", "));
  }
}

function runScenarioChecked(s: Scenario, more?: (o: Outcome) => void): void {
  withConfigRoot(s.files, (root) => {
    const allowed = allowedFiles(s);
    const load = loadEffectiveConfig({ configRoot: root, machine: s.machine, env: s.env, override: s.override });
    assertFindings(load.findings, allowed, "loadEffectiveConfig");
    assertAgents(load.config.agents, "loadEffectiveConfig");
    for (const file of load.config.files) assert.ok(allowed.has(file), `config.files names ${file}, which was not written`);

    const plan = buildDeploymentPlan({ configRoot: root, machine: s.machine, env: s.env, override: s.override });
    assertFindings(plan.findings, allowed, "buildDeploymentPlan");
    assertAgents(plan.agents, "buildDeploymentPlan agents");
    assertAgents(plan.peerAgents, "buildDeploymentPlan peerAgents");
    if (!plan.findings.some((f) => f.code === "group-cycle")) {
      assert.strictEqual(plan.waves, plan.longestPath, `waves ${plan.waves} != longestPath ${plan.longestPath}`);
    }
    more?.({ load, plan, root });
  });
}

// ---------------------------------------------------------------------------------------------
// Generators: hostile leaves
// ---------------------------------------------------------------------------------------------

/** Names JavaScript objects inherit: a plain-object lookup of these finds a function. */
const PROTOTYPE_NAMES = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf"] as const;

const oddText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }), weight: 3 },
  // Any code point except NUL: C0/C1 controls, lone surrogates, private use.
  { arbitrary: fc.string({ unit: "binary", maxLength: 10 }).map((s) => s.replace(/\u0000/g, "")), weight: 2 },
  {
    arbitrary: fc.constantFrom(
      "😀Agent",
      "👩‍👩‍👧‍👦",
      "Agent\u200F",
      "\u202EtnegA",
      "\u200E\u200F\u061C",
      "Ae\u0301\u0301\u0301\u20DD",
      "A\u0007B\u001B[31m",
      "\u007F\u0085\u009F",
      "\uFEFFBom",
      "名前サービス",
      "\u2028\u2029",
      "a\tb",
      "a\r\nb",
      "",
      " ",
      "~",
      "null",
      "true",
      "0x1F",
      "1e3",
      ".inf",
      "-",
      "? x",
      ": y",
      "# not a comment",
      "&anchor",
      "*alias",
      "!tag",
      "|",
      "'",
      '"',
      "%YAML",
      "@",
      "`",
      "{a: 1}",
      "[1, 2]",
    ),
    weight: 3,
  },
);

/** Huge strings: only under a document's `huge` key (one document in ten), so files stay small. */
const hugeText = fc.constantFrom("X".repeat(100_000), "é".repeat(20_000), "${A}".repeat(2_000), "${PORT_OFFSET}+" + "9".repeat(10_000));

const dollarOddities = fc.constantFrom(
  "${}",
  "${A:-}",
  "${A:-}+5",
  "${UNSET}",
  "${UNSET}+5",
  "${X}+99999999999999999999",
  "${PORT_OFFSET}+99999999999999999999",
  "${PORT_OFFSET}+7000",
  "${PORT_OFFSET:-0}+7000",
  "${PORT_OFFSET} + 7000",
  "${PORT_OFFSET}+",
  "${PORT_OFFSET}-5",
  "${PORT_OFFSET}+7000+1",
  "${A:-${B}}",
  "${A:-}}",
  "$${A}",
  "${A}${B}",
  "${ A }",
  "${1A}",
  "${A-B}",
  "${A:-5}+7",
  "${A:-abc}+7",
  "${A:--3}+7",
  "${😀}",
  "${",
  "}",
  "${A",
  "$",
  "${A:-\u202E}",
);

const hostileNumber = fc.oneof(
  fc.constantFrom(1e300, -1e300, -1, 0, -0, 0.5, 65535.5, 65536, 65535, 1, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 1e-300, Infinity, -Infinity, NaN),
  fc.double(),
  fc.integer(),
  fc.integer({ min: 1, max: 65535 }),
);

const hostileString = fc.oneof(
  { arbitrary: oddText, weight: 3 },
  { arbitrary: dollarOddities, weight: 3 },
  { arbitrary: fc.constantFrom("abc", "80", " 80 ", "0080", "8.0", "1e3", "0x50", "-5", "99999999999999999999", "65536", "0"), weight: 2 },
);

const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(hostileNumber, hostileString, fc.boolean(), fc.constant(null));

const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    ...PROTOTYPE_NAMES,
    "script_path",
    "port",
    "health_check_port",
    "required",
    "dependencies",
    "config",
    "agents",
    "include",
    "<<",
    "name",
    "enabled_groups",
    "gpu",
    "vram_mb",
    "device_ids",
    "mainpc",
    "pc2",
  ),
  oddText,
);

const smallTree: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small", maxDepth: 5 }, hostileScalar, tie("list"), tie("map")),
  list: fc.array(tie("node"), { maxLength: 4 }),
  map: fc.dictionary(hostileKey, tie("node"), { maxKeys: 4 }),
})).node;

/** Arbitrary trees of lists, maps and hostile scalars, sometimes nested past the loader's depth limit (64). */
const hostileTree: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: smallTree, weight: 8 },
  { arbitrary: fc.tuple(fc.integer({ min: 1, max: 150 }), fc.boolean()).map(([depth, asMap]) => nest(depth, asMap)), weight: 1 },
);

function nest(depth: number, asMap: boolean): unknown {
  let v: unknown = "bottom";
  for (let i = 0; i < depth; i++) v = asMap ? { [`k${i}`]: v } : [v];
  return v;
}

/**
 * Shared JavaScript references: yaml's stringify writes them as anchors and aliases, so the
 * file holds up to 6^4 values after expansion, under the loader's 1,000,000-value budget. The
 * bombs over the budget are in H2 (written by hand) and in isolated processes (below).
 */
function smallAliasBomb(): fc.Arbitrary<unknown> {
  return fc.tuple(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 4 })).map(([fanout, levels]) => {
    let level: unknown = ["lol"];
    for (let i = 0; i < levels; i++) level = Array.from({ length: fanout }, () => level);
    return level;
  });
}

// ---------------------------------------------------------------------------------------------
// Generators: config-shaped documents with wrong types at every level
// ---------------------------------------------------------------------------------------------

const agentName = fc.oneof(
  { arbitrary: fc.constantFrom("Alpha", "Beta", "Gamma", "Delta", "ServiceRegistry", "😀Agent", "Agent\u200F", "Ae\u0301", "lowercase", "名前", ...PROTOTYPE_NAMES), weight: 4 },
  { arbitrary: oddText, weight: 1 },
);
const groupName = fc.oneof(fc.constantFrom("core", "gpu", "pc2_services", "utility_services", "😀group", ...PROTOTYPE_NAMES), oddText);
const dockerGroupName = fc.oneof(fc.constantFrom("core", "gpu-1", "a", "Bad_Name", "-x", "x".repeat(64), ...PROTOTYPE_NAMES), oddText);
const validPort = fc.integer({ min: 1, max: 65535 });
const portish = fc.oneof({ arbitrary: validPort, weight: 3 }, { arbitrary: hostileScalar, weight: 3 }, { arbitrary: hostileTree, weight: 1 });
const orTree = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ arbitrary: arb, weight: 4 }, { arbitrary: hostileTree, weight: 1 });

const agentFields = {
  script_path: orTree(fc.constantFrom("agents/a.py", " ", "", "a\u202E.py")),
  port: portish,
  health_check_port: portish,
  required: orTree(fc.boolean()),
  dependencies: orTree(fc.array(agentName, { maxLength: 3 })),
  config: orTree(fc.dictionary(hostileKey, hostileScalar, { maxKeys: 3 })),
};
const agentish = fc.record(agentFields, { requiredKeys: [] });
const agentValue = fc.oneof({ arbitrary: agentish, weight: 4 }, { arbitrary: hostileTree, weight: 1 });
const listAgent = fc.record({ name: orTree(agentName), ...agentFields }, { requiredKeys: [] });

const agentGroups = orTree(fc.dictionary(groupName, orTree(fc.dictionary(agentName, agentValue, { maxKeys: 4 })), { maxKeys: 4 }));
const profile = orTree(fc.record({ enabled_groups: orTree(fc.array(orTree(groupName), { maxLength: 4 })) }, { requiredKeys: [] }));
const dockerGroup = fc.record(
  {
    agents: orTree(fc.array(agentName, { maxLength: 4 })),
    gpu: orTree(fc.oneof(fc.constant(null), fc.record({ vram_mb: orTree(fc.integer({ min: -5, max: 40_000 })), device_ids: orTree(fc.array(fc.oneof(fc.constant("0"), fc.integer({ min: -1, max: 3 })))) }, { requiredKeys: [] }))),
    cpus: orTree(fc.oneof(fc.double({ min: -1, max: 2000, noNaN: true }), hostileScalar)),
    memory_mb: orTree(hostileNumber),
    shm_mb: orTree(hostileNumber),
    image: orTree(fc.constantFrom("img:latest", "")),
    command: orTree(fc.array(fc.string(), { maxLength: 2 })),
    extra: hostileScalar,
  },
  { requiredKeys: [] },
);
const dockerMachine = orTree(fc.dictionary(dockerGroupName, orTree(dockerGroup), { maxKeys: 4 }));

/** A whole config document: any subset of the keys the loader reads, each possibly the wrong type. */
const configDocument: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    version: hostileTree,
    global_settings: orTree(fc.record({ environment: orTree(fc.dictionary(hostileKey, hostileScalar, { maxKeys: 3 })) }, { requiredKeys: [] })),
    environment: orTree(fc.dictionary(hostileKey, hostileScalar, { maxKeys: 3 })),
    machine_profiles: orTree(fc.record({ mainpc: profile, pc2: profile, other: hostileTree }, { requiredKeys: [] })),
    agent_groups: agentGroups,
    pc2_services: orTree(fc.array(fc.oneof({ arbitrary: listAgent, weight: 4 }, { arbitrary: hostileTree, weight: 1 }), { maxLength: 4 })),
    agents: orTree(fc.dictionary(agentName, agentValue, { maxKeys: 3 })),
    disabled_agents: orTree(fc.array(orTree(agentName), { maxLength: 3 })),
    docker_defaults: orTree(
      fc.record(
        { image: hostileScalar, cpus: hostileScalar, memory_mb: hostileScalar, shm_mb: hostileScalar, gpu_headroom_mb: hostileScalar, allow_vram_overcommit: hostileScalar },
        { requiredKeys: [] },
      ),
    ),
    docker_groups: orTree(fc.record({ mainpc: dockerMachine, pc2: dockerMachine, other: hostileTree }, { requiredKeys: [] })),
    resource_limits: orTree(fc.record({ vram_gb: hostileScalar }, { requiredKeys: [] })),
    include: orTree(fc.array(orTree(fc.constantFrom("inc/a.yaml", "inc/missing.yaml", V3_FILE, "../outside.yaml")), { maxLength: 3 })),
    extra: fc.dictionary(hostileKey, hostileTree, { maxKeys: 3 }),
    // At most one anchored structure per document (written by stringify as anchors and aliases).
    aliases: fc.oneof(
      { arbitrary: fc.constant(null), weight: 3 },
      { arbitrary: fc.tuple(smallAliasBomb(), fc.constantFrom("agent_groups", "config", "agents", "enabled_groups"), hostileTree).map(([bomb, key, other]) => ({ [key]: bomb, other: [bomb, other] })), weight: 1 },
    ),
    huge: fc.oneof({ arbitrary: fc.oneof(hugeText, fc.dictionary(hugeText, fc.constant(1), { maxKeys: 1 })), weight: 1 }, { arbitrary: fc.constant(null), weight: 9 }),
  },
  { requiredKeys: [] },
);

const yamlStyle = fc.constantFrom<"any" | "block" | "flow">("any", "block", "flow");
const toYaml = (value: unknown, style: "any" | "block" | "flow"): string => stringify(value, { collectionStyle: style, lineWidth: 0 });

const machineArb = fc.constantFrom<Machine>("mainpc", "pc2");
const overrideArb: fc.Arbitrary<Override> = fc.constantFrom(undefined, null, "docker", "docker", "mainpc", "pc2", "", " docker ", "absent", "../etc/passwd", "a/b", "docker.yaml", "😀", "\u202Edocker");
const envValue = fc.oneof(fc.constantFrom("", "0", "5", "-3", "abc", " 7 ", "1e3", "99999999999999999999", "${A}", "docker", "0x10", "\u202E1"), oddText);
/** Environment variable names; the prototype names are kept out here and tested on their own below. */
const envArb: fc.Arbitrary<Environment> = fc.dictionary(fc.constantFrom("PORT_OFFSET", "A", "B", "X", "CONFIG_OVERRIDE", "LOG_LEVEL", "😀"), envValue, { maxKeys: 5 });

// ---------------------------------------------------------------------------------------------
// Generators: raw YAML text (what stringify never writes)
// ---------------------------------------------------------------------------------------------

const rawSnippet: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    // duplicate keys, at the top and inside an agent group
    "agent_groups:\n  g:\n    Alpha: {script_path: a.py, port: 7000}\n    Alpha: {script_path: b.py, port: 7003}\n",
    "version: 1\nversion: 2\n",
    "{a: 1, a: 2}\n",
    // syntax errors
    "key: [unclosed\n",
    "key: {a: 1\n",
    'key: "unterminated\n',
    "\tindent: tab\n",
    "a:\n  - b\n c: d\n",
    "a: b: c\n",
    ": no key\n",
    "- top\n- level\n- list\n",
    "just a scalar\n",
    "%YAML 1.1\n---\na: 1\n",
    "%FOO bar\n---\na: 1\n",
    "---\na: 1\n---\nb: 2\n",
    "a: *undefined_anchor\n",
    "a: &x 1\nb: &x 2\nc: *x\n",
    "...\n",
    "a: 'it''s'\nb: |\n  text\n  more\nc: >-\n  folded\n",
    // anchors, aliases and merge keys
    "base: &b {script_path: a.py, port: 7000}\nagent_groups:\n  g:\n    Alpha: *b\n    Beta: {<<: *b, port: 7003}\n",
    "agent_groups: &g {core: {Alpha: {script_path: a.py, port: 7000}}}\nagents: *g\ndocker_groups: {mainpc: *g}\n",
    "x: &a {p: 1}\n<<: *a\n",
    "<<: 5\n",
    "m: {<<: [*a]}\n",
    "self: &s [*s]\n",
    "self: &s {a: *s}\n",
    "? [a, b]\n: c\n",
    "? {a: 1}\n: c\n",
    "*k : v\n",
    // tags
    "a: !!binary aGVsbG8=\n",
    "a: !!set {x, y}\n",
    "a: !!omap [{x: 1}]\n",
    "a: !custom x\n",
    "a: !!int abc\n",
    "a: !!float 1e999\n",
    "a: !!map [1]\n",
    "a: !!str\n",
    "a: !<tag:yaml.org,2002:int> 0x10\n",
    // numbers YAML reads in surprising ways
    "agent_groups:\n  g:\n    Alpha: {script_path: a.py, port: 0x1F90, health_check_port: 0o17000}\n",
    "agent_groups:\n  g:\n    Alpha: {script_path: a.py, port: 1e3, health_check_port: .inf}\n",
    "agent_groups:\n  g:\n    Alpha: {script_path: a.py, port: 99999999999999999999999999999}\n",
    "agent_groups:\n  g:\n    Alpha: {script_path: a.py, port: 65535}\n",
    "agent_groups:\n  g:\n    Alpha: {script_path: a.py, port: 65534, health_check_port: 65535}\n",
    "agent_groups:\n  g:\n    Alpha: {script_path: a.py, port: -7000}\n",
    "agent_groups:\n  g:\n    Alpha: {script_path: a.py, port: 7000.5}\n",
    // raw control characters and odd line ends (never NUL)
    "a: x\u0001y\n",
    "a: x\u007Fy\u0085z\n",
    "a: x\u2028y\n",
    "a: 1\r\nb: 2\r\n",
    "a: 1\rb: 2\r",
    "\uFEFFa: 1\n",
    "\uFEFF\uFEFFa: 1\n",
    "😀: \u202Ex\n",
    "# only a comment\n",
    "",
    "\n\n\n",
  ),
  // deep nesting, flow and block
  fc.integer({ min: 1, max: 1500 }).map((n) => `deep: ${"[".repeat(n)}${"]".repeat(n)}\n`),
  fc.integer({ min: 1, max: 300 }).map((n) => `deep: ${"{a: ".repeat(n)}1${"}".repeat(n)}\n`),
  fc.integer({ min: 1, max: 200 }).map((n) => Array.from({ length: n }, (_, i) => `${"  ".repeat(i)}k${i}:`).join("\n") + " end\n"),
  fc.integer({ min: 1, max: 1500 }).map((n) => `long: ${"[".repeat(n)}\n`),
  // a bomb written by hand: 10^2..10^9 values, so often over the loader's 1,000,000-value budget
  fc.integer({ min: 1, max: 8 }).map((levels) => {
    const lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i <= levels; i++) lines.push(`l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(", ")}]`);
    return lines.join("\n") + "\n";
  }),
  oddText.map((t) => `${JSON.stringify(t)}: ${t}\n`),
  oddText,
);

/** Random damage to a text: cut it, or drop a hostile character somewhere. */
const damage = (text: string): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.constant(text), weight: 3 },
    { arbitrary: fc.nat({ max: Math.max(0, text.length) }).map((cut) => text.slice(0, cut)), weight: 1 },
    {
      arbitrary: fc
        .tuple(fc.nat({ max: Math.max(0, text.length) }), fc.constantFrom("\t", ":", "{", "[", "'", '"', "&a ", "*a ", "- ", "\n  ", "\n", "#", "|", "\u0001", "\u202E", "😀", "%"))
        .map(([at, ch]) => text.slice(0, at) + ch + text.slice(at)),
      weight: 1,
    },
  );

// ---------------------------------------------------------------------------------------------
// Generators: include graphs
// ---------------------------------------------------------------------------------------------

const INCLUDE_NODES = [V3_FILE, "inc/a.yaml", "inc/b.yaml", "inc/c.yaml", overrideFile("mainpc"), overrideFile("pc2"), overrideFile("docker")] as const;

/** How an include names a file: plainly, or in spellings that normalize to the same path. */
const spell = (target: string): fc.Arbitrary<string> =>
  fc.constantFrom(target, `./${target}`, ` ${target} `, target.replace(/\//g, "\\"), `inc/../${target}`, target.replace("/", "//"));

const strayInclude: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom("inc/missing.yaml", "../outside.yaml", "/etc/hostname", "", " ", "inc", ".", "inc/\u0000a.yaml", "x".repeat(5000) + ".yaml", "😀.yaml", "\u202Einc/a.yaml"),
  hostileTree,
);

interface IncludeGraph {
  readonly files: Map<string, { includes: { target: string | null; spelled: unknown }[]; asScalar: boolean }>;
}

const includeGraph: fc.Arbitrary<IncludeGraph> = fc
  .uniqueArray(fc.constantFrom(...INCLUDE_NODES), { minLength: 1, maxLength: INCLUDE_NODES.length })
  .chain((present) =>
    fc
      .tuple(
        ...present.map(() =>
          fc.tuple(
            fc.array(
              fc.oneof(
                { arbitrary: fc.constantFrom(...INCLUDE_NODES).chain((t) => spell(t).map((s) => ({ target: t as string | null, spelled: s as unknown }))), weight: 4 },
                { arbitrary: strayInclude.map((s) => ({ target: null, spelled: s })), weight: 1 },
              ),
              { maxLength: 3 },
            ),
            fc.boolean(),
          ),
        ),
      )
      .map((perFile) => ({ files: new Map(present.map((file, i) => [file, { includes: perFile[i]![0], asScalar: perFile[i]![1] && perFile[i]![0].length === 1 }])) })),
  );

/**
 * The loader's include budget per top-level file (MAX_INCLUDE_READS in src/config/resolveIncludes.ts):
 * past it, the loader reports include-cycle ("files included over and over") without a cycle.
 */
const INCLUDE_READ_BUDGET = 256;

/** An upper bound on the files one top-level read of `file` reads, cycles cut as the loader cuts them. */
function includeReads(graph: IncludeGraph, file: string, chain: readonly string[], limit: number): number {
  let reads = 1;
  const inner = [...chain, file];
  for (const include of graph.files.get(file)?.includes ?? []) {
    if (reads > limit) break;
    if (include.target === null) reads += 1; // a stray path is at most one (failed) read
    else if (!inner.includes(include.target)) reads += includeReads(graph, include.target, inner, limit);
  }
  return reads;
}

/** Whether the loader, starting from the files it reads, reaches an include cycle among existing files. */
function reachableIncludeCycle(graph: IncludeGraph, roots: readonly string[]): boolean {
  const edges = (file: string): string[] => (graph.files.get(file)?.includes ?? []).flatMap((i) => (i.target !== null && graph.files.has(i.target) ? [i.target] : []));
  const onPath = new Set<string>();
  const visit = (file: string): boolean => {
    if (onPath.has(file)) return true;
    onPath.add(file);
    const found = edges(file).some(visit);
    onPath.delete(file);
    return found;
  };
  return roots.filter((r) => graph.files.has(r)).some(visit);
}

// ---------------------------------------------------------------------------------------------
// Properties: hostile inputs
// ---------------------------------------------------------------------------------------------

describe("loader properties: hostile config roots never throw and end in well-formed findings", function () {
  this.timeout(60_000);
  boundedStackTraces();
  // The isolated bomb cases (last suite) start now and run beside these properties.
  before(() => void bombs());

  it(`H1 config-shaped trees with wrong types at every level, odd unicode, huge numbers, \${...} oddities (${RUNS.hostileTrees} cases)`, () => {
    check(
      fc.property(
        fc.option(configDocument, { freq: 8 }),
        fc.option(configDocument, { freq: 2 }),
        fc.option(configDocument, { freq: 2 }),
        fc.option(configDocument, { freq: 3 }),
        yamlStyle,
        machineArb,
        overrideArb,
        envArb,
        (v3, mainpc, pc2, docker, style, machine, override, env) => {
          const files: Record<string, string> = {};
          if (v3) files[V3_FILE] = toYaml(v3, style);
          if (mainpc) files[overrideFile("mainpc")] = toYaml(mainpc, style);
          if (pc2) files[overrideFile("pc2")] = toYaml(pc2, style);
          if (docker) files[overrideFile("docker")] = toYaml(docker, style);
          files["inc/a.yaml"] = toYaml({ include: ["inc/a.yaml"], agent_groups: { core: { Alpha: { script_path: "a.py", port: 7000 } } } }, style);
          runScenario({ files, machine, override, env });
        },
      ),
      RUNS.hostileTrees,
    );
  });

  it(`H2 raw YAML: syntax errors, duplicate keys, anchors and aliases, tags, deep nesting, control characters (${RUNS.rawYaml} cases)`, () => {
    const valid = "agent_groups:\n  core:\n    Alpha: {script_path: a.py, port: 7000}\n";
    check(
      fc.property(
        fc.array(rawSnippet, { minLength: 1, maxLength: 4 }).chain((parts) => damage(parts.join(""))),
        fc.constantFrom(V3_FILE, overrideFile("mainpc"), overrideFile("pc2"), overrideFile("docker"), "inc/a.yaml"),
        machineArb,
        overrideArb,
        (text, where, machine, override) => {
          const files: Record<string, string> = { [V3_FILE]: `include: [inc/a.yaml]\n${valid}`, "inc/a.yaml": "x: 1\n" };
          files[where] = text;
          runScenario({ files, machine, override, env: {} });
        },
      ),
      RUNS.rawYaml,
    );
  });

  it(`H3 include graphs: a -> b -> a, self-includes, absent, outside and odd paths; a reachable cycle is always an include-cycle finding (${RUNS.includeGraphs} cases)`, () => {
    check(
      fc.property(includeGraph, machineArb, fc.constantFrom<Override>(null, "docker"), (graph, machine, override) => {
        const files: Record<string, string> = {};
        let port = 7000;
        for (const [file, { includes, asScalar }] of graph.files) {
          const spelled = includes.map((i) => i.spelled);
          const name = `A${port}`;
          files[file] = toYaml(
            {
              ...(spelled.length > 0 ? { include: asScalar ? spelled[0] : spelled } : {}),
              agent_groups: { [`g${port}`]: { [name]: { script_path: `${name}.py`, port: (port += 3) } } },
            },
            "block",
          );
        }
        const roots = [V3_FILE, overrideFile(machine), ...(override === "docker" ? [overrideFile("docker")] : [])];
        runScenario({ files, machine, override, env: {} }, ({ load }) => {
          const cycle = reachableIncludeCycle(graph, roots);
          const reported = load.findings.some((f) => f.code === "include-cycle");
          const show = `include cycle reachable: ${cycle}, reported: ${reported}; ${JSON.stringify(load.findings.filter((f) => f.code === "include-cycle"))}`;
          // An acyclic graph that fans out past the include budget is reported too (rare here).
          const withinBudget = roots.every((r) => !graph.files.has(r) || includeReads(graph, r, [], INCLUDE_READ_BUDGET) <= INCLUDE_READ_BUDGET);
          if (withinBudget) assert.strictEqual(reported, cycle, show);
          else if (cycle) assert.ok(reported, show);
          for (const f of load.findings) if (f.code === "include-cycle") assert.strictEqual(f.severity, "error");
        });
      }),
      RUNS.includeGraphs,
    );
  });

  it(`H4 the real v3 fixture with random line damage (${RUNS.mutatedFixture} cases)`, () => {
    const read = (relative: string) => fs.readFileSync(path.join(V3_FIXTURE, relative), "utf8");
    const base: Record<string, string> = {};
    for (const file of [V3_FILE, overrideFile("mainpc"), overrideFile("pc2"), overrideFile("docker")]) base[file] = read(file);
    const lines = base[V3_FILE]!.split("\n");
    const mutation = fc.oneof(
      fc.nat().map((i) => (ls: string[]) => ls.filter((_, j) => j !== i % ls.length)),
      fc.nat().map((i) => (ls: string[]) => ls.flatMap((l, j) => (j === i % ls.length ? [l, l] : [l]))),
      fc.tuple(fc.nat(), fc.nat()).map(([i, k]) => (ls: string[]) => {
        const out = [...ls];
        const a = i % out.length;
        const b = k % out.length;
        [out[a], out[b]] = [out[b]!, out[a]!];
        return out;
      }),
      fc.tuple(fc.nat(), hostileScalar).map(([i, v]) => (ls: string[]) =>
        ls.map((l, j) => (j === i % ls.length && l.includes(":") ? `${l.slice(0, l.indexOf(":") + 1)} ${stringify(v, { lineWidth: 0 }).trimEnd().split("\n").join(" ")}` : l)),
      ),
      fc.tuple(fc.nat(), rawSnippet).map(([i, s]) => (ls: string[]) => [...ls.slice(0, i % ls.length), ...s.split("\n"), ...ls.slice(i % ls.length)]),
      fc.tuple(fc.nat(), fc.integer({ min: -3, max: 3 })).map(([i, d]) => (ls: string[]) =>
        ls.map((l, j) => (j === i % ls.length ? (d >= 0 ? " ".repeat(d) + l : l.slice(-d)) : l)),
      ),
    );
    check(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), machineArb, fc.constantFrom<Override>(null, "docker"), (mutations, machine, override) => {
        const text = mutations.reduce((ls, m) => m(ls), lines).join("\n");
        runScenario({ files: { ...base, [V3_FILE]: text }, machine, override, env: {} });
      }),
      RUNS.mutatedFixture,
    );
  });

  it(`H5 \${...} substitution oddities in ports, health ports and config, with odd environments; no agent vanishes silently (${RUNS.substitution} cases)`, () => {
    const expression = fc.oneof(
      dollarOddities,
      fc.tuple(fc.constantFrom("PORT_OFFSET", "A", "B", "X", "UNSET", "1A", "A-B", "", " A ", "😀"), fc.option(fc.oneof(envValue, fc.constantFrom("", "5", "}"))), fc.option(fc.oneof(fc.nat(), fc.constantFrom("99999999999999999999", "0", "")))).map(
        ([name, fallback, addend]) => `\${${name}${fallback === null ? "" : `:-${fallback}`}}${addend === null ? "" : `+${addend}`}`,
      ),
    );
    check(
      fc.property(
        fc.array(fc.record({ port: fc.oneof(expression, validPort), health: fc.option(fc.oneof(expression, validPort)), config: expression }), { minLength: 1, maxLength: 5 }),
        envArb,
        machineArb,
        (agents, env, machine) => {
          const names = agents.map((_, i) => `Agent${i}`);
          const doc = {
            machine_profiles: { mainpc: { enabled_groups: ["core"] }, pc2: { enabled_groups: ["core"] } },
            agent_groups: {
              core: Object.fromEntries(
                agents.map((a, i) => [names[i], { script_path: `${names[i]}.py`, port: a.port, ...(a.health === null ? {} : { health_check_port: a.health }), config: { value: a.config } }]),
              ),
            },
          };
          runScenario({ files: { [V3_FILE]: toYaml(doc, "block") }, machine, override: null, env }, ({ load }) => {
            const loaded = new Set(load.config.agents.map((a) => a.name));
            for (const name of names) {
              if (loaded.has(name)) continue;
              assert.ok(
                load.findings.some((f) => f.severity === "error" && f.message.includes(name)),
                `${name} is missing from the config without an error naming it: ${JSON.stringify(load.findings)}`,
              );
            }
          });
        },
      ),
      RUNS.substitution,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Properties: valid configs load exactly
// ---------------------------------------------------------------------------------------------

/**
 * Agent names: identifiers (src/config/agentName.ts; anything else is an error, tested in
 * test/security/hostileNames.test.ts), unique after lower-casing.
 */
const validAgentName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,20}$/).filter((n) => agentNameProblem(n) === null);

interface GeneratedAgent {
  readonly name: string;
  readonly group: string;
  readonly port: number;
  readonly explicitHealth: boolean;
  readonly required: boolean;
  readonly dependencies: string[];
}

const validConfig = fc
  .record({
    names: fc.uniqueArray(validAgentName, { minLength: 1, maxLength: 30, selector: (n) => n.toLowerCase() }),
    groups: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/).filter((g) => g !== "pc2_services"), { minLength: 1, maxLength: 5 }),
    profiles: fc.boolean(),
    style: yamlStyle,
  })
  .chain(({ names, groups, profiles, style }) =>
    fc
      .record({
        slots: fc.uniqueArray(fc.integer({ min: 1, max: 21_844 }), { minLength: names.length, maxLength: names.length }),
        groupOf: fc.array(fc.nat({ max: groups.length - 1 }), { minLength: names.length, maxLength: names.length }),
        deps: fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: names.length, maxLength: names.length }),
        flags: fc.array(fc.tuple(fc.boolean(), fc.boolean()), { minLength: names.length, maxLength: names.length }),
        // Per group: 1 mainpc only, 2 pc2 only, 3 both (profiles layout).
        placement: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: groups.length, maxLength: groups.length }),
      })
      .map(({ slots, groupOf, deps, flags, placement }) => {
        const agents: GeneratedAgent[] = names.map((name, i) => ({
          name,
          group: groups[groupOf[i]!]!,
          port: 3 * slots[i]! - 2, // port, port + 1 and port + 2 are this agent's alone
          explicitHealth: flags[i]![0],
          required: flags[i]![1],
          dependencies: i === 0 ? [] : [...new Set(deps[i]!.map((d) => names[d % i]!))],
        }));
        return { agents, groups, profiles, style, placement };
      }),
  );

describe("loader properties: valid configs load exactly as generated", function () {
  this.timeout(60_000);
  boundedStackTraces();

  it(`P1 random agent names, ports, groups and profiles load exactly, with no findings (${RUNS.validConfigs} cases)`, () => {
    check(
      fc.property(validConfig, machineArb, ({ agents, groups, profiles, style, placement }, machine) => {
        const runsOn = (group: string, m: Machine): boolean => {
          if (!profiles) return m === "mainpc";
          const p = placement[groups.indexOf(group)]!;
          return p === 3 || (p === 1 ? m === "mainpc" : m === "pc2");
        };
        const doc: Record<string, unknown> = {
          agent_groups: Object.fromEntries(
            groups.map((g) => [
              g,
              Object.fromEntries(
                agents
                  .filter((a) => a.group === g)
                  .map((a) => [
                    a.name,
                    { script_path: `agents/${g}/${a.name}.py`, port: a.port, ...(a.explicitHealth ? { health_check_port: a.port + 1 } : {}), required: a.required, dependencies: a.dependencies, config: { tag: a.name } },
                  ]),
              ),
            ]),
          ),
        };
        if (profiles) {
          doc["machine_profiles"] = {
            mainpc: { enabled_groups: groups.filter((g) => runsOn(g, "mainpc")) },
            pc2: { enabled_groups: groups.filter((g) => runsOn(g, "pc2")) },
          };
        }
        runScenario({ files: { [V3_FILE]: toYaml(doc, style) }, machine, override: null, env: {} }, ({ load, plan }) => {
          assert.deepStrictEqual(load.findings, []);
          const expected = agents.filter((a) => runsOn(a.group, machine));
          const byName = new Map(load.config.agents.map((a) => [a.name, a]));
          assert.deepStrictEqual([...byName.keys()].sort(), expected.map((a) => a.name).sort());
          for (const a of expected) {
            const got = byName.get(a.name)!;
            assert.deepStrictEqual(
              [got.group, got.port, got.healthCheckPort, got.httpHealthPort, got.required, got.dependencies, got.scriptPath, got.config],
              [a.group, a.port, a.port + 1, a.port + 2, a.required, a.dependencies, `agents/${a.group}/${a.name}.py`, { tag: a.name }],
            );
          }
          // Dependencies point to earlier agents, so no cycles; every group runs somewhere in
          // the profiles layout, so every dependency is known; ports never clash.
          const everyGroupRuns = groups.every((g) => runsOn(g, "mainpc") || runsOn(g, "pc2"));
          if (everyGroupRuns) assert.deepStrictEqual(plan.findings.filter((f) => f.severity === "error"), []);
        });
      }),
      RUNS.validConfigs,
    );
  });

  it(`P2 "\${PORT_OFFSET}+N" gives N + PORT_OFFSET, and N when PORT_OFFSET is unset or empty (${RUNS.portOffset} cases)`, () => {
    check(
      fc.property(
        fc.option(fc.integer({ min: 0, max: 30_000 }), { freq: 4 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 11_000 }), { minLength: 1, maxLength: 20 }),
        fc.constantFrom("${PORT_OFFSET}+", "${PORT_OFFSET:-0}+", " ${PORT_OFFSET} + ", "${PORT_OFFSET:-99999}+"),
        fc.boolean(),
        (offset, slots, form, emptyInsteadOfUnset) => {
          const env: Environment = offset === null ? (emptyInsteadOfUnset ? { PORT_OFFSET: "" } : {}) : { PORT_OFFSET: String(offset) };
          const effective = offset ?? (form.includes(":-99999") ? 99_999 : 0);
          const agents = slots.map((s, i) => ({ name: `Agent${i}`, n: 3 * s - 2 }));
          const doc = {
            agent_groups: { core: Object.fromEntries(agents.map((a) => [a.name, { script_path: "a.py", port: `${form}${a.n}`, health_check_port: `${form}${a.n + 1}` }])) },
          };
          runScenario({ files: { [V3_FILE]: toYaml(doc, "block") }, machine: "mainpc", override: null, env }, ({ load }) => {
            const byName = new Map(load.config.agents.map((a) => [a.name, a]));
            for (const a of agents) {
              const port = a.n + effective;
              if (port + 2 <= 65535) {
                assert.deepStrictEqual(
                  [byName.get(a.name)?.port, byName.get(a.name)?.healthCheckPort],
                  [port, port + 1],
                  `${a.name}: ${form}${a.n} with PORT_OFFSET=${JSON.stringify(env["PORT_OFFSET"])}`,
                );
              } else {
                assert.ok(!byName.has(a.name), `${a.name} has port ${port} + 2 > 65535 and must be refused`);
                assert.ok(load.findings.some((f) => f.severity === "error" && f.message.includes(a.name)));
              }
            }
          });
        },
      ),
      RUNS.portOffset,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Regression tests for the bugs these properties found (fixed in 6bca37e)
// ---------------------------------------------------------------------------------------------

describe("loader properties: variables named like Object.prototype members", function () {
  this.timeout(60_000);
  boundedStackTraces();

  // Regression guard (src/config/substituteEnvironment.ts, `lookup`): `env[name]` and
  // `IMPLICIT_DEFAULTS[name]` are plain-object lookups, so `${constructor}` finds
  // Object.prototype.constructor (a function). `"${constructor}+5"` then THROWS
  // (TypeError: lookup(...).trim is not a function) and `"${toString}"` is replaced by
  // "function toString() { [native code] }" instead of "" and an undefined-variable warning.
  // Fixed: lookup reads own properties only (src/config/ownProperty.ts).
  it(`B1 "\${constructor}+N" and "\${toString}" are unset variables, not Object.prototype members (${RUNS.prototypeVariables} cases)`, () => {
    check(
      fc.property(fc.constantFrom(...PROTOTYPE_NAMES), fc.integer({ min: 1, max: 60_000 }), fc.boolean(), (name, n, withDefault) => {
        const doc = {
          agent_groups: {
            core: {
              Alpha: { script_path: "a.py", port: withDefault ? `\${${name}:-0}+${n}` : `\${${name}}+${n}`, config: { value: `\${${name}}` } },
            },
          },
        };
        runScenario({ files: { [V3_FILE]: toYaml(doc, "block") }, machine: "mainpc", override: null, env: {} }, ({ load }) => {
          const alpha = load.config.agents.find((a) => a.name === "Alpha");
          if (withDefault) assert.strictEqual(alpha?.port, n);
          else assert.ok(load.findings.some((f) => f.code === "undefined-variable" && f.message.includes(`\${${name}}`)));
          if (alpha) assert.deepStrictEqual(alpha.config, { value: "" });
        });
      }),
      RUNS.prototypeVariables,
    );
  });
});

describe("loader: an include spelled with a trailing slash", function () {
  // Regression guard (src/config/resolveIncludes.ts + configFiles.ts): `inc/a.yaml/` is normalized with
  // path.posix.normalize, which keeps the trailing slash, but read with path.resolve, which drops
  // it, so it reads inc/a.yaml under another name: config.files and findings say "inc/a.yaml/",
  // and cycle detection (string compare on the chain) misses the self-include for one level, so
  // the file is read twice. Fixed: the target is normalized without the trailing slash (or
  // refused as a directory path, as fs.statSync("inc/a.yaml/") would).
  it("names the file once, without the slash, and reports a self-include through it at once", () => {
    const files = { [V3_FILE]: "include: [inc/a.yaml]\n", "inc/a.yaml": "include: [inc/a.yaml/]\nx: 1\n" };
    withConfigRoot(files, (configRoot) => {
      const { config, findings } = loadEffectiveConfig({ configRoot, machine: "mainpc", env: {}, override: null });
      assert.deepStrictEqual(config.files, [V3_FILE, "inc/a.yaml"]);
      assert.deepStrictEqual(
        findings.map((f) => [f.code, f.file]),
        [["include-cycle", "inc/a.yaml"]],
      );
    });
  });
});

describe("loader: agent names with leading or trailing whitespace", function () {
  // Regression guard (found by P1): dependency names were trimmed, agent names (map keys) were
  // not, so a dependency on " Alpha" silently became a self-dependency of Alpha. Now references
  // are matched exactly and a name with surrounding spaces is an error.
  it("a dependency on \" Alpha\" is not silently turned into one on Alpha", () => {
    const text = 'agent_groups:\n  core:\n    " Alpha": {script_path: a.py, port: 7000}\n    Alpha: {script_path: b.py, port: 7003, dependencies: [" Alpha"]}\n';
    withConfigRoot({ [V3_FILE]: text }, (configRoot) => {
      const { config, findings } = loadEffectiveConfig({ configRoot, machine: "mainpc", env: {}, override: null });
      assert.deepStrictEqual(
        findings.map((f) => `${f.code} ${f.line} ${f.message}`),
        ['invalid-value 3 agent name " Alpha" must be ASCII letters, digits and _ with a letter first (it becomes a network alias, host entry and environment variable name); rename it'],
      );
      const flagged = findings.some((f) => f.severity === "error");
      const alpha = config.agents.find((a) => a.name === "Alpha");
      assert.ok(flagged || !alpha?.dependencies.includes("Alpha"), `Alpha now depends on itself, silently: ${JSON.stringify(alpha?.dependencies)}`);
      if (!flagged) {
        const plan = buildDeploymentPlan({ configRoot, machine: "mainpc", env: {}, override: null });
        assert.deepStrictEqual(plan.findings.filter((f) => f.code === "dependency-cycle"), []);
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Hang and memory bombs, each in a child process with a deadline and a heap cap
// ---------------------------------------------------------------------------------------------

interface Isolated {
  readonly status: "ok" | "threw" | "timeout" | "crashed";
  readonly ms: number;
  readonly detail: string;
  readonly findings: readonly Finding[];
  readonly agents: number;
}

const CHILD = `
const { buildDeploymentPlan } = require(${JSON.stringify(path.join(DIST_DIR, "src/plan/buildDeploymentPlan.js"))});
const configRoot = process.argv[1];
const started = Date.now();
let out;
try {
  // The plan loads both machines' configs, so this is two loads of the root.
  const plan = buildDeploymentPlan({ configRoot, machine: "mainpc", env: {}, override: "docker" });
  out = { status: "ok", detail: "", findings: plan.findings.slice(0, 50), agents: plan.agents.length };
} catch (err) {
  out = { status: "threw", detail: String(err && err.stack || err).split("\\n").slice(0, 6).join("\\n"), findings: [], agents: 0 };
}
out.ms = Date.now() - started;
process.stdout.write(JSON.stringify(out));
`;

/**
 * Loads and plans a root in a separate node process; kills it after `deadlineMs`. Deadlines are
 * generous: each case is well under a second of work plus a fraction of a second of start-up,
 * but the children share 2 cores with the properties and whatever else runs on the machine (a
 * niced child starved there, so none is).
 */
/** Children still running, with their config roots: killed and removed if mocha exits first. */
const running = new Map<ChildProcess, string>();
process.on("exit", () => {
  for (const [child, root] of running) {
    child.kill("SIGKILL");
    removeConfigRoot(root);
  }
});

function runIsolated(files: ConfigFiles, deadlineMs: number): Promise<Isolated> {
  const root = writeConfigRoot(files);
  const started = Date.now();
  return new Promise<Isolated>((resolve) => {
    // The compiled modules (npm test builds them): no transpiling in each child, so five children
    // started at once cost a fraction of a second each instead of seconds of ts-node.
    const child = spawn(process.execPath, ["--max-old-space-size=1536", "-e", CHILD, root], {
      cwd: PROJECT_ROOT,
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, deadlineMs);
    // Unreferenced: when the bomb tests are filtered out (--grep), mocha does not wait for these
    // children; any still running when this process exits is killed, never left behind.
    running.set(child, root);
    child.unref();
    (child.stdout as unknown as Socket).unref();
    (child.stderr as unknown as Socket).unref();
    timer.unref();
    child.on("close", (code, signal) => {
      running.delete(child);
      clearTimeout(timer);
      removeConfigRoot(root);
      const ms = Date.now() - started;
      if (timedOut) return resolve({ status: "timeout", ms, detail: `killed after ${deadlineMs} ms`, findings: [], agents: 0 });
      try {
        resolve(JSON.parse(stdout) as Isolated);
      } catch {
        resolve({ status: "crashed", ms, detail: `exit ${code} ${signal ?? ""}: ${stderr.slice(-800)}`, findings: [], agents: 0 });
      }
    });
  });
}

const ALPHA = "agent_groups:\n  core:\n    Alpha: {script_path: a.py, port: 7000}\n";

/** `levels` anchors, each a list of 10 aliases to the previous one: 10^levels values expanded. */
function aliasBomb(levels: number): string {
  const lines = ["lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
  for (let i = 1; i < levels; i++) lines.push(`lol${i}: &lol${i} [${Array(10).fill(`*lol${i - 1}`).join(", ")}]`);
  return ALPHA + lines.join("\n") + "\n";
}

/** The same bomb after `lines` lines of other config: alias resolution must not walk the document. */
function aliasBombAfter(lines: number): string {
  const filler = Array.from({ length: lines }, (_, i) => `  key${i}: value ${i}`).join("\n");
  return `filler:\n${filler}\n${aliasBomb(10)}`;
}

/** Each file includes the next one twice: 2^depth reads if includes are expanded naively. */
function includeFanOut(depth: number): ConfigFiles {
  const files: Record<string, string> = { [V3_FILE]: `include: [inc/1.yaml, inc/1.yaml]\n${ALPHA}` };
  for (let i = 1; i < depth; i++) files[`inc/${i}.yaml`] = `include: [inc/${i + 1}.yaml, inc/${i + 1}.yaml]\nk${i}: ${i}\n`;
  files[`inc/${depth}.yaml`] = "leaf: true\n";
  return files;
}

/** One map with `keys` entries (about 1 MB of YAML, far below the loader's 16 MB file limit). */
function wideMap(keys: number): ConfigFiles {
  const lines = [ALPHA + "wide:"];
  for (let i = 0; i < keys; i++) lines.push(`  key${i}: ${i}`);
  return { [V3_FILE]: lines.join("\n") + "\n" };
}

/** `agents` agents in groups of 50, each `{<<: *defaults, port: N}`: the usual way to share settings. */
function sharedDefaults(agents: number): ConfigFiles {
  let text = "defaults: &defaults {script_path: agents/a.py, required: true, dependencies: []}\nagent_groups:\n";
  for (let i = 0; i < agents; i++) {
    if (i % 50 === 0) text += `  group${i / 50}:\n`;
    text += `    Agent${i}: {<<: *defaults, port: ${1000 + 3 * i}}\n`;
  }
  return { [V3_FILE]: text };
}

interface Bombs {
  readonly alias: Promise<Isolated>;
  readonly aliasAfterFiller: Promise<Isolated>;
  readonly includes: Promise<Isolated>;
  readonly wide: Promise<Isolated>;
  readonly sharedDefaults: Promise<Isolated>;
}

let bombsStarted: Bombs | undefined;
/** Starts the isolated cases once; the first suite calls this so they overlap the properties. */
function bombs(): Bombs {
  bombsStarted ??= {
    alias: runIsolated({ [V3_FILE]: aliasBomb(10) }, 60_000),
    aliasAfterFiller: runIsolated({ [V3_FILE]: aliasBombAfter(2_000) }, 60_000),
    includes: runIsolated(includeFanOut(22), 60_000),
    wide: runIsolated(wideMap(60_000), 60_000),
    sharedDefaults: runIsolated(sharedDefaults(2_000), 60_000),
  };
  return bombsStarted;
}

describe("loader properties: bombs end quickly (isolated processes)", function () {
  this.timeout(120_000);

  it("an alias bomb (10^10 values when expanded) ends as a yaml-syntax finding, without hanging or running out of memory", async () => {
    const r = await bombs().alias;
    assert.strictEqual(r.status, "ok", `${r.status}: ${r.detail}`);
    assert.ok(r.findings.some((f) => f.code === "yaml-syntax" && f.file === V3_FILE), JSON.stringify(r.findings));
  });

  // Regression guard (src/config/yamlTree.ts, alias resolution): with Alias.resolve walking the
  // document on every expansion, this took over 2 minutes (see the `<<: *defaults` case below).
  it("the same alias bomb after 2,000 lines of other config also ends quickly as a finding", async () => {
    const r = await bombs().aliasAfterFiller;
    assert.strictEqual(r.status, "ok", `${r.status}: ${r.detail}`);
    assert.ok(r.findings.some((f) => f.code === "yaml-syntax" && f.file === V3_FILE), JSON.stringify(r.findings));
  });

  // Regression guard (src/config/resolveIncludes.ts, readWithIncludes): cycle detection only looks at
  // the current include chain, so a file included twice by each level is read 2^depth times.
  // 22 tiny files never finish; from ~17 levels (2^17 names in `files`) `files.push(...sub.files)`
  // throws RangeError: Maximum call stack size exceeded. Now bounded by a total
  // include budget that ends as a finding.
  it("an include fan-out bomb (each file includes the next twice, 22 levels) ends quickly, as a finding", async () => {
    const r = await bombs().includes;
    assert.strictEqual(r.status, "ok", `${r.status}: ${r.detail}`);
    assert.ok(r.findings.some((f) => f.severity === "error" && f.code === "include-cycle"), JSON.stringify(r.findings));
  });

  // Regression guard (src/config/yamlTree.ts, parseDocument(..., { uniqueKeys: true })): the yaml
  // package checks each new key against every earlier key of its map (mapIncludes), so a map
  // with n keys costs O(n^2): 16k keys 2 s, 32k 6 s, 64k 64 s. A 1 MB file passes the 16 MB
  // limit but effectively hangs. Fixed: duplicates are detected another way (
  // uniqueKeys: false plus a check in convert(), which already builds a Map per mapping).
  it("a map with 60,000 keys (1 MB) loads within seconds", async () => {
    const r = await bombs().wide;
    assert.strictEqual(r.status, "ok", `${r.status}: ${r.detail}`);
    assert.strictEqual(r.agents, 1);
  });

  // Regression guard (src/config/yamlTree.ts, convert: `node.resolve(doc)`): yaml's Alias.resolve walks
  // the whole document to find the anchor, on every expansion, so aliases cost O(aliases x
  // document): 1,000 agents with `<<: *defaults` load in 7 s, 2,000 in 24 s, 4,000 in 72 s; an
  // alias bomb after 500 lines of other config takes 40 s and after 2,000 lines over 2 minutes,
  // because the 1,000,000-value budget counts values, not resolution work. Fixed: anchors
  // are resolved through one map built in a single pass over the document.
  it("2,000 agents sharing `<<: *defaults` load within seconds", async () => {
    const r = await bombs().sharedDefaults;
    assert.strictEqual(r.status, "ok", `${r.status}: ${r.detail}`);
    assert.strictEqual(r.agents, 2_000);
  });
});
