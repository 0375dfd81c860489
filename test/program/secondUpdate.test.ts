/**
 * Day two under mocks that answer like the provider (src/program/providerReadBack.ts): after one
 * `pulumi up` of either default stack, the stored state equals every input the program sends, so
 * the next `pulumi up` changes nothing; and a second evaluation fed the first one's state sends
 * exactly the same inputs.
 */
import * as assert from "assert";
import { Machine } from "../../src/config/machine";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { runProgram } from "../../src/program";
import { HostFacts, providerReadBack, readBackDifferences, storedCapability } from "../../src/program/providerReadBack";
import { maskSecrets, revealSecrets } from "../../src/program/registrationRecorder";
import { fakeStackInputs } from "../support/fakeStackInputs";
import { mockPulumi, Registration } from "../support/pulumiMocks";
import { PROJECT_DIR, stackRawSettings } from "../support/stackFiles";

const COMPOSE_LABELS = { "com.docker.compose.project": "ai-system", "com.docker.compose.version": "1.29.2", "com.docker.compose.volume": "data" };

async function evaluate(machine: Machine, facts: HostFacts = {}): Promise<Registration[]> {
  const run = await mockPulumi(machine, facts);
  runProgram(fakeStackInputs(stackRawSettings(machine), machine, PROJECT_DIR), buildDeploymentPlan, () => undefined);
  await run.settle();
  return run.registrations;
}

const differences = (r: Registration, facts: HostFacts = {}): string[] => {
  const inputs = revealSecrets(r.inputs) as Record<string, unknown>;
  return readBackDifferences(r.type, inputs, providerReadBack(r.type, inputs, facts), r.ignoreChanges);
};

describe("provider read-back: capabilities", () => {
  it("stores each name as Docker's client sends it: upper case with CAP_, ALL as it is", () => {
    // github.com/docker/docker v28.5.2 client/container_create.go normalizeCap.
    const table: readonly (readonly [string, string])[] = [
      ["CHOWN", "CAP_CHOWN"],
      ["dac_read_search", "CAP_DAC_READ_SEARCH"],
      ["CAP_NET_RAW", "CAP_NET_RAW"],
      ["cap_sys_admin", "CAP_SYS_ADMIN"],
      ["ALL", "ALL"],
      ["all", "ALL"],
    ];
    assert.deepStrictEqual(table.map(([name]) => [name, storedCapability(name)]), table);
  });

  it("reads adds and drops back sorted, each once", () => {
    const state = providerReadBack("docker:index/container:Container", { capabilities: { adds: ["dac_read_search", "CHOWN", "CAP_CHOWN"], drops: ["all"] } });
    assert.deepStrictEqual(state.capabilities, { adds: ["CAP_CHOWN", "CAP_DAC_READ_SEARCH"], drops: ["ALL"] });
  });
});

for (const machine of ["mainpc", "pc2"] as const) {
  describe(`the ${machine} stack on day two`, function () {
    this.timeout(60_000);

    it("stores, for every resource, exactly the inputs it was sent: nothing to change on the next update", async () => {
      const registrations = await evaluate(machine);
      const custom = registrations.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
      assert.ok(custom.filter((r) => r.type === "docker:index/container:Container").length >= 7);
      const changed = custom.map((r) => [r.name, differences(r)] as const).filter(([, d]) => d.length > 0);
      assert.deepStrictEqual(changed, []);
    });

    it("would see the old inputs as changes: whole cpus, an unset memorySwap, capabilities without CAP_ and a compose-created volume's labels", async () => {
      const registrations = await evaluate(machine);
      // Measured with the real provider and engine: after `pulumi preview --refresh`, adds
      // ["CHOWN", "DAC_READ_SEARCH"] read back as ["CAP_CHOWN", "CAP_DAC_READ_SEARCH"] and the store init was replaced.
      const init = registrations.find((r) => r.name === `${machine}-nats-store-init`)!;
      const oldInit = { ...(revealSecrets(init.inputs) as Record<string, unknown>), capabilities: { adds: ["CHOWN", "DAC_READ_SEARCH"], drops: ["ALL"] } };
      assert.deepStrictEqual(readBackDifferences(init.type, oldInit, providerReadBack(init.type, oldInit)), ["capabilities"]);
      const nats = registrations.find((r) => r.name === `${machine}-nats` && r.type === "docker:index/container:Container")!;
      const old = { ...(revealSecrets(nats.inputs) as Record<string, unknown>), cpus: "1", memorySwap: undefined };
      assert.deepStrictEqual(readBackDifferences(nats.type, old, providerReadBack(nats.type, old)), ["cpus", "memorySwap"]);
      const volume = registrations.find((r) => r.type === "docker:index/volume:Volume" && r.inputs.name === "ai-system-data")!;
      const facts = { volumeLabels: { "ai-system-data": COMPOSE_LABELS } };
      assert.deepStrictEqual(readBackDifferences(volume.type, volume.inputs, providerReadBack(volume.type, volume.inputs, facts)), ["labels"]);
      assert.deepStrictEqual(differences(volume, facts), [], "ignoreChanges covers it");
    });

    it("sends identical inputs and options when evaluated again against the first one's state", async () => {
      const view = (rs: Registration[]) => rs.map((r) => ({ ...r, inputs: maskSecrets(r.inputs) }));
      const first = view(await evaluate(machine));
      const second = view(await evaluate(machine, { volumeLabels: { "ai-system-data": COMPOSE_LABELS } }));
      assert.deepStrictEqual(second, first);
    });
  });
}
