/**
 * Hostile agent names and environment keys (the security review's attacks): each is refused
 * with one exact finding at its line, and none reaches an alias, a host entry, an environment
 * name, a label, a file name, a Mermaid chart or the terminal output.
 */
import * as assert from "assert";
import { agentEnvName, agentNameProblem } from "../../src/config/agentName";
import { runPlanCommand } from "../../src/cli/planCommand";
import { runReportCommand } from "../../src/cli/reportCommand";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { renderLabels, renderMachine } from "../../src/render";
import { sampleConfigFiles, sampleSettings } from "../support/samplePlan";
import { withConfigRoot } from "../support/tempConfigRoot";

const V3 = "config/startup_config.v3.yaml";

/** [name as YAML, the name, the expected problem]. */
const HOSTILE: readonly [string, string, string][] = [
  ['"Evil/Agent"', "Evil/Agent", 'agent name "Evil/Agent" must be ASCII letters, digits and _ with a letter first (it becomes a network alias, host entry and environment variable name); rename it'],
  ['"Evil:Agent"', "Evil:Agent", 'agent name "Evil:Agent" must be ASCII letters, digits and _ with a letter first (it becomes a network alias, host entry and environment variable name); rename it'],
  ['"Evil Agent"', "Evil Agent", 'agent name "Evil Agent" must be ASCII letters, digits and _ with a letter first (it becomes a network alias, host entry and environment variable name); rename it'],
  ['"Evil\\"Quote"', 'Evil"Quote', 'agent name "Evil\\"Quote" must be ASCII letters, digits and _ with a letter first (it becomes a network alias, host entry and environment variable name); rename it'],
  ['"Evil\\nAgent 10.0.0.1"', "Evil\nAgent 10.0.0.1", 'agent name "Evil\\nAgent 10.0.0.1" must be ASCII letters, digits and _ with a letter first (it becomes a network alias, host entry and environment variable name); rename it'],
  ['"Evil,Agent"', "Evil,Agent", 'agent name "Evil,Agent" must be ASCII letters, digits and _ with a letter first (it becomes a network alias, host entry and environment variable name); rename it'],
  ['"Evil\\e[31mAgent"', "Evil\u001b[31mAgent", 'agent name "Evil\\u001b[31mAgent" must be ASCII letters, digits and _ with a letter first (it becomes a network alias, host entry and environment variable name); rename it'],
  ['"Еvil"', "Еvil", 'agent name "Еvil" must be ASCII letters, digits and _ with a letter first (it becomes a network alias, host entry and environment variable name); rename it'],
  ['"1Agent"', "1Agent", 'agent name "1Agent" must be ASCII letters, digits and _ with a letter first (it becomes a network alias, host entry and environment variable name); rename it'],
  [`A${"x".repeat(299)}`, `A${"x".repeat(299)}`, `agent name "A${"x".repeat(79)}..." is 300 characters, over 63 (a DNS label); shorten it`],
  ["Redis", "Redis", 'agent name "Redis" takes a name the program uses for its own containers or aliases (redis); rename it'],
  ["NATS", "NATS", 'agent name "NATS" takes a name the program uses for its own containers or aliases (nats); rename it'],
  ["ai_system_nats", "ai_system_nats", 'agent name "ai_system_nats" takes a name the program uses for its own containers or aliases (ai_system_nats); rename it'],
  ["ErrorBus", "ErrorBus", 'agent name "ErrorBus" would set ERROR_BUS_PORT, which the program sets for every container; rename it'],
];

const config = (names: readonly string[]) =>
  [
    "global_settings:",
    "  environment:",
    '    "A=B": x',
    '    "SPACE KEY": y',
    '    "": z',
    "    GOOD_KEY: ok",
    "machine_profiles:",
    "  mainpc:",
    "    enabled_groups: [g]",
    "  pc2:",
    "    enabled_groups: [p]",
    "agent_groups:",
    "  g:",
    "    GoodAgent: {script_path: a.py, port: 7000}",
    ...names.map((n, i) => `    ${n}: {script_path: b${i}.py, port: ${7010 + i * 10}}`),
    "  p:",
    "    goodagent: {script_path: c.py, port: 7500}",
    "docker_groups:",
    "  mainpc:",
    "    core: {agents: [GoodAgent], gpu: null, cpus: 1, memory_mb: 512, shm_mb: 64}",
    "  pc2:",
    "    other: {agents: [goodagent], gpu: null, cpus: 1, memory_mb: 512, shm_mb: 64}",
    "",
  ].join("\n");

