import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { finding } from "../../src/config/finding";
import { deployMachine } from "../../src/program/deployMachine";
import { mockPulumi } from "../support/pulumiMocks";
import { samplePlan, sampleSettings } from "../support/samplePlan";
import { testSecretOutputs } from "../support/fakeStackInputs";

const secrets = testSecretOutputs;

const ERROR = finding("error", "vram-over-capacity", "GPU groups ask 30720 MB of 23040 MB", { file: "config/overrides/docker.yaml", line: 42 });
const ERROR2 = finding("error", "unknown-dependency", "GoTToTAgent depends on NoSuchAgent", { file: "config/startup_config.v3.yaml", line: 12 });
const WARNING = finding("warning", "undefined-variable", "${X} is not set", { file: "config/startup_config.v3.yaml", line: 3 });

/** Runs `body` under fresh mocks and returns what it threw and how many resources it registered. */
async function attempt(body: () => void): Promise<{ error: unknown; registered: number }> {
  const run = await mockPulumi();
  let error: unknown = null;
  try {
    body();
  } catch (e) {
    error = e;
  }
  await run.settle();
  return { error, registered: run.registrations.length };
}

describe("program/deployMachine", function () {
  this.timeout(10_000);

  it("refuses a plan with error findings before registering anything, listing every finding", async () => {
    const { error, registered } = await attempt(() => deployMachine(sampleSettings(), samplePlan([ERROR, ERROR2, WARNING]), secrets()));
    assert.strictEqual(registered, 0);
    assert.ok(error instanceof pulumi.RunError);
    assert.strictEqual(
      error.message,
      [
        "The mainpc plan has 2 errors; nothing was deployed. Fix these and run again:",
        "ERROR [vram-over-capacity] config/overrides/docker.yaml:42: GPU groups ask 30720 MB of 23040 MB",
        "ERROR [unknown-dependency] config/startup_config.v3.yaml:12: GoTToTAgent depends on NoSuchAgent",
        "WARNING [undefined-variable] config/startup_config.v3.yaml:3: ${X} is not set",
      ].join("\n"),
    );
  });

  it("refuses a plan without containers", async () => {
    const empty = { ...samplePlan([WARNING]), containers: [], waves: 0, longestPath: 0 };
    const { error, registered } = await attempt(() => deployMachine(sampleSettings(), empty, secrets()));
    assert.strictEqual(registered, 0);
    assert.ok(error instanceof pulumi.RunError);
    assert.strictEqual(
      error.message,
      [
        "The mainpc plan has no containers, so nothing was deployed: add docker_groups.mainpc to the config (usually config/overrides/docker.yaml).",
        "WARNING [undefined-variable] config/startup_config.v3.yaml:3: ${X} is not set",
      ].join("\n"),
    );
  });

  it("refuses a plan it cannot render", async () => {
    const plan = samplePlan();
    const clash = { ...plan, containers: [{ ...plan.containers[0], name: "nats" }] };
    const { error, registered } = await attempt(() => deployMachine(sampleSettings(), clash, secrets()));
    assert.strictEqual(registered, 0);
    assert.ok(error instanceof pulumi.RunError);
    assert.strictEqual(error.message, "The mainpc plan cannot be deployed: container group nats takes the name of the nats server; rename the group");
  });

  it("refuses containers that fail a hardening check, naming each failure", async () => {
    const { error, registered } = await attempt(() => deployMachine(sampleSettings({ gpuSharing: { mode: "mps", pipeDirectory: "/etc/nvidia-mps", logDirectory: "/var/lib/ai-system/nvidia-mps-log", user: "10001:10001" } }), samplePlan(), secrets()));
    assert.strictEqual(registered, 0);
    assert.ok(error instanceof pulumi.RunError);
    assert.strictEqual(
      error.message,
      [
        "The mainpc containers fail hardening checks; nothing was deployed:",
        "ai-system-model-gpu: 5.6 No sensitive host directory mounted: binds host /etc/nvidia-mps",
      ].join("\n"),
    );
  });

  it("deploys a plan with only warnings", async () => {
    const { error, registered } = await attempt(() => deployMachine(sampleSettings(), samplePlan([WARNING]), secrets()));
    assert.strictEqual(error, null);
    // NATS and Redis images, one image per group (3), 7 containers (with the config init), 7 volumes, network, provider, 6 components
    assert.strictEqual(registered, 28);
  });
});
