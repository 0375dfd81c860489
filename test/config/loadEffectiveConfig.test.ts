import * as assert from "assert";
import { Finding } from "../../src/config/finding";
import { loadEffectiveConfig, LoadOptions } from "../../src/config/loadEffectiveConfig";
import { withConfigRoot } from "../support/tempConfigRoot";

const V3 = "config/startup_config.v3.yaml";

function load(files: Record<string, string>, options: Partial<Omit<LoadOptions, "configRoot">> = {}) {
  return withConfigRoot(files, (configRoot) => loadEffectiveConfig({ configRoot, machine: "mainpc", env: {}, override: null, ...options }));
}

const brief = (f: Finding) => `${f.severity} ${f.code} ${f.file}:${f.line} ${f.message}`;

describe("loadEffectiveConfig", () => {
  it("reads map-shaped agents with the contract's defaults and the line each came from", () => {
    const { config, findings } = load({
      [V3]: ["agent_groups:", "  core:", "    Alpha:", "      script_path: a/alpha.py", "      port: 7000", "    Beta:", "      script_path: a/beta.py", "      port: 7100", "      health_check_port: 8100", "      required: true", "      dependencies: [Alpha]", ""].join("\n"),
    });
    assert.deepStrictEqual(findings, []);
    assert.deepStrictEqual(
      config.agents.map((a) => [a.name, a.group, a.scriptPath, a.port, a.healthCheckPort, a.httpHealthPort, a.required, a.dependencies, a.source]),
      [
        // required: false unless said, as common/config_manager.py:41,65 of the monorepo
        ["Alpha", "core", "a/alpha.py", 7000, 7001, 7002, false, [], { file: V3, line: 3 }],
        ["Beta", "core", "a/beta.py", 7100, 8100, 8101, true, ["Alpha"], { file: V3, line: 6 }],
      ],
    );
  });

  it("deep-merges includes on top of the base file, in order, and records every file read", () => {
    const { config, findings } = load({
      [V3]: "include: [one.yaml, two.yaml]\nglobal_settings:\n  environment: {A: base, B: base}\n",
      "one.yaml": "global_settings:\n  environment: {B: one, C: one}\nagent_groups:\n  g:\n    X: {script_path: x.py, port: 7000}\n",
      "two.yaml": "global_settings:\n  environment: {C: two}\nagent_groups:\n  g:\n    X: {port: 7010}\n",
    });
    assert.deepStrictEqual(findings, []);
    assert.deepStrictEqual(config.files, [V3, "one.yaml", "two.yaml"]);
    assert.deepStrictEqual(config.globalEnvironment, { A: "base", B: "one", C: "two" });
    assert.deepStrictEqual(config.agents.map((a) => [a.name, a.scriptPath, a.port, a.source]), [["X", "x.py", 7010, { file: "one.yaml", line: 5 }]]);
  });

  it("reports an include cycle with its path instead of looping", () => {
    const { findings } = load({ [V3]: "include: [a.yaml]\n", "a.yaml": "include:\n  - b.yaml\n", "b.yaml": "include:\n  - a.yaml\n" });
    assert.deepStrictEqual(findings.map(brief), [
      "error include-cycle b.yaml:2 include cycle config/startup_config.v3.yaml -> a.yaml -> b.yaml -> a.yaml; remove one of these includes",
    ]);
  });

  it("reports a missing include at the include line and a missing v3 file at its top", () => {
    const include = load({ [V3]: "version: 3.0\ninclude:\n  - nowhere.yaml\n" }).findings;
    assert.deepStrictEqual(include.map((f) => [f.severity, f.code, f.file, f.line]), [["error", "missing-file", V3, 3]]);
    assert.match(include[0]!.message, /^included file nowhere\.yaml does not exist under .+; create it or fix the path$/);
    const missing = load({});
    assert.strictEqual(missing.findings.length, 1);
    assert.strictEqual(missing.findings[0]!.code, "missing-file");
    assert.strictEqual(missing.findings[0]!.file, V3);
    assert.match(missing.findings[0]!.message, /^the v3 config config\/startup_config\.v3\.yaml does not exist under .+; create it or fix the path$/);
  });

  it("keeps group settings from machine overrides as settings, never as agents", () => {
    const { config, findings } = load({
      [V3]: "agent_groups:\n  core_services:\n    Alpha: {script_path: a.py, port: 7000}\n",
      "config/overrides/mainpc.yaml": "agent_groups:\n  core_services:\n    resource_multiplier: 1.2\n    priority: high\n    gpu: {layers: 40}\n",
    });
    assert.deepStrictEqual(findings, []);
    assert.deepStrictEqual(config.agents.map((a) => a.name), ["Alpha"]);
    assert.deepStrictEqual(config.groups, [
      { name: "core_services", settings: { resource_multiplier: 1.2, priority: "high", gpu: { layers: 40 } }, agentNames: ["Alpha"], source: { file: V3, line: 2 } },
    ]);
  });

  it("applies top-level agents.<Name> overrides to that agent and warns about unknown ones", () => {
    const { config, findings } = load({
      [V3]: "agent_groups:\n  g:\n    Alpha: {script_path: a.py, port: 7000, config: {keep: 1, mode: slow}}\n",
      "config/overrides/mainpc.yaml": "agents:\n  Alpha:\n    config: {mode: fast}\n  Ghost:\n    config: {x: 1}\n",
    });
    assert.deepStrictEqual(config.agents[0]!.config, { keep: 1, mode: "fast" });
    assert.deepStrictEqual(config.agents[0]!.source, { file: V3, line: 3 });
    assert.deepStrictEqual(findings.map(brief), [
      "warning unknown-agent-override config/overrides/mainpc.yaml:4 agents.Ghost overrides an agent this machine does not run; remove it or fix the name",
    ]);
  });

  it("applies CONFIG_OVERRIDE from the environment, an explicit override, or none", () => {
    const files = {
      [V3]: "agent_groups:\n  g:\n    Alpha: {script_path: a.py, port: 7000}\n",
      "config/overrides/docker.yaml": "agent_groups:\n  g:\n    Alpha: {port: 9000}\n",
    };
    assert.strictEqual(load(files, { override: undefined, env: { CONFIG_OVERRIDE: "docker" } }).config.agents[0]!.port, 9000);
    assert.strictEqual(load(files, { override: "docker" }).config.agents[0]!.port, 9000);
    const none = load(files, { override: null, env: { CONFIG_OVERRIDE: "docker" } });
    assert.strictEqual(none.config.agents[0]!.port, 7000);
    assert.strictEqual(none.config.override, null);
    const absent = load(files, { override: "staging" });
    assert.deepStrictEqual(absent.findings.map((f) => [f.severity, f.code, f.file, f.line]), [["warning", "missing-file", V3, 1]]);
  });

  it("substitutes ${VAR}, ${VAR:-default} and ${VAR}+N, with PORT_OFFSET defaulting to 0", () => {
    const files = {
      [V3]: [
        "global_settings:",
        "  environment:",
        "    HUB: '${HUB_URL:-http://hub:9000}'",
        "    MIXED: 'x-${NAME}-y'",
        "agent_groups:",
        "  g:",
        "    Alpha: {script_path: a.py, port: '${PORT_OFFSET}+7200', health_check_port: '${PORT_OFFSET}+8200'}",
        "    Beta: {script_path: b.py, port: '${BASE:-100}+5'}",
        "",
      ].join("\n"),
    };
    const plain = load(files);
    assert.deepStrictEqual(plain.config.agents.map((a) => [a.name, a.port, a.healthCheckPort]), [["Alpha", 7200, 8200], ["Beta", 105, 106]]);
    assert.deepStrictEqual(plain.config.globalEnvironment, { HUB: "http://hub:9000", MIXED: "x--y" });
    assert.deepStrictEqual(plain.findings.map(brief), [
      "warning undefined-variable config/startup_config.v3.yaml:4 ${NAME} is not set and has no default; it becomes an empty string. Set NAME or write ${NAME:-default}",
    ]);
    const offset = load(files, { env: { PORT_OFFSET: "1000", HUB_URL: "http://other", NAME: "n", BASE: "200" } });
    assert.deepStrictEqual(offset.config.agents.map((a) => [a.name, a.port, a.healthCheckPort]), [["Alpha", 8200, 9200], ["Beta", 205, 206]]);
    assert.deepStrictEqual(offset.config.globalEnvironment, { HUB: "http://other", MIXED: "x-n-y" });
    assert.deepStrictEqual(offset.findings, []);
    const bad = load(files, { env: { PORT_OFFSET: "ten", NAME: "n" } });
    // The substitution errors name the cause; the agent's own errors follow from them.
    assert.deepStrictEqual(bad.findings.map(brief), [
      'error invalid-value config/startup_config.v3.yaml:7 PORT_OFFSET is "ten" but "${PORT_OFFSET}+7200" needs a whole number; set PORT_OFFSET to an integer such as 0',
      'error invalid-value config/startup_config.v3.yaml:7 PORT_OFFSET is "ten" but "${PORT_OFFSET}+8200" needs a whole number; set PORT_OFFSET to an integer such as 0',
      'error invalid-value config/startup_config.v3.yaml:7 agent Alpha: health_check_port is invalid (expected a number or a numeric string); set it to an integer from 1 to 65535, or "${PORT_OFFSET}+N"; it defaults to port + 1',
      'error invalid-value config/startup_config.v3.yaml:7 agent Alpha: port is invalid (expected a number or a numeric string); set it to an integer from 1 to 65535, or "${PORT_OFFSET}+N"',
    ]);
  });

  it("keeps only the groups the machine profile enables, and says when a profile or group is missing", () => {
    const files = {
      [V3]: [
        "machine_profiles:",
        "  mainpc:",
        "    enabled_groups: [shared, main_only, typo_group]",
        "  pc2:",
        "    enabled_groups: [shared]",
        "agent_groups:",
        "  shared:",
        "    Hub: {script_path: h.py, port: 9000}",
        "  main_only:",
        "    Big: {script_path: b.py, port: 7000}",
        "",
      ].join("\n"),
    };
    const main = load(files);
    assert.deepStrictEqual(main.config.agents.map((a) => a.name), ["Big", "Hub"]);
    assert.deepStrictEqual(main.findings.map(brief), [
      "warning unknown-group config/startup_config.v3.yaml:3 machine_profiles.mainpc enables typo_group, but agent_groups has no such group; remove it or add the group",
    ]);
    const pc2 = load(files, { machine: "pc2" });
    assert.deepStrictEqual(pc2.config.agents.map((a) => [a.name, a.machine]), [["Hub", "pc2"]]);
    const noProfile = load({ [V3]: "machine_profiles:\n  mainpc:\n    enabled_groups: [g]\nagent_groups:\n  g:\n    A: {script_path: a.py, port: 7000}\n" }, { machine: "pc2" });
    assert.deepStrictEqual(noProfile.findings.map(brief), [
      "error unknown-machine config/startup_config.v3.yaml:1 machine_profiles has no pc2 profile; add machine_profiles.pc2.enabled_groups",
    ]);
    assert.deepStrictEqual(noProfile.config.agents, []);
  });

  it("gives the list-shaped pc2_services to pc2 only, and legacy agent_groups to mainpc only", () => {
    const files = {
      [V3]: "include: [main.yaml, pc2.yaml]\n",
      "main.yaml": "agent_groups:\n  core:\n    Hub: {script_path: m.py, port: 9000}\n",
      "pc2.yaml": "pc2_services:\n  - {name: Hub, script_path: p.py, host: 0.0.0.0, port: 9100}\n  - name: Memory\n    script_path: mem.py\n    port: 7140\n",
    };
    assert.deepStrictEqual(load(files).config.agents.map((a) => [a.name, a.scriptPath, a.group]), [["Hub", "m.py", "core"]]);
    const pc2 = load(files, { machine: "pc2" }).config;
    assert.deepStrictEqual(pc2.agents.map((a) => [a.name, a.scriptPath, a.group, a.source.line]), [
      ["Hub", "p.py", "pc2_services", 2],
      ["Memory", "mem.py", "pc2_services", 3],
    ]);
  });

  it("drops disabled_agents", () => {
    const { config } = load({
      [V3]: "agent_groups:\n  g:\n    A: {script_path: a.py, port: 7000}\n    B: {script_path: b.py, port: 7100}\n",
      "config/overrides/mainpc.yaml": "disabled_agents: [B]\n",
    });
    assert.deepStrictEqual(config.agents.map((a) => a.name), ["A"]);
  });

  it("passes unknown keys through untouched", () => {
    const { config, findings } = load({
      [V3]: "custom_section: {deep: [1, 2]}\nagent_groups:\n  g:\n    A: {script_path: a.py, port: 7000, extra_flag: true, config: {x: {y: 1}}}\n",
    });
    assert.deepStrictEqual(findings, []);
    assert.deepStrictEqual((config.tree as Record<string, unknown>)["custom_section"], { deep: [1, 2] });
    assert.deepStrictEqual(config.agents[0]!.config, { x: { y: 1 } });
    assert.deepStrictEqual(config.locate(["custom_section", "deep"]), { file: V3, line: 1 });
  });

  it("reports invalid values at the line of the offending key, saying what to do", () => {
    const { config, findings } = load({
      [V3]: "agent_groups:\n  g:\n    A:\n      script_path: a.py\n      port: abc\n    B:\n      port: 70000\n    C: {script_path: c.py, port: 65534}\n",
    });
    assert.deepStrictEqual(config.agents, []);
    assert.deepStrictEqual(findings.map(brief), [
      'error invalid-value config/startup_config.v3.yaml:5 agent A: port is invalid (expected a number or a numeric string); set it to an integer from 1 to 65535, or "${PORT_OFFSET}+N"',
      "error invalid-value config/startup_config.v3.yaml:6 agent B: script_path is invalid (missing); set script_path to the agent's Python file relative to the config root",
      'error invalid-value config/startup_config.v3.yaml:7 agent B: port is invalid (expected number to be <=65535); set it to an integer from 1 to 65535, or "${PORT_OFFSET}+N"',
      "error invalid-value config/startup_config.v3.yaml:8 agent C: its HTTP health port would be 65536, above 65535; lower health_check_port",
    ]);
  });

  it("turns YAML syntax errors into findings with the line", () => {
    const { findings } = load({ [V3]: "agent_groups:\n  g:\n    A: {script_path: a.py, port: [7000\n" });
    assert.strictEqual(findings.length >= 1, true);
    assert.deepStrictEqual([findings[0]!.severity, findings[0]!.code, findings[0]!.file], ["error", "yaml-syntax", V3]);
    assert.match(findings[0]!.message, /^YAML syntax error: .+; fix the YAML at this line$/);
    assert.strictEqual(findings[0]!.line >= 3, true);
  });

  it("rejects the same agent twice on one machine", () => {
    const { config, findings } = load({
      [V3]: "agent_groups:\n  a:\n    Hub: {script_path: a.py, port: 7000}\n  b:\n    Hub: {script_path: b.py, port: 7100}\n",
    });
    assert.deepStrictEqual(config.agents.map((a) => a.scriptPath), ["a.py"]);
    assert.deepStrictEqual(findings.map(brief), [
      "error duplicate-agent config/startup_config.v3.yaml:5 Hub is defined twice for mainpc (groups a at config/startup_config.v3.yaml:3 and b); keep one definition or disable one group",
    ]);
  });
});