describe("security/hostile agent names and environment keys", function () {
  this.timeout(30_000);

  it("names each problem exactly", () => {
    for (const [, name, problem] of HOSTILE) assert.strictEqual(agentNameProblem(name), problem, JSON.stringify(name));
    for (const good of ["NLUAgent", "VRAMOptimizerAgent", "Agent_2", "ServiceRegistry"]) assert.strictEqual(agentNameProblem(good), null, good);
  });

  it("refuses them at their line, with the environment keys and a case-only collision across the machines", () => {
    withConfigRoot({ [V3]: config(HOSTILE.map(([yaml]) => yaml)) }, (root) => {
      const plan = buildDeploymentPlan({ configRoot: root, machine: "mainpc", env: {}, override: "none" });
      const errors = plan.findings.filter((f) => f.severity === "error").map((f) => `${f.code} ${f.line} ${f.message}`);
      assert.deepStrictEqual(errors.sort(), [
        'invalid-value 3 environment variable name "A=B" must be ASCII letters, digits and _ with a letter or _ first; rename it',
        'invalid-value 4 environment variable name "SPACE KEY" must be ASCII letters, digits and _ with a letter or _ first; rename it',
        'invalid-value 5 environment variable name "" must be ASCII letters, digits and _ with a letter or _ first; rename it',
        ...HOSTILE.map(([, , problem], i) => `invalid-value ${15 + i} ${problem}`),
        "duplicate-agent 14 agent GoodAgent on mainpc has the same alias as goodagent on the other machine (aliases ignore case); rename one",
      ].sort());
      assert.deepStrictEqual(plan.agents.map((a) => a.name), ["GoodAgent"]);
      assert.deepStrictEqual(plan.config.globalEnvironment, { GOOD_KEY: "ok" });
    });
  });

  it("lets no hostile name reach an alias, host entry, environment name, label, file name, Mermaid chart or the terminal", () => {
    withConfigRoot({ [V3]: config(HOSTILE.map(([yaml]) => yaml)) }, (root) => {
      const plan = buildDeploymentPlan({ configRoot: root, machine: "mainpc", env: {}, override: "none" });
      // Rendered as far as the renderers go, errors notwithstanding (a deploy would stop earlier).
      const outcome = renderMachine({ ...plan, findings: [] }, sampleSettings(), sampleConfigFiles());
      if (!outcome.ok) throw new Error(outcome.findings.map((f) => f.message).join("\n"));
      const spec = outcome.spec;
      const rendered = JSON.stringify(spec);
      const planOut = runPlanCommand(["--machine", "mainpc", "--config-root", root, "--override", "none"], {});
      const planJson = runPlanCommand(["--machine", "mainpc", "--config-root", root, "--override", "none", "--json"], {});
      const report = runReportCommand(["--config-root", root, "--override", "none"], {});
      for (const [, name] of HOSTILE) {
        const lower = name.toLowerCase();
        for (const group of spec.groups) {
          assert.ok(!group.aliases.some((a) => a.includes(lower)), `alias ${name}`);
          assert.ok(!group.hosts.some((h) => h.host.includes(lower)), `host entry ${name}`);
          assert.ok(!group.env.some((e) => e.name === `${agentEnvName(name)}_HEALTH_PORT`), `env name ${name}`);
          assert.strictEqual(group.env.find((e) => e.name === "REDIS_PORT")?.value, "6379");
          assert.ok(!renderLabels(group).some((l) => l.value.includes(name)), `label ${name}`);
        }
        assert.ok(!rendered.includes(JSON.stringify(name).slice(1, -1)) || name === "Redis" || name === "NATS", `spec ${name}`);
        // The terminal and the report show a hostile name only JSON-quoted inside its finding.
        for (const text of [planOut.stdout, planOut.stderr, report.stdout, report.stderr]) {
          assert.ok(!text.includes("\u001b"), "no terminal escape reaches the output");
          if (/^[A-Za-z0-9_]+$/.test(name)) continue;
          assert.ok(!text.split(JSON.stringify(name)).join("").includes(name), `raw ${JSON.stringify(name)} in output`);
        }
        const charts = [...report.stdout.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
        assert.ok(charts.length > 0 && charts.every((c) => !c.includes(name) && !c.includes("Evil")), "no hostile name in a Mermaid chart");
      }
      assert.strictEqual(planJson.exitCode, 1);
    });
  });
});
