import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CommandResult } from "../../src/cli/commandLine";
import { runReportCommand } from "../../src/cli/reportCommand";
import { prometheusTargets, targetsJson } from "../../src/monitoring/prometheusTargets";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { INCLUDE_FIXTURE, PROJECT_ROOT } from "../support/tempConfigRoot";
import { mermaidBlocks, mermaidProblems, tableProblems } from "./markdownChecks";

/** The lines of a Markdown text from a line equal to `heading` up to the next blank line after the block that follows. */
function blockAfter(markdown: string, heading: string): string[] {
  const lines = markdown.split("\n");
  const start = lines.indexOf(heading);
  assert.ok(start >= 0, `no line ${heading}`);
  const end = lines.indexOf("", start + 2);
  return lines.slice(start + 2, end);
}

describe("npm run report", () => {
  let defaultReport: CommandResult = { exitCode: 2, stdout: "", stderr: "" };
  let report = "";
  before(() => {
    defaultReport = runReportCommand([], {});
    report = defaultReport.stdout;
  });

  it("prints one Markdown document with every section, in order, for the default configuration", () => {
    assert.strictEqual(defaultReport.exitCode, 0);
    assert.strictEqual(defaultReport.stderr, "Prometheus targets not written: give --out FILE to write monitoring/<machine>.targets.json beside the report.\n");
    assert.strictEqual(report.split("\n")[0], "# Deployment Action Plan");
    assert.deepStrictEqual(
      report.split("\n").filter((l) => l.startsWith("## ")),
      ["Summary", "Inputs", "Agent inventory", "Containers and agents", "GPU allocation", "Startup order", "Cross-host communication", "Health checks", "Monitoring", "Rollback", "Migration steps", "Open findings"].map((s) => `## ${s}`),
    );
  });

  it("states its inputs without absolute paths", () => {
    assert.deepStrictEqual(blockAfter(report, "## Inputs"), [
      "| Input | Value |",
      "| --- | --- |",
      "| Config root | `.` (this project's own configuration) |",
      "| CONFIG_OVERRIDE | `docker` |",
      "| PORT_OFFSET | `0` |",
      "| Files read for mainpc | `config/startup_config.v3.yaml`, `config/overrides/mainpc.yaml`, `config/overrides/docker.yaml` |",
      "| Files read for pc2 | `config/startup_config.v3.yaml`, `config/overrides/pc2.yaml`, `config/overrides/docker.yaml` |",
    ]);
    assert.doesNotMatch(report, new RegExp(PROJECT_ROOT.replace(/[/\\]/g, "\\$&")));
  });

  it("counts agents per host and in total", () => {
    assert.deepStrictEqual(blockAfter(report, "## Summary"), [
      "| Host | Agents | Containers | Startup waves | VRAM allocated (MiB) | Errors | Warnings | Notes |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      "| mainpc | 54 | 8 | 4 | 22528 of 24576 | 0 | 0 | 0 |",
      "| pc2 | 23 | 4 | 2 | 10240 of 12288 | 0 | 0 | 0 |",
      "| **Total** | **77** | **12** |   |   | **0** | **0** | **0** |",
    ]);
    assert.ok(report.includes("\nAgents that run on both hosts, once on each (counted twice above): ObservabilityHub.\n"));
  });

  it("maps each agent to its container with ports", () => {
    const lines = report.split("\n");
    assert.ok(lines.includes("| 2 | `model-manager-gpu` | `ai-system/agent-runtime:latest` | 4 | 16384 | 2048 | 9216 MiB on device `0` | 2 |"));
    assert.ok(lines.includes("| ServiceRegistry | `core-platform` | `core_services` | 7200 | 8200 | 8201 | yes | - |"));
    const agentRows = lines.filter((l) => /^\| [A-Za-z]+ \| `[a-z-]+` \| `[a-z0-9_]+` \| \d+ \| \d+ \| \d+ \| (yes|no) \|/.test(l));
    assert.strictEqual(agentRows.length, 77);
  });

  it("allocates the GPUs as the default configuration says, with shares, headroom and capacity", () => {
    assert.deepStrictEqual(blockAfter(report, "### mainpc: 22528 of 24576 MiB allocated"), [
      "| Container | Devices | VRAM (MiB) | Share of capacity |",
      "| --- | --- | ---: | ---: |",
      "| `model-manager-gpu` | `0` | 9216 | 37.5% |",
      "| `audio-emotion` | `0` | 3072 | 12.5% |",
      "| `reasoning-gpu` | `0` | 2048 | 8.3% |",
      "| `utility-gpu` | `0` | 4096 | 16.7% |",
      "| `vision-gpu` | `0` | 2048 | 8.3% |",
      "| `language-stack-gpu` | `0` | 2048 | 8.3% |",
      "| **Total allocated** |   | **22528** | **91.7%** |",
      "| Headroom (kept free for driver, display, CUDA contexts) |   | 1536 | 6.3% |",
      "| Unallocated |   | 512 | 2.1% |",
      "| **Capacity** |   | **24576** | **100.0%** |",
    ]);
    assert.deepStrictEqual(blockAfter(report, "### pc2: 10240 of 12288 MiB allocated"), [
      "| Container | Devices | VRAM (MiB) | Share of capacity |",
      "| --- | --- | ---: | ---: |",
      "| `memory-reasoning-gpu` | `0` | 4096 | 33.3% |",
      "| `vision-dream-gpu` | `0` | 6144 | 50.0% |",
      "| **Total allocated** |   | **10240** | **83.3%** |",
      "| Headroom (kept free for driver, display, CUDA contexts) |   | 1536 | 12.5% |",
      "| Unallocated |   | 512 | 4.2% |",
      "| **Capacity** |   | **12288** | **100.0%** |",
    ]);
    assert.ok(report.includes("\nWithin budget: the GPU containers ask for 22528 MiB; at most 23040 MiB (24576 MiB capacity - 1536 MiB headroom) may be allocated.\n"));
  });

  it("lists the startup waves", () => {
    assert.deepStrictEqual(blockAfter(report, "### mainpc: 4 waves"), [
      "| Wave | Containers | Waits for |",
      "| ---: | --- | --- |",
      "| 1 | `core-platform` | NATS and Redis only |",
      "| 2 | `memory-stack`, `model-manager-gpu` | `core-platform` |",
      "| 3 | `audio-emotion`, `reasoning-gpu`, `utility-gpu`, `vision-gpu` | `core-platform`, `memory-stack`, `model-manager-gpu` |",
      "| 4 | `language-stack-gpu` | `audio-emotion`, `core-platform`, `memory-stack`, `model-manager-gpu`, `utility-gpu`, `vision-gpu` |",
    ]);
    assert.deepStrictEqual(blockAfter(report, "### pc2: 2 waves"), [
      "| Wave | Containers | Waits for |",
      "| ---: | --- | --- |",
      "| 1 | `infra-core-cpu` | NATS and Redis only |",
      "| 2 | `memory-reasoning-gpu`, `tutor-suite-cpu`, `vision-dream-gpu` | `infra-core-cpu` |",
    ]);
  });

  it("draws each host's startup order as a valid Mermaid flowchart, edges from dependency to dependent", () => {
    const charts = mermaidBlocks(report);
    assert.strictEqual(charts.length, 2);
    for (const chart of charts) assert.deepStrictEqual(mermaidProblems(chart), []);
    assert.deepStrictEqual(charts[1]!.split("\n"), [
      "graph TD",
      '  subgraph wave_1["Wave 1"]',
      '    infra_core_cpu["infra-core-cpu<br/>15 agents"]',
      "  end",
      '  subgraph wave_2["Wave 2"]',
      '    memory_reasoning_gpu["memory-reasoning-gpu<br/>1 agent, 4096 MiB GPU"]',
      '    tutor_suite_cpu["tutor-suite-cpu<br/>4 agents"]',
      '    vision_dream_gpu["vision-dream-gpu<br/>3 agents, 6144 MiB GPU"]',
      "  end",
      "  infra_core_cpu --> memory_reasoning_gpu",
      "  infra_core_cpu --> tutor_suite_cpu",
      "  infra_core_cpu --> vision_dream_gpu",
    ]);
    // 17 container dependencies on mainpc, one edge each.
    assert.strictEqual(charts[0]!.split("\n").filter((l) => l.includes(" --> ")).length, 17);
  });

  it("writes only well-formed GitHub tables", () => {
    assert.deepStrictEqual(tableProblems(report), []);
  });

  it("describes cross-host ports, names and rollback with the real commands", () => {
    const lines = report.split("\n");
    for (const line of [
      "| mainpc | NATS client | 4222 | `nats:4222` | agents of mainpc |",
      "| mainpc | NATS leaf node | 7422 | mainpc's LAN address | pc2's NATS server, which dials it |",
      "| pc2 | Redis | 6379 | `redis:6379` | agents of pc2 (`REDIS_URL=redis://redis:6379/0`) |",
      // Published only when the other host's agents depend on it or `publish` asks: none by default.
      "| `core-platform` | none |",
      "| ServiceRegistry | `core-platform` | `mainpc-serviceregistry`, `serviceregistry` | `mainpc-serviceregistry`, `serviceregistry` | 7200, 8200 |",
      // pc2 runs its own ObservabilityHub, so mainpc's is reached from pc2 only by its machine-qualified name.
      "| ObservabilityHub | `core-platform` | `mainpc-observabilityhub`, `observabilityhub` | `mainpc-observabilityhub` | 9000, 9001 |",
      "| 1 | `core-platform` | `ObservabilityHub`, `PredictiveHealthMonitor`, `RequestCoordinator`, `ServiceRegistry`, `SystemDigitalTwin` | `audio-emotion`, `language-stack-gpu`, `memory-stack`, `model-manager-gpu`, `reasoning-gpu`, `utility-gpu`, `vision-gpu` |",
      "   pulumi destroy --stack pc2",
      "   pulumi stack history --stack mainpc",
      "   pulumi stack export --stack mainpc --file mainpc-state-before.json",
      "   pulumi stack import --stack <host> --file <host>-state-before.json",
      "   git checkout <rev> -- config/",
      "   pulumi up --stack mainpc && pulumi up --stack pc2",
    ]) {
      assert.ok(lines.includes(line), line);
    }
  });

  it("is byte-identical on every run, and --out writes the same text plus each host's Prometheus targets", () => {
    assert.strictEqual(runReportCommand([], {}).stdout, report);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ai-system-report-"));
    try {
      const out = path.join(dir, "docs", "plan.md");
      const result = runReportCommand(["--out", out], {});
      assert.deepStrictEqual(result, {
        exitCode: 0,
        stdout: `Wrote ${out}\nWrote ${path.join(dir, "docs", "monitoring", "mainpc.targets.json")} and ${path.join(dir, "docs", "monitoring", "pc2.targets.json")} (Prometheus targets: mainpc 54, pc2 23)\n`,
        stderr: "",
      });
      assert.strictEqual(fs.readFileSync(out, "utf8"), report);
      for (const machine of ["mainpc", "pc2"] as const) {
        const plan = buildDeploymentPlan({ configRoot: PROJECT_ROOT, machine, env: {}, override: "docker" });
        assert.strictEqual(fs.readFileSync(path.join(dir, "docs", "monitoring", `${machine}.targets.json`), "utf8"), targetsJson(prometheusTargets(plan)));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("on the real include fixture", () => {
    let result: CommandResult = { exitCode: 2, stdout: "", stderr: "" };
    before(() => {
      result = runReportCommand(["--config-root", INCLUDE_FIXTURE], {});
    });

    it("exits 1 and lists every open finding of both hosts with file and line", () => {
      assert.strictEqual(result.exitCode, 1);
      const lines = result.stdout.split("\n");
      // ${PYTHONPATH} resolves from the stack settings (/app, as in the containers).
      assert.ok(lines.includes("### mainpc: 21 errors, 3 warnings, 0 notes"));
      assert.ok(lines.includes("### pc2: 10 errors, 3 warnings, 0 notes"));
      assert.strictEqual(lines.filter((l) => l.startsWith("- `ERROR [port-clash] ")).length, 31);
      assert.ok(
        lines.includes(
          "- `ERROR [port-clash] pc2_code/config/startup_config.yaml:31: port 8101 is bound 2 times in pc2 (one network namespace: no docker_groups planned): AsyncProcessor's health_check_port, TieredResponder's HTTP health port; give TieredResponder a free port (each agent binds port, health_check_port and health_check_port + 1)`",
        ),
      );
      assert.ok(lines.includes("- `WARNING [undefined-variable] pc2_code/config/startup_config.yaml:283: ${MAINPC_OBS_HUB} is not set and has no default; it becomes an empty string. Set MAINPC_OBS_HUB or write ${MAINPC_OBS_HUB:-default}`"));
    });

    it("compares against the legacy files and points to the migration", () => {
      const lines = result.stdout.split("\n");
      assert.ok(lines.includes("| mainpc | 54 | `main_pc_code/config/startup_config.yaml` | 54 | none | none |"));
      assert.ok(lines.includes("| pc2 | 23 | `pc2_code/config/startup_config.yaml` | 23 | none | none |"));
      assert.ok(lines.includes("| Config root | `../shared/fixtures/voice-assistant-prod/2025-07-26-include` (relative to this project) |"));
      // The legacy files are configuration too: a rollback checks them out with config/.
      assert.ok(lines.includes("   git -C ../shared/fixtures/voice-assistant-prod/2025-07-26-include checkout <rev> -- config/ main_pc_code/config/startup_config.yaml pc2_code/config/startup_config.yaml"));
      assert.ok(lines.some((l) => l.startsWith("1. Make the v3 file self-contained: `npm run migrate -- --config-root ../shared/fixtures/voice-assistant-prod/2025-07-26-include` writes")));
      assert.deepStrictEqual(mermaidBlocks(result.stdout), []);
      assert.ok(lines.includes("No container plan for mainpc, so no startup order (add `docker_groups.mainpc`)."));
      assert.deepStrictEqual(tableProblems(result.stdout), []);
    });
  });

  it("refuses to write over a configuration file, and exits 2 on wrong arguments", () => {
    const config = path.join(PROJECT_ROOT, "config", "startup_config.v3.yaml");
    const before = fs.readFileSync(config);
    const refused = runReportCommand(["--out", config], {});
    assert.strictEqual(refused.exitCode, 2);
    assert.strictEqual(refused.stderr.split("\n")[0], `refusing to write ${config}: it is a configuration file the report reads; choose another --out`);
    assert.deepStrictEqual(fs.readFileSync(config), before);
    for (const argv of [["--out"], ["--bogus"], ["--config-root"]]) {
      const result = runReportCommand(argv, {});
      assert.strictEqual(result.exitCode, 2, argv.join(" "));
      assert.match(result.stderr, /\nusage: ai-system report /);
    }
  });
});
