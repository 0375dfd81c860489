import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { runMigrateCommand } from "../../src/cli/migrateCommand";
import { CommandResult } from "../../src/cli/commandLine";
import { EffectiveConfig } from "../../src/config/effectiveConfig";
import { loadEffectiveConfig } from "../../src/config/loadEffectiveConfig";
import { MACHINES } from "../../src/config/machine";
import { countKeptComments } from "../../src/migrate/commentLines";
import { migrateConfig } from "../../src/migrate/migrateConfig";
import { verifyMigration } from "../../src/migrate/verifyMigration";
import { INCLUDE_FIXTURE, removeConfigRoot, V3_FIXTURE, withConfigRoot, writeConfigRoot } from "../support/tempConfigRoot";

/** Every file under a directory with its bytes, to prove nothing was written there. */
function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.set(path.relative(dir, full), fs.readFileSync(full));
    }
  };
  walk(dir);
  return out;
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "ai-system-migrate-test-"));
}

/** What the brief says must not change: agents minus group and source, environment, settings. */
function effective(config: EffectiveConfig) {
  const tree = config.tree as Record<string, unknown>;
  const settings = Object.fromEntries(Object.entries(tree).filter(([k]) => !["agent_groups", "pc2_services", "machine_profiles", "include"].includes(k)));
  return {
    agents: config.agents.map(({ group: _group, source: _source, ...rest }) => rest),
    globalEnvironment: config.globalEnvironment,
    settings,
  };
}

