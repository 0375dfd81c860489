import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { Finding, formatFinding } from "../../src/config/finding";
import { DeploymentPlan } from "../../src/plan/deploymentPlan";
import type { PlanOptions } from "../../src/plan/buildDeploymentPlan";
import { parseStackSettings, planEnvironment, runProgram } from "../../src/program";
import { fakeStackInputs } from "../support/fakeStackInputs";
import { mockPulumi, promiseOf } from "../support/pulumiMocks";
import { SAMPLE_CONFIG_DIR, samplePlan } from "../support/samplePlan";

const RAW = { machine: "mainpc", configRoot: "../monorepo", mainpcIp: "192.168.1.10", pc2Ip: "192.168.1.20", vramCapacityMb: "20480", imageMode: "prebuilt", hostConfigDir: SAMPLE_CONFIG_DIR };

describe("program/runProgram", function () {
  this.timeout(10_000);

  it("builds the plan from the validated settings, deploys it and logs its findings", async () => {
    const run = await mockPulumi();
    const calls: PlanOptions[] = [];
    const warning: Finding = { severity: "warning", code: "undefined-variable", message: "${X} is not set", file: "config/startup_config.v3.yaml", line: 3 };
    const logged: string[] = [];
    const outputs = runProgram(
      fakeStackInputs(RAW),
      (options): DeploymentPlan => {
        calls.push(options);
        return samplePlan([warning]);
      },
      (f) => logged.push(formatFinding(f)),
    );
    await run.settle();
    assert.strictEqual(calls.length, 1);
    const { env, host, pythonFiles, ...rest } = calls[0];
    assert.deepStrictEqual(rest, { configRoot: "/srv/monorepo", healthGate: "dependencies", machine: "mainpc", override: "docker", vramCapacityMb: 20480 });
    // One parse cache for the plan and the image inputs, of the config root.
    assert.strictEqual(pythonFiles?.root, "/srv/monorepo");
    // The host as the settings describe it; settings findings point at the stack file.
    const { settingAt, ...hostRest } = host!;
    assert.deepStrictEqual(hostRest, { platform: "linux", memoryMb: null, infrastructureMemoryMb: 1536, imageMode: "prebuilt", pinnedGroups: [] });
    assert.deepStrictEqual(settingAt("ai-system:hostMemoryMb"), { file: "Pulumi.mainpc.yaml", line: 1 });
    assert.strictEqual(env.MACHINE_TYPE, "mainpc");
    assert.strictEqual(env.CONFIG_OVERRIDE, "docker");
    assert.deepStrictEqual(logged, ["WARNING [undefined-variable] config/startup_config.v3.yaml:3: ${X} is not set"]);
    assert.deepStrictEqual(await promiseOf(outputs.containers), ["ai-system-core", "ai-system-model-gpu", "ai-system-language"]);
    assert.strictEqual((await promiseOf(outputs.gpuAllocation)).allocatedMb, 8192);
    assert.strictEqual((await promiseOf(outputs.endpoints)).natsUrl, "nats://192.168.1.10:4222");
    assert.strictEqual(run.registrations.length, 28);
    const settings = parseStackSettings(fakeStackInputs(RAW).raw, fakeStackInputs(RAW).source);
    assert.ok(settings.ok);
    assert.deepStrictEqual(env, planEnvironment(settings.settings));
  });

  it("in build mode (the default) refuses a config root without generated requirements before registering anything", async () => {
    const run = await mockPulumi();
    const { imageMode: _prebuilt, ...buildMode } = RAW;
    assert.throws(
      () => runProgram(fakeStackInputs(buildMode), () => samplePlan(), () => undefined),
      (e: unknown) =>
        e instanceof pulumi.RunError &&
        e.message.startsWith(
          [
            "The mainpc images cannot be built from /srv/monorepo; nothing was deployed. Fix these (usually: npm run requirements -- --config-root /srv/monorepo) and run again, or set imageMode to prebuilt:",
            "ERROR [missing-dockerignore] .dockerignore:1: /srv/monorepo has no .dockerignore",
          ].join("\n"),
        ) &&
        e.message.includes("ERROR [missing-requirements] ai-system-build/requirements/base.txt:1: the generated ai-system-build/requirements/base.txt does not exist in the build context /srv/monorepo; run `npm run requirements -- --config-root /srv/monorepo` first"),
    );
    await run.settle();
    assert.strictEqual(run.registrations.length, 0);
  });

  it("stops on invalid settings before building the plan or registering anything", async () => {
    const run = await mockPulumi();
    let built = 0;
    assert.throws(
      () =>
        runProgram(fakeStackInputs({ ...RAW, machine: "pc9", redisImage: "" }), () => {
          built++;
          return samplePlan();
        }),
      (e: unknown) =>
        e instanceof pulumi.RunError &&
        e.message ===
          [
            "The settings of stack mainpc are invalid; nothing was deployed:",
            'ERROR [invalid-value] Pulumi.mainpc.yaml:1: stack setting machine is invalid: "pc9"; set it to mainpc or pc2',
            'ERROR [invalid-value] Pulumi.mainpc.yaml:1: stack setting redisImage is invalid: ""; set it to an image reference',
          ].join("\n"),
    );
    await run.settle();
    assert.strictEqual(built, 0);
    assert.strictEqual(run.registrations.length, 0);
  });
});
