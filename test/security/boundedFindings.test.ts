/**
 * Bounded reporting and no stack traces (issue 13, item 5): a config with 100,000 bad entries
 * prints the first REPORTED_FINDINGS_CAP findings and one summary in every target; names that
 * are Object.prototype's keys reach no prototype; pulled images whose resource names clash are
 * a finding before anything is registered; an unexpected exception under Pulumi is one
 * internal-error finding. The Pulumi cases run the real entry (index.ts) under setMocks with
 * the real @pulumi/docker classes.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { runComposeCommand } from "../../src/cli/composeCommand";
import { unexpectedErrorText } from "../../src/cli/main";
import { PROJECT_ROOT, runPlanCommand } from "../../src/cli/planCommand";
import { runReportCommand } from "../../src/cli/reportCommand";
import { exportCompose } from "../../src/compose/exportCompose";
import { Finding, formatFinding, REPORTED_FINDINGS_CAP, reportedFindings } from "../../src/config/finding";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { prepareProjectMachine } from "../../src/pipeline/prepareMachine";
import { programEntry } from "../../src/program/programEntry";
import { runProgram } from "../../src/program/runProgram";
import { fakeStackInputs, TEST_SECRETS } from "../support/fakeStackInputs";
import { revealSecrets } from "../../src/program/registrationRecorder";
import { mockPulumi } from "../support/pulumiMocks";

const BAD_ENTRIES = 100_000;
const STACK = { mainpcIp: "192.168.1.10", pc2Ip: "192.168.1.20", imageMode: "prebuilt", waitTimeout: "600" };

/** A copy of the bundled config with `edit` applied to one file. */
function configCopy(file: string, edit: (text: string) => string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "ai-system-bounded-"));
  fs.cpSync(path.join(PROJECT_ROOT, "config"), path.join(root, "config"), { recursive: true });
  const target = path.join(root, file);
  const before = fs.readFileSync(target, "utf8");
  const after = edit(before);
  assert.notStrictEqual(after, before, `the edit changes ${file}`);
  fs.writeFileSync(target, after);
  return root;
}

/** What the real Pulumi entry (index.ts) throws for stack `machine` with these settings, and what it registered. */
async function entryOutcome(machine: string, raw: Readonly<Record<string, string>>): Promise<{ error: unknown; registered: string[] }> {
  const run = await mockPulumi(machine);
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...TEST_SECRETS, machine, ...raw })) config[`ai-system:${key}`] = value;
  pulumi.runtime.setAllConfig(config, Object.keys(TEST_SECRETS).map((k) => `ai-system:${k}`));
  const entry = require.resolve("../../index");
  delete require.cache[entry];
  let error: unknown = null;
  try {
    await (require(entry) as Promise<unknown>);
  } catch (e) {
    error = e;
  } finally {
    pulumi.runtime.setAllConfig({});
  }
  await run.settle();
  return { error, registered: run.registrations.map((r) => `${r.type} ${r.name}`) };
}

function runErrorLines(error: unknown): string[] {
  assert.ok(error instanceof pulumi.RunError, `a RunError, not ${String(error)}`);
  return error.message.split("\n");
}

