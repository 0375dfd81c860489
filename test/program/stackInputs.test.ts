import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { readStackInputs } from "../../src/program";
import { isSecretOutput, mockPulumi, promiseOf } from "../support/pulumiMocks";
import { PROJECT_DIR, readStackFile } from "../support/stackFiles";

describe("program/readStackInputs", () => {
  afterEach(() => pulumi.runtime.setAllConfig({}));

  it("reads the ai-system settings, the stack file's lines and the secrets from the running stack", async () => {
    await mockPulumi("pc2");
    pulumi.runtime.setAllConfig(
      { "ai-system:machine": "pc2", "ai-system:natsPassword": "nats-Secret-5678", "ai-system:typo": "x", "docker:host": "elsewhere" },
      ["ai-system:natsPassword"],
    );
    const inputs = readStackInputs(PROJECT_DIR);
    assert.strictEqual(inputs.stack, "pc2");
    assert.deepStrictEqual(inputs.raw, { machine: "pc2", natsPassword: "nats-Secret-5678", typo: "x" });
    assert.deepStrictEqual([inputs.source.file, inputs.source.baseDir], ["Pulumi.pc2.yaml", PROJECT_DIR]);
    const expectedLine = readStackFile("pc2").text.split("\n").findIndex((l) => l.includes("ai-system:machine:")) + 1;
    assert.ok(expectedLine > 1);
    assert.strictEqual(inputs.source.lineOf("ai-system:machine"), expectedLine);
    const secret = inputs.secret("natsPassword");
    assert.strictEqual(await isSecretOutput(secret), true);
    assert.strictEqual(await promiseOf(secret), "nats-Secret-5678");
  });
});