describe("npm run migrate", () => {
  describe("on the real include fixture", () => {
    const out = path.join(tempDir(), "startup_config.v3.yaml");
    let sourcesBefore = new Map<string, Buffer>();
    let result: CommandResult = { exitCode: 2, stdout: "", stderr: "" };
    let migrated = "";
    before(() => {
      sourcesBefore = snapshot(INCLUDE_FIXTURE);
      result = runMigrateCommand(["--config-root", INCLUDE_FIXTURE, "--out", out], {});
      migrated = fs.readFileSync(out, "utf8");
    });
    after(() => fs.rmSync(path.dirname(out), { recursive: true, force: true }));

    it("writes one self-contained file and says what it did", () => {
      assert.strictEqual(result.stderr, "");
      assert.strictEqual(result.exitCode, 0);
      assert.deepStrictEqual(result.stdout.split("\n"), [
        `Wrote ${out} (774 lines) from config/startup_config.v3.yaml, main_pc_code/config/startup_config.yaml, pc2_code/config/startup_config.yaml.`,
        "  mainpc: 54 agents; enabled_groups: core_services, memory_system, utility_services, gpu_infrastructure, reasoning_services, vision_processing, learning_knowledge, language_processing, speech_services, audio_interface, emotion_system",
        "  pc2: 23 agents; enabled_groups: pc2_services",
        "Checked: both machines load the same agents, environment and settings from it as from the include layout.",
        "Comments: kept 65 of 69 comment lines of the files read.",
        "  Not carried over (written at the include: key, or at values a later file replaced):",
        "    # Placeholder v3 config automatically generated; currently forwards to legacy",
        "    # files to maintain backward compatibility.  The UnifiedConfigLoader will load",
        "    # this file first, then merge any machine-specific overrides found under",
        "    # config/overrides/.",
        `Next: review it, then make it the v3 file: mv ${out} ${path.join(INCLUDE_FIXTURE, "config/startup_config.v3.yaml")} (the old one stays in git).`,
        "",
      ]);
    });

    it("leaves every source file byte-identical", () => {
      assert.deepStrictEqual(snapshot(INCLUDE_FIXTURE), sourcesBefore);
    });

    it("has machine_profiles, no include, and pc2_services as a map-shaped group with values as written", () => {
      const doc = parse(migrated) as Record<string, unknown>;
      assert.deepStrictEqual(Object.keys(doc), ["version", "global_settings", "machine_profiles", "agent_groups", "health_checks", "pc2_network", "error_bus_port"]);
      assert.deepStrictEqual(doc["machine_profiles"], {
        mainpc: {
          enabled_groups: ["core_services", "memory_system", "utility_services", "gpu_infrastructure", "reasoning_services", "vision_processing", "learning_knowledge", "language_processing", "speech_services", "audio_interface", "emotion_system"],
        },
        pc2: { enabled_groups: ["pc2_services"] },
      });
      const groups = doc["agent_groups"] as Record<string, Record<string, Record<string, unknown>>>;
      assert.strictEqual(Object.keys(groups["pc2_services"]!).length, 23);
      assert.deepStrictEqual(groups["pc2_services"]!["TieredResponder"], {
        script_path: "pc2_code/agents/tiered_responder.py",
        host: "0.0.0.0",
        port: "${PORT_OFFSET}+7100",
        health_check_port: "${PORT_OFFSET}+8100",
        required: true,
        dependencies: ["ResourceManager"],
      });
      // ObservabilityHub twice, one per machine's group.
      assert.strictEqual(groups["core_services"]!["ObservabilityHub"]!["port"], "${PORT_OFFSET}+9000");
      assert.strictEqual(groups["pc2_services"]!["ObservabilityHub"]!["port"], "${PORT_OFFSET}+9100");
      assert.strictEqual(groups["core_services"]!["ServiceRegistry"]!["port"], "${PORT_OFFSET}+7200");
      // global_settings merged in include order: pc2's file wins where both set a value.
      assert.deepStrictEqual((doc["global_settings"] as Record<string, unknown>)["resource_limits"], { cpu_percent: 80, memory_mb: 4096, max_threads: 8 });
      assert.strictEqual(((doc["global_settings"] as Record<string, Record<string, unknown>>)["environment"]!)["ENABLE_METRICS"], "true");
    });

    it("keeps the comments on the nodes they describe", () => {
      const lines = migrated.split("\n");
      const at = (needle: string) => lines.indexOf(needle);
      // The commented-out command_args stays inside ServiceRegistry, before the next agent.
      assert.strictEqual(at("      # For HA deployment with Redis backend, uncomment and adjust:") + 2, at("    SystemDigitalTwin:"));
      assert.strictEqual(lines.filter((l) => l === "    # REPLACED BY ObservabilityHub - Consolidated monitoring solution").length, 3);
      assert.strictEqual(lines.filter((l) => l === "    # REPLACED BY ObservabilityHub - Consolidated monitoring solution  ").length, 1);
      // The commented-out HealthMonitor entry stays right before TaskScheduler.
      assert.strictEqual(at("    #     name: HealthMonitor,") + 8, at("    TaskScheduler:"));
      assert.deepStrictEqual(
        lines.filter((l) => l.includes("# Updated to use consolidated monitoring")),
        Array(3).fill("      dependencies: [ObservabilityHub] # Updated to use consolidated monitoring"),
      );
      assert.ok(lines.includes("      dependencies: [] # Core monitoring service, no dependencies"));
      assert.strictEqual(at("    # Phase 1 - Integration Layer Agents") + 1, at("    MemoryOrchestratorService:"));
      assert.strictEqual(at("        # MAINPC_OBS_HUB so deployments can override without editing this file.") + 1, at('        mainpc_hub_endpoint: "${MAINPC_OBS_HUB}"'));
      const sources = ["config/startup_config.v3.yaml", "main_pc_code/config/startup_config.yaml", "pc2_code/config/startup_config.yaml"].map((f) => fs.readFileSync(path.join(INCLUDE_FIXTURE, f), "utf8"));
      const count = countKeptComments(sources, migrated);
      assert.deepStrictEqual([count.total, count.kept], [69, 65]);
    });

    it("gives both machines the same effective configuration as the include layout, with and without the docker override", () => {
      const root = writeConfigRoot({
        "config/startup_config.v3.yaml": migrated,
        ...Object.fromEntries(
          ["config/overrides/mainpc.yaml", "config/overrides/pc2.yaml", "config/overrides/docker.yaml"].map((f) => [f, fs.readFileSync(path.join(INCLUDE_FIXTURE, f), "utf8")]),
        ),
      });
      try {
        for (const machine of MACHINES) {
          for (const override of [null, "docker"]) {
            const original = loadEffectiveConfig({ configRoot: INCLUDE_FIXTURE, machine, env: {}, override });
            const copy = loadEffectiveConfig({ configRoot: root, machine, env: {}, override });
            assert.strictEqual(copy.config.agents.length, machine === "mainpc" ? 54 : 23);
            assert.deepStrictEqual(effective(copy.config), effective(original.config), `${machine} ${override}`);
            assert.deepStrictEqual(copy.config.files, ["config/startup_config.v3.yaml", `config/overrides/${machine}.yaml`, ...(override ? ["config/overrides/docker.yaml"] : [])]);
          }
        }
      } finally {
        removeConfigRoot(root);
      }
    });

    it("refuses to overwrite the output unless --force, and never a source file", () => {
      const again = runMigrateCommand(["--config-root", INCLUDE_FIXTURE, "--out", out], {});
      assert.deepStrictEqual(again, { exitCode: 1, stdout: "", stderr: `refusing to overwrite ${out}: it exists; pass --force to replace it, or choose another --out\n` });
      fs.writeFileSync(out, "changed");
      assert.strictEqual(runMigrateCommand(["--config-root", INCLUDE_FIXTURE, "--out", out, "--force"], {}).exitCode, 0);
      assert.strictEqual(fs.readFileSync(out, "utf8"), migrated);
      for (const source of ["config/startup_config.v3.yaml", "pc2_code/config/startup_config.yaml", "config/overrides/docker.yaml"]) {
        const target = path.join(INCLUDE_FIXTURE, source);
        const refused = runMigrateCommand(["--config-root", INCLUDE_FIXTURE, "--out", target, "--force"], {});
        assert.deepStrictEqual(refused, { exitCode: 1, stdout: "", stderr: `refusing to write ${target}: it is one of the files the migration reads; choose another --out\n` });
      }
      assert.deepStrictEqual(snapshot(INCLUDE_FIXTURE), sourcesBefore);
    });
  });

  it("says there is nothing to migrate for a self-contained v3 file and writes nothing", () => {
    const sourcesBefore = snapshot(V3_FIXTURE);
    const result = runMigrateCommand(["--config-root", V3_FIXTURE], {});
    assert.deepStrictEqual(result, {
      exitCode: 0,
      stdout: "config/startup_config.v3.yaml is already self-contained: it includes no other file and has no pc2_services list; nothing to migrate\n",
      stderr: "",
    });
    assert.deepStrictEqual(snapshot(V3_FIXTURE), sourcesBefore);
  });

  describe("on small include layouts", () => {
    const layout = (extra: Record<string, string> = {}) => ({
      "config/startup_config.v3.yaml": "# header\nversion: 3.0\ninclude:\n  - a.yaml\n  - b.yaml\n",
      "a.yaml": "global_settings:\n  environment: {X: '1', Y: '2'}\nagent_groups:\n  core:\n    Alpha: {script_path: a.py, port: 5000}\n",
      "b.yaml": [
        "global_settings:",
        "  environment: {Y: '3'}",
        "pc2_services:",
        "  - {name: Beta, script_path: b.py, port: \"${PORT_OFFSET}+6000\", # the beta agent",
        "     dependencies: [Gamma]}",
        "  - name: Gamma",
        "    script_path: g.py",
        "    port: 6010",
        "",
      ].join("\n"),
      ...extra,
    });

    it("writes next to the v3 file by default, merged and converted, once it loads the same", () => {
      withConfigRoot(layout(), (root) => {
        const result = runMigrateCommand(["--config-root", root], {});
        assert.strictEqual(result.exitCode, 0, result.stderr);
        const text = fs.readFileSync(path.join(root, "config/startup_config.v3.merged.yaml"), "utf8");
        assert.strictEqual(
          text,
          [
            "# Migrated by `npm run migrate` from config/startup_config.v3.yaml and the files it included:",
            "#   a.yaml",
            "#   b.yaml",
            "# Those files are unchanged. Settings are merged in include order as the loader merges them, the",
            "# pc2_services list is the map-shaped agent group pc2_services, and machine_profiles says which",
            "# agent groups each machine runs.",
            "",
            // Written right above `version`, so the parser gives the comment to that key and it stays there.
            "# header",
            "version: 3.0",
            "global_settings:",
            "  environment: {X: '1', Y: '3'}",
            "",
            "# Which agent groups each machine runs (added by the migration: mainpc runs what the",
            "# include layout gave it, every agent group; pc2 runs the converted pc2_services list).",
            "machine_profiles:",
            "  mainpc:",
            "    enabled_groups:",
            "      - core",
            "  pc2:",
            "    enabled_groups:",
            "      - pc2_services",
            "",
            "agent_groups:",
            "  core:",
            "    Alpha: {script_path: a.py, port: 5000}",
            "",
            "  # Converted from the pc2_services list of b.yaml:",
            "  # one entry per agent, values as written.",
            "  pc2_services:",
            "    Beta:",
            "      script_path: b.py",
            '      port: "${PORT_OFFSET}+6000" # the beta agent',
            "      dependencies: [Gamma]",
            "    Gamma:",
            "      script_path: g.py",
            "      port: 6010",
            "",
          ].join("\n"),
        );
      });
    });

    it("checks the result against the original and names every difference", () => {
      withConfigRoot(layout(), (root) => {
        const result = migrateConfig(root);
        assert.strictEqual(result.kind, "migrated");
        const text = result.kind === "migrated" ? result.text : "";
        assert.deepStrictEqual(verifyMigration(root, text, {}), []);
        const changed = text.replace("port: 6010", "port: 6011").replace("Y: '3'", "Y: '4'");
        assert.deepStrictEqual(verifyMigration(root, changed, {}), [
          'mainpc (override none): globalEnvironment.Y: "3" became "4"',
          'mainpc (override none): settings.global_settings.environment.Y: "3" became "4"',
          'pc2 (override none): globalEnvironment.Y: "3" became "4"',
          'pc2 (override none): settings.global_settings.environment.Y: "3" became "4"',
          "pc2 (override none): agents.Gamma.port: 6010 became 6011",
          // Both health ports follow port when health_check_port is not written.
          "pc2 (override none): agents.Gamma.healthCheckPort: 6011 became 6012",
          "pc2 (override none): agents.Gamma.httpHealthPort: 6012 became 6013",
        ]);
      });
    });

    it("refuses list items without a name, duplicate names and aliases, writing nothing", () => {
      const cases: [Record<string, string>, string][] = [
        [{ "b.yaml": "pc2_services:\n  - {script_path: b.py, port: 1}\n" }, "  b.yaml:2: this pc2_services item has no name; give it name: AgentName, then migrate again"],
        [{ "b.yaml": "pc2_services:\n  - {name: B, script_path: b.py, port: 1}\n  - {name: B, script_path: c.py, port: 2}\n" }, "  b.yaml:3: pc2_services lists B twice (the loader keeps the first); remove one, then migrate again"],
        [{ "b.yaml": "x: &base {a: 1}\ny: *base\n" }, "  b.yaml uses YAML anchors and aliases (&name, *name), which cannot be carried into another file; expand them, then migrate again"],
        [{ "config/startup_config.v3.yaml": "include: [a.yaml, missing.yaml]\n" }, "  ERROR [missing-file] config/startup_config.v3.yaml:1: included file missing.yaml does not exist under ROOT; create it or fix the path"],
      ];
      for (const [files, problem] of cases) {
        withConfigRoot(layout(files), (root) => {
          const result = runMigrateCommand(["--config-root", root], {});
          assert.deepStrictEqual(result, { exitCode: 1, stdout: "", stderr: `cannot migrate ${root}; nothing written:\n${problem.replace("ROOT", root)}\n` });
          assert.strictEqual(fs.existsSync(path.join(root, "config/startup_config.v3.merged.yaml")), false);
        });
      }
    });

    it("refuses a layout whose agent groups already have a group named pc2_services", () => {
      withConfigRoot(layout({ "a.yaml": "agent_groups:\n  pc2_services:\n    Alpha: {script_path: a.py, port: 5000}\n" }), (root) => {
        assert.strictEqual(
          runMigrateCommand(["--config-root", root], {}).stderr,
          `cannot migrate ${root}; nothing written:\n  agent_groups already has a group named pc2_services, the name the converted list needs; rename that group, then migrate again\n`,
        );
      });
    });
  });

  it("exits 2 with usage on wrong arguments", () => {
    for (const argv of [[], ["--out", "x.yaml"], ["--config-root"], ["--bogus"]]) {
      const result = runMigrateCommand(argv, {});
      assert.strictEqual(result.exitCode, 2, argv.join(" "));
      assert.match(result.stderr, /\nusage: ai-system migrate --config-root DIR \[--out FILE\] \[--force\]\n/);
    }
  });
});
