/**
 * Benchmark (not a timed test: it prints medians). `npm run bench`.
 *
 * For each config and machine: the median over BENCH_RUNS (default 20) runs, after
 * BENCH_WARMUP (default 3) warm-up runs, of buildDeploymentPlan with CONFIG_OVERRIDE=docker,
 * which loads and validates both machines' configs and plans the containers (what `npm run
 * plan` does), and of loadEffectiveConfig alone (one machine) for comparison.
 *
 * Configs: the project's default config (config root = the repo root) and generated configs of
 * 1,000, 2,500 and 5,000 agents (bench/generateConfig.ts, written to a temporary directory).
 * Every plan must have waves === longestPath; a mismatch is printed loudly and the exit code is 1.
 *
 * Environment: BENCH_RUNS, BENCH_WARMUP, BENCH_SIZES (e.g. "1000,5000").
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { V3_FILE } from "../src/config/configFiles";
import { Machine, MACHINES } from "../src/config/machine";
import { loadEffectiveConfig } from "../src/config/loadEffectiveConfig";
import { forgetRecentParses } from "../src/config/yamlTree";
import { buildDeploymentPlan } from "../src/plan/buildDeploymentPlan";
import { DeploymentPlan } from "../src/plan/deploymentPlan";
import { BenchContext, BenchExtension, BenchRow } from "./benchTypes";
import { bothStacksUnderMocks, yamlParseFloor } from "./extraBenchmarks";
import { removeGeneratedConfig, writeGeneratedConfig } from "./generateConfig";
import { wholeProcessPlan } from "./processBench";

export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** More benchmarks, run after the built-in ones and printed in the same table. */
export const benchExtensions: BenchExtension[] = [wholeProcessPlan, yamlParseFloor, bothStacksUnderMocks];

const TARGET_DEFAULT_MS = 20;
const TARGET_5000_MS = 500;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function makeContext(runs: number, warmup: number): BenchContext {
  return {
    projectRoot: PROJECT_ROOT,
    runs,
    warmup,
    measure: async <T>(body: () => T | Promise<T>) => {
      let last: T | undefined;
      for (let i = 0; i < warmup; i++) last = await body();
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = process.hrtime.bigint();
        last = await body();
        samples.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      return { medianMs: median(samples), samples, last: last as T };
    },
  };
}

interface PlanCheck {
  readonly label: string;
  readonly waves: number;
  readonly longestPath: number;
  readonly containers: number;
  readonly errors: number;
  readonly warnings: number;
}

const waveMismatches: string[] = [];
const planChecks: PlanCheck[] = [];

function checkPlan(label: string, plan: DeploymentPlan): void {
  if (plan.waves !== plan.longestPath) {
    const message = `${label}: waves ${plan.waves} != longestPath ${plan.longestPath}`;
    if (!waveMismatches.includes(message)) waveMismatches.push(message);
  }
}

/** Plans (and loads) one machine of one config root; every measured plan is checked. */
async function benchRoot(ctx: BenchContext, configRoot: string, config: string, totalAgents: number, targetMs: number | null): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const machine of MACHINES) {
    const label = `${config} ${machine}`;
    // Each run parses its files, as a fresh process does (the recent-parse cache would hide it).
    const plan = await ctx.measure(() => {
      forgetRecentParses();
      const p = buildDeploymentPlan({ configRoot, machine, env: {}, override: "docker" });
      checkPlan(label, p);
      return p;
    });
    const load = await ctx.measure(() => {
      forgetRecentParses();
      return loadEffectiveConfig({ configRoot, machine, env: {}, override: "docker" });
    });
    const p = plan.last;
    planChecks.push({
      label,
      waves: p.waves,
      longestPath: p.longestPath,
      containers: p.containers.length,
      errors: p.findings.filter((f) => f.severity === "error").length,
      warnings: p.findings.filter((f) => f.severity === "warning").length,
    });
    rows.push({ config, subject: `${machine} plan`, agents: totalAgents, medianMs: plan.medianMs, targetMs, note: `${p.agents.length} on ${machine}; plan loads both machines` });
    rows.push({ config, subject: `${machine} load only`, agents: load.last.config.agents.length, medianMs: load.medianMs, targetMs: null, note: "loadEffectiveConfig, one machine" });
  }
  return rows;
}

