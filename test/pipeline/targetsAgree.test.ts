import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { runComposeCommand } from "../../src/cli/composeCommand";
import { PROJECT_ROOT, runPlanCommand } from "../../src/cli/planCommand";
import { runReportCommand } from "../../src/cli/reportCommand";
import { exportCompose } from "../../src/compose/exportCompose";
import { Finding } from "../../src/config/finding";
import { MACHINES } from "../../src/config/machine";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { runProgram } from "../../src/program/runProgram";
import { fakeStackInputs } from "../support/fakeStackInputs";
import { mockPulumi } from "../support/pulumiMocks";

/** The bundled config with one edit: each is a config that every target must refuse. */
const BAD_CONFIGS: readonly { readonly name: string; readonly file: string; readonly from: string; readonly to: string; readonly stage: string }[] = [
  {
    name: "an agent whose script_path is a shell script",
    file: "config/startup_config.v3.yaml",
    from: "main_pc_code/agents/service_registry_agent.py",
    to: "main_pc_code/agents/service_registry_agent.sh",
    stage: "render",
  },
  {
    name: "a dependency on an agent that does not exist",
    file: "config/startup_config.v3.yaml",
    from: "dependencies: [ServiceRegistry]",
    to: "dependencies: [NoSuchAgent]",
    stage: "plan",
  },
  {
    name: "a docker group that sets a command",
    file: "config/overrides/docker.yaml",
    from: "    core-platform:\n",
    to: "    core-platform:\n      command: [python, -m, x]\n",
    stage: "render",
  },
];

function badRoot(edit: (typeof BAD_CONFIGS)[number]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "ai-system-bad-"));
  fs.cpSync(path.join(PROJECT_ROOT, "config"), path.join(root, "config"), { recursive: true });
  const file = path.join(root, edit.file);
  const text = fs.readFileSync(file, "utf8");
  assert.ok(text.includes(edit.from), `${edit.file} has no ${edit.from}`);
  fs.writeFileSync(file, text.replace(edit.from, edit.to));
  return root;
}

const errorMessages = (findings: readonly Finding[]): string[] => [...new Set(findings.filter((f) => f.severity === "error").map((f) => f.message))].sort();

/** What the Pulumi program of `machine` throws, with the stack settings of Pulumi.<machine>.yaml. */
async function programRefusal(machine: string, configRoot: string): Promise<string | null> {
  const run = await mockPulumi();
  const raw = { machine, configRoot, mainpcIp: "192.168.1.10", pc2Ip: "192.168.1.20", imageMode: "prebuilt", waitTimeout: "600" };
  let message: string | null = null;
  try {
    runProgram(fakeStackInputs(raw, machine, PROJECT_ROOT), buildDeploymentPlan, () => undefined);
  } catch (error) {
    assert.ok(error instanceof pulumi.RunError, String(error));
    message = error.message;
  }
  await run.settle();
  if (message !== null) assert.strictEqual(run.registrations.length, 0, "refused before any resource");
  return message;
}

describe("pipeline: plan, compose, report and the Pulumi program refuse the same configs for the same reasons", function () {
  this.timeout(120_000);

  for (const edit of BAD_CONFIGS) {
    it(`${edit.name} (${edit.stage})`, async () => {
      const root = badRoot(edit);
      try {
        // plan, per machine: exit 1 whenever that machine's errors are not empty.
        const planned = MACHINES.map((machine) => {
          const result = runPlanCommand(["--machine", machine, "--config-root", root, "--json"], {});
          const findings = (JSON.parse(result.stdout) as { findings: Finding[] }).findings;
          assert.strictEqual(result.exitCode, errorMessages(findings).length > 0 ? 1 : 0, `plan --machine ${machine}`);
          return { machine, errors: errorMessages(findings), text: runPlanCommand(["--machine", machine, "--config-root", root], {}) };
        });
        const mainpc = planned[0]!;
        assert.ok(mainpc.errors.length > 0, "the edit breaks mainpc");
        assert.strictEqual(mainpc.text.exitCode, 1);
        for (const m of mainpc.errors) assert.ok(mainpc.text.stdout.includes(m), `plan's text names: ${m}`);
        const all = [...new Set(planned.flatMap((p) => p.errors))].sort();

        // compose: refuses with exactly the errors plan reports for the two hosts.
        const exported = exportCompose(PROJECT_ROOT, "mainpc", root);
        assert.ok(!exported.ok);
        assert.deepStrictEqual(errorMessages(exported.findings), all);
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "ai-system-out-"));
        const composed = runComposeCommand(["--machine", "mainpc", "--config-root", root, "--out", out], {});
        assert.strictEqual(composed.exitCode, 1);
        assert.deepStrictEqual(fs.readdirSync(out), []);
        fs.rmSync(out, { recursive: true, force: true });
        for (const m of all) assert.ok(composed.stderr.includes(m), `compose names: ${m}`);

        // report: fails, naming every error.
        const reported = runReportCommand(["--config-root", root], {});
        assert.strictEqual(reported.exitCode, 1);
        for (const m of all) assert.ok(reported.stderr.includes(m), `report names: ${m}`);

        // the Pulumi program: refuses each broken host before registering anything, naming its errors.
        for (const p of planned) {
          const refusal = await programRefusal(p.machine, root);
          assert.strictEqual(refusal !== null, p.errors.length > 0, `pulumi ${p.machine} refuses exactly when plan reports errors`);
          for (const m of p.errors) assert.ok(refusal?.includes(m), `pulumi ${p.machine} names: ${m}\n${refusal}`);
        }
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });
  }
});