describe("security/bounded findings and errors without stack traces", function () {
  this.timeout(600_000);

  describe(`a config with ${BAD_ENTRIES} bad entries`, () => {
    let root = "";
    let expected: string[] = [];
    before(() => {
      const deps = Array.from({ length: BAD_ENTRIES }, (_, i) => `Missing${i}`).join(", ");
      root = configCopy("config/startup_config.v3.yaml", (t) => t.replace("dependencies: [ServiceRegistry]", `dependencies: [${deps}]`));
      const plan = buildDeploymentPlan({ configRoot: root, machine: "mainpc", env: {}, override: "docker" });
      const errors = plan.findings.filter((f) => f.severity === "error");
      assert.strictEqual(errors.length, BAD_ENTRIES, "one unknown-dependency error per entry");
      const first = errors[REPORTED_FINDINGS_CAP]!;
      expected = [
        ...errors.slice(0, REPORTED_FINDINGS_CAP).map(formatFinding),
        `ERROR [more-findings] ${first.file}:${first.line}: ${BAD_ENTRIES - REPORTED_FINDINGS_CAP} more findings not shown (${BAD_ENTRIES - REPORTED_FINDINGS_CAP} errors, 0 warnings, 0 notes; the first at ${first.file}:${first.line}); fix the ${REPORTED_FINDINGS_CAP} above and run again`,
      ];
      assert.match(expected[0]!, /^ERROR \[unknown-dependency\] config\/startup_config\.v3\.yaml:\d+: .*Missing0/);
    });
    after(() => fs.rmSync(root, { recursive: true, force: true }));

    const findingLines = (text: string) => text.split("\n").map((l) => l.trim()).filter((l) => /^(ERROR|WARNING|INFO) \[/.test(l));

    it("plan prints the first 200 and one summary, as text and as JSON, and exits 1", () => {
      const text = runPlanCommand(["--machine", "mainpc", "--config-root", root], {});
      assert.strictEqual(text.exitCode, 1);
      assert.ok(text.stdout.includes(`Findings: ${BAD_ENTRIES} errors, 0 warnings, 0 notes`));
      assert.deepStrictEqual(findingLines(text.stdout), expected);
      const json = runPlanCommand(["--machine", "mainpc", "--config-root", root, "--json"], {});
      assert.strictEqual(json.exitCode, 1);
      assert.deepStrictEqual((JSON.parse(json.stdout) as { findings: Finding[] }).findings.map(formatFinding), expected);
    });

    it("compose and report refuse with the same 200 and summary", () => {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), "ai-system-bounded-out-"));
      try {
        const composed = runComposeCommand(["--machine", "mainpc", "--config-root", root, "--out", out], {});
        assert.strictEqual(composed.exitCode, 1);
        assert.deepStrictEqual(findingLines(composed.stderr), expected);
        assert.deepStrictEqual(fs.readdirSync(out), []);
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
      const reported = runReportCommand(["--config-root", root], {});
      assert.strictEqual(reported.exitCode, 1);
      assert.deepStrictEqual(findingLines(reported.stderr), expected);
      // The report's own findings section is bounded the same way.
      assert.strictEqual(reported.stdout.split("\n").filter((l) => l.startsWith("- `ERROR [")).length, REPORTED_FINDINGS_CAP + 1);
    });

    it("the Pulumi entry registers nothing and throws one RunError of the 200 and the summary", async () => {
      const { error, registered } = await entryOutcome("mainpc", { ...STACK, configRoot: root });
      assert.deepStrictEqual(registered, []);
      const lines = runErrorLines(error);
      assert.strictEqual(lines[0], `The mainpc plan has ${BAD_ENTRIES} errors; nothing was deployed. Fix these and run again:`);
      assert.deepStrictEqual(lines.slice(1), expected);
    });
  });

  it("reportedFindings keeps short lists as they are and sums up warnings and notes too", () => {
    const at = { file: "f.yaml", line: 3 };
    const few: Finding[] = [{ severity: "error", code: "render", message: "m", ...at }];
    assert.strictEqual(reportedFindings(few), few);
    const many: Finding[] = Array.from({ length: 5 }, (_, i) => ({ severity: i < 3 ? "warning" : "info", code: "render", message: `m${i}`, file: "f.yaml", line: i + 1 }));
    assert.deepStrictEqual(reportedFindings(many, 2).map(formatFinding), [
      "WARNING [render] f.yaml:1: m0",
      "WARNING [render] f.yaml:2: m1",
      "WARNING [more-findings] f.yaml:3: 3 more findings not shown (0 errors, 1 warnings, 2 notes; the first at f.yaml:3); fix the 2 above and run again",
    ]);
  });

  describe("names that are keys of Object.prototype", () => {
    for (const group of ["__proto__", "toString", "hasOwnProperty"]) {
      it(`a docker group named ${group} is an invalid-value finding in plan, compose and Pulumi`, async () => {
        const root = configCopy("config/overrides/docker.yaml", (t) => t.replace("    memory-stack:\n", `    ${group}:\n`));
        try {
          const message = `docker group name "${group}" must be lowercase letters, digits, dashes and underscores (it becomes a container and DNS name, with _ as -)`;
          const plan = runPlanCommand(["--machine", "mainpc", "--config-root", root, "--json"], {});
          const findings = (JSON.parse(plan.stdout) as { findings: Finding[] }).findings;
          assert.strictEqual(plan.exitCode, 1);
          assert.deepStrictEqual(findings.filter((f) => f.code === "invalid-value").map((f) => `${f.file}:${f.line}: ${f.message}`), [`config/overrides/docker.yaml:68: ${message}`]);
          assert.deepStrictEqual(findings.filter((f) => f.code === "internal-error"), []);
          const composed = exportCompose(PROJECT_ROOT, "mainpc", root);
          assert.ok(!composed.ok && composed.findings.some((f) => f.message === message));
          const { error, registered } = await entryOutcome("mainpc", { ...STACK, configRoot: root });
          assert.deepStrictEqual(registered, []);
          assert.ok(runErrorLines(error).includes(`ERROR [invalid-value] config/overrides/docker.yaml:68: ${message}`));
        } finally {
          fs.rmSync(root, { recursive: true, force: true });
        }
      });
    }

    it("a docker group named constructor, an agent named toString and an environment key __proto__ deploy in every target", async () => {
      let root = configCopy("config/overrides/docker.yaml", (t) => t.replace("    memory-stack:\n", "    constructor:\n").split("MemoryClient").join("toString"));
      const v3 = path.join(root, "config/startup_config.v3.yaml");
      fs.writeFileSync(v3, fs.readFileSync(v3, "utf8").split("MemoryClient").join("toString").replace("    PYTHONPATH: /app\n", "    PYTHONPATH: /app\n    __proto__: polluted\n"));
      try {
        const plan = runPlanCommand(["--machine", "mainpc", "--config-root", root, "--json"], {});
        assert.deepStrictEqual((JSON.parse(plan.stdout) as { findings: Finding[] }).findings.filter((f) => f.severity === "error"), []);
        assert.strictEqual(plan.exitCode, 0);
        const composed = exportCompose(PROJECT_ROOT, "mainpc", root);
        assert.ok(composed.ok, composed.ok ? "" : composed.problems.join("\n"));
        const file = composed.export.files.find((f) => f.path === "docker-compose.mainpc.yml")!.content;
        assert.match(file, /container_name: ai-system-constructor\n/);
        assert.match(file, /\n {6}__proto__: polluted\n/);
        assert.match(file, /\n {6}TO_STRING_PORT: "\d+"\n/);
        const run = await mockPulumi("mainpc");
        runProgram(fakeStackInputs({ ...STACK, machine: "mainpc", configRoot: root }, "mainpc", PROJECT_ROOT), buildDeploymentPlan, () => undefined);
        await run.settle();
        const container = run.registrations.find((r) => r.type === "docker:index/container:Container" && r.inputs.name === "ai-system-constructor");
        assert.ok(container, "the constructor group's container is registered");
        assert.ok((revealSecrets(container.inputs.envs) as string[]).includes("__proto__=polluted"));
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
        root = "";
      }
    });
  });

  describe("pulled images whose Pulumi resource names clash (Registry.lan/nats:2 and registry.lan/nats:2)", () => {
    const message =
      "the images Registry.lan/nats:2 and registry.lan/nats:2 (stack settings natsImage and redisImage) would get the same Pulumi resource name pc2-image-registry-lan-nats-2: they differ only in case or punctuation; write the same image the same way (Docker references are lower case) or use different images";

    it("plan's step and compose refuse them with a render finding", () => {
      const project = fs.mkdtempSync(path.join(os.tmpdir(), "ai-system-project-"));
      try {
        for (const f of ["Pulumi.yaml", "Pulumi.mainpc.yaml"]) fs.copyFileSync(path.join(PROJECT_ROOT, f), path.join(project, f));
        const pc2 = fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.pc2.yaml"), "utf8");
        fs.writeFileSync(path.join(project, "Pulumi.pc2.yaml"), `${pc2.trimEnd()}\n  ai-system:natsImage: Registry.lan/nats:2\n  ai-system:redisImage: registry.lan/nats:2\n`);
        const prepared = prepareProjectMachine(project, "pc2", PROJECT_ROOT);
        assert.ok(!prepared.ok);
        assert.deepStrictEqual([prepared.stage, prepared.refusal], ["render", `The pc2 plan cannot be deployed: ${message}`]);
        const composed = exportCompose(project, "pc2", PROJECT_ROOT);
        assert.ok(!composed.ok);
        assert.deepStrictEqual(composed.findings.map(formatFinding), [`ERROR [render] Pulumi.pc2.yaml:1: ${message}`]);
      } finally {
        fs.rmSync(project, { recursive: true, force: true });
      }
    });

    it("the Pulumi entry registers nothing (it registered the MachineStack and threw a plain Error before)", async () => {
      const { error, registered } = await entryOutcome("pc2", { ...STACK, configRoot: PROJECT_ROOT, natsImage: "Registry.lan/nats:2", redisImage: "registry.lan/nats:2" });
      assert.deepStrictEqual(registered, []);
      assert.deepStrictEqual(runErrorLines(error), [`The pc2 plan cannot be deployed: ${message}`]);
    });
  });

  it("an unexpected exception in the program entry is one internal-error finding in a RunError", async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'key')");
    await assert.rejects(
      programEntry(() => {
        throw bug;
      }, () => "mainpc"),
      (e: unknown) =>
        e instanceof pulumi.RunError &&
        e.message === "ERROR [internal-error] Pulumi.mainpc.yaml:1: unexpected error, a bug in ai-system-infra (please report it with this config): TypeError: Cannot read properties of undefined (reading 'key')",
    );
    const refusal = new pulumi.RunError("The mainpc plan has 1 error; nothing was deployed.");
    await assert.rejects(programEntry(() => Promise.reject(refusal), () => "mainpc"), (e: unknown) => e === refusal);
    await assert.rejects(
      programEntry(() => Promise.reject("a string"), () => {
        throw new Error("no stack");
      }),
      { message: "ERROR [internal-error] Pulumi.<stack>.yaml:1: unexpected error, a bug in ai-system-infra (please report it with this config): a string" },
    );
  });

  it("a bug escaping a command of the ai-system CLI is one internal-error finding, the stack only with AI_SYSTEM_DEBUG", () => {
    const bug = new RangeError("Maximum call stack size exceeded");
    const line = "ERROR [internal-error] ai-system:1: unexpected error, a bug in ai-system-infra (please report it with this config): RangeError: Maximum call stack size exceeded";
    assert.strictEqual(unexpectedErrorText(bug, {}), `${line}\n(AI_SYSTEM_DEBUG=1 prints the stack trace)\n`);
    assert.strictEqual(unexpectedErrorText(bug, { AI_SYSTEM_DEBUG: "1" }), `${line}\n${bug.stack}\n`);
  });

  it("an exception inside the plan under the real program registers nothing and is one internal-error finding", async () => {
    const run = await mockPulumi("mainpc");
    assert.throws(
      () =>
        runProgram(fakeStackInputs({ ...STACK, machine: "mainpc", configRoot: PROJECT_ROOT }, "mainpc", PROJECT_ROOT), () => {
          throw new RangeError("Maximum call stack size exceeded");
        }),
      (e: unknown) =>
        e instanceof pulumi.RunError &&
        e.message === "ERROR [internal-error] Pulumi.mainpc.yaml:1: unexpected error, a bug in ai-system-infra (please report it with this config): RangeError: Maximum call stack size exceeded",
    );
    await run.settle();
    assert.deepStrictEqual(run.registrations, []);
  });
});
