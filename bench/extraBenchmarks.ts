/**
 * Benchmarks beyond load-and-plan: the floor that YAML parsing alone sets, and the whole Pulumi
 * program for both default stacks under mocks (what `pulumi preview` evaluates, minus the engine).
 */
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { V3_FILE } from "../src/config/configFiles";
import { buildDeploymentPlan } from "../src/plan/buildDeploymentPlan";
import { runProgram } from "../src/program";
import { fakeStackInputs } from "../test/support/fakeStackInputs";
import { mockPulumi } from "../test/support/pulumiMocks";
import { PROJECT_DIR, stackRawSettings } from "../test/support/stackFiles";
import type { BenchContext, BenchRow } from "./benchTypes";
import { removeGeneratedConfig, writeGeneratedConfig } from "./generateConfig";

const TARGET_BOTH_STACKS_MS = 2000;

/** `yaml`'s parseDocument on the 5,000-agent v3 file: no loader can plan faster than this. */
export async function yamlParseFloor(ctx: BenchContext): Promise<BenchRow[]> {
  const { root } = writeGeneratedConfig({ agents: 5000 });
  try {
    const text = fs.readFileSync(path.join(root, V3_FILE), "utf8");
    const { medianMs } = await ctx.measure(() => parseDocument(text, { uniqueKeys: false }));
    const kib = (Buffer.byteLength(text) / 1024).toFixed(0);
    return [{ config: "generated 5000", subject: "yaml parse only", agents: 5000, medianMs, targetMs: null, note: `parseDocument of the ${kib} KiB v3 file` }];
  } finally {
    removeGeneratedConfig(root);
  }
}

/** Both default stacks, end to end under Pulumi mocks: settings, plan, renderers, components. */
export async function bothStacksUnderMocks(ctx: BenchContext): Promise<BenchRow[]> {
  let resources = 0;
  const { medianMs } = await ctx.measure(async () => {
    resources = 0;
    for (const machine of ["mainpc", "pc2"] as const) {
      const run = await mockPulumi(machine);
      runProgram(fakeStackInputs(stackRawSettings(machine), machine, PROJECT_DIR), buildDeploymentPlan, () => undefined);
      await run.settle();
      resources += run.registrations.length;
    }
  });
  return [{ config: "default", subject: "both stacks (mocks)", agents: 77, medianMs, targetMs: TARGET_BOTH_STACKS_MS, note: `${resources} resources registered` }];
}