function agentsOf(configRoot: string): number {
  return MACHINES.reduce((sum, machine: Machine) => sum + loadEffectiveConfig({ configRoot, machine, env: {}, override: "docker" }).config.agents.length, 0);
}

function printTable(rows: readonly BenchRow[]): void {
  const header = ["config", "step", "agents", "median ms", "ms/agent", "target", "status", "note"];
  const lines = rows.map((r) => [
    r.config,
    r.subject,
    String(r.agents),
    r.medianMs.toFixed(1),
    r.agents > 0 ? (r.medianMs / r.agents).toFixed(3) : "-",
    r.targetMs === null ? "" : `< ${r.targetMs} ms`,
    r.targetMs === null ? "" : r.medianMs < r.targetMs ? "ok" : "SLOW",
    r.note ?? "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  console.log(format(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const l of lines) console.log(format(l));
}

export async function main(): Promise<number> {
  const runs = Math.max(1, Number(process.env["BENCH_RUNS"] ?? "20") || 20);
  const warmup = Math.max(0, Number(process.env["BENCH_WARMUP"] ?? "3") || 0);
  const sizes = (process.env["BENCH_SIZES"] ?? "1000,2500,5000").split(",").map(Number).filter((n) => Number.isInteger(n) && n >= 2);
  const ctx = makeContext(runs, warmup);
  console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log(`median of ${runs} runs after ${warmup} warm-up runs; plan = buildDeploymentPlan(override "docker")\n`);

  const rows: BenchRow[] = [];

  // (a) The project's default config.
  if (fs.existsSync(path.join(PROJECT_ROOT, V3_FILE))) {
    rows.push(...(await benchRoot(ctx, PROJECT_ROOT, "default", agentsOf(PROJECT_ROOT), TARGET_DEFAULT_MS)));
  } else {
    console.log(`default config missing (${path.join(PROJECT_ROOT, V3_FILE)}); skipping it\n`);
  }

  // (b) Generated configs, to show growth.
  const perAgent = new Map<number, number>();
  for (const size of sizes) {
    const { root, config } = writeGeneratedConfig({ agents: size });
    try {
      const generated = await benchRoot(ctx, root, `generated ${size}`, size, size === 5000 ? TARGET_5000_MS : null);
      rows.push(...generated);
      const plans = generated.filter((r) => r.subject.endsWith(" plan"));
      perAgent.set(size, plans.reduce((sum, r) => sum + r.medianMs, 0) / plans.length / size);
      const bytes = Object.values(config.files).reduce((sum, text) => sum + Buffer.byteLength(text), 0);
      console.log(`generated ${size}: ${config.agentsPerMachine.mainpc} + ${config.agentsPerMachine.pc2} agents, ${config.dependencies} dependencies, ${(bytes / 1024).toFixed(0)} KiB of YAML`);
    } finally {
      removeGeneratedConfig(root);
    }
  }

  for (const extension of benchExtensions) rows.push(...(await extension(ctx)));

  console.log("");
  printTable(rows);

  console.log("\nplans (last measured run of each):");
  for (const c of planChecks) {
    const same = c.waves === c.longestPath ? "ok" : "MISMATCH";
    console.log(`  ${c.label.padEnd(24)} waves ${String(c.waves).padStart(3)}  longestPath ${String(c.longestPath).padStart(3)}  ${same}   containers ${c.containers}, ${c.errors} errors, ${c.warnings} warnings`);
  }

  const small = Math.min(...perAgent.keys());
  const large = Math.max(...perAgent.keys());
  if (perAgent.size >= 2) {
    const ratio = perAgent.get(large)! / perAgent.get(small)!;
    const verdict = ratio <= 1.25 ? "linear" : ratio <= 1.6 ? "slightly superlinear" : "SUPERLINEAR";
    console.log(
      `\ngrowth: plan ms per agent ${perAgent.get(small)!.toFixed(3)} at ${small} agents, ${perAgent.get(large)!.toFixed(3)} at ${large}: ratio ${ratio.toFixed(2)} -> ${verdict}`,
    );
  }

  if (waveMismatches.length > 0) {
    console.error("\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
    console.error("!!! WAVES != LONGEST PATH: the startup order is inconsistent");
    for (const m of waveMismatches) console.error(`!!! ${m}`);
    console.error("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
    return 1;
  }
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 2;
    },
  );
}
