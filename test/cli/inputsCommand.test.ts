import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputsView, runInputsCommand } from "../../src/cli/inputsCommand";
import { PROJECT_DIR } from "../support/stackFiles";

const CONTAINER = "docker:index/container:Container";

describe("cli/inputs: what the provider would receive, offline", function () {
  this.timeout(120_000);

  it("prints every resource of the pc2 stack with its inputs (secrets masked), dependencies by name and options", async () => {
    const result = await runInputsCommand(["--stack", "pc2", "--json"]);
    assert.strictEqual(result.stderr, "");
    assert.strictEqual(result.exitCode, 0);
    const view = JSON.parse(result.stdout) as InputsView;
    assert.strictEqual(view.stack, "pc2");
    const containers = view.resources.filter((r) => r.type === CONTAINER);
    assert.deepStrictEqual(containers.map((r) => r.name).sort(), [
      "pc2-config-init",
      "pc2-infra-core-cpu",
      "pc2-memory-reasoning-gpu",
      "pc2-nats",
      "pc2-nats-store-init",
      "pc2-redis",
      "pc2-tutor-suite-cpu",
      "pc2-vision-dream-gpu",
    ]);
    const redis = containers.find((r) => r.name === "pc2-redis")!;
    assert.deepStrictEqual(
      { ...redis, inputs: undefined },
      {
        type: CONTAINER,
        name: "pc2-redis",
        parent: "pc2-redis",
        dependsOn: ["pc2-image-redis-7-alpine", "pc2-network", "pc2-redis-redis-data"],
        deleteBeforeReplace: true,
        replaceOnChanges: ["#initerror", "healthcheck", "init", "tmpfs"],
        retainOnDelete: false,
        ignoreChanges: [],
        customTimeouts: { create: "15m0s", update: "15m0s", delete: "7m0s" },
        inputs: undefined,
        stateDiffers: [],
      },
    );
    const inputs = redis.inputs as Record<string, unknown>;
    assert.deepStrictEqual([inputs.envs, inputs.cpus, inputs.memory, inputs.memorySwap, inputs.stopTimeout, inputs.destroyGraceSeconds], ["[secret]", "1.0", 1024, 1024, 120, 120]);
    assert.ok(!result.stdout.includes("offline-placeholder-secret"), "no secret value in the output");
    for (const r of view.resources) assert.deepStrictEqual(r.stateDiffers, [], r.name);
    const data = view.resources.find((r) => r.type === "docker:index/volume:Volume" && (r.inputs as { name: string }).name === "ai-system-data")!;
    assert.deepStrictEqual([data.retainOnDelete, data.ignoreChanges], [true, ["labels"]]);
  });

  it("exits 1 with the findings when the program would refuse, and 2 on wrong usage", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "inputs-"));
    try {
      fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
      fs.writeFileSync(path.join(dir, "Pulumi.mainpc.yaml"), "config:\n  ai-system:machine: mainpc\n  ai-system:configRoot: .\n  ai-system:mainpcIp: 192.168.1.10\n  ai-system:pc2Ip: 192.168.1.20\n  ai-system:waitTimeout: 60\n");
      const refused = await runInputsCommand(["--stack", "mainpc"], dir);
      assert.strictEqual(refused.exitCode, 1);
      assert.strictEqual(refused.stdout, "");
      assert.ok(refused.stderr.startsWith("The settings of stack mainpc are invalid; nothing was deployed:"), refused.stderr);
      assert.ok(refused.stderr.includes("stack setting waitTimeout (60) must be longer than healthcheckStartPeriodSeconds (120)"), refused.stderr);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.strictEqual((await runInputsCommand([])).exitCode, 2);
    assert.strictEqual((await runInputsCommand(["--stack", "laptop"])).exitCode, 2);
  });
});
