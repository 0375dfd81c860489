import * as assert from "assert";
import {
  compareApiVersions,
  containerTimeouts,
  goDuration,
  machineContainers,
  nanoCpusToDecimalString,
  parseGoDuration,
  parseNanoCpus,
  providerCpus,
  providerMemorySwapMb,
  providerPortOrder,
  RenderError,
  supportsStartInterval,
} from "../../src/render";
import { renderedSpec, renderRefusals } from "../support/renderedSpec";
import { samplePlan, sampleSettings } from "../support/samplePlan";

/**
 * Expected values from running the provider's own code: docker/cli opts.ParseCPUs and
 * terraform-provider-docker v4.5.0 helpers.go nanoInt64ToDecimalString, copied verbatim into a
 * Go program (go 1.x, math/big), and Go's time.Duration.String().
 */
const CPUS_READ_BACK: readonly (readonly [string, bigint, string])[] = [
  ["0.1", 100000000n, "0.1"],
  ["0.25", 250000000n, "0.25"],
  ["0.3", 300000000n, "0.3"],
  ["0.5", 500000000n, "0.5"],
  ["0.125", 125000000n, "0.125"],
  ["1", 1000000000n, "1.0"],
  ["1.05", 1050000000n, "1.05"],
  ["1.5", 1500000000n, "1.5"],
  ["2", 2000000000n, "2.0"],
  ["2.0", 2000000000n, "2.0"],
  ["3.75", 3750000000n, "3.75"],
  ["4", 4000000000n, "4.0"],
  ["8", 8000000000n, "8.0"],
  ["10", 10000000000n, "10."],
  ["10.", 10000000000n, "10."],
  ["10.5", 10500000000n, "10.5"],
  ["12", 12000000000n, "12.0"],
  ["16", 16000000000n, "16.0"],
  ["20", 20000000000n, "20."],
  ["100", 100000000000n, "100."],
  ["100.5", 100500000000n, "100.5"],
  // Read back as another number: no input can match the state.
  ["0.05", 50000000n, "0.1"],
  ["0.01", 10000000n, "0.0"],
  ["0.001", 1000000n, "0.0"],
];

const GO_DURATIONS: readonly (readonly [number, string])[] = [
  [0, "0s"],
  [500, "500ms"],
  [1500, "1.5s"],
  [5000, "5s"],
  [30_000, "30s"],
  [60_000, "1m0s"],
  [90_000, "1m30s"],
  [300_000, "5m0s"],
  [1_200_000, "20m0s"],
  [3_600_000, "1h0m0s"],
  [3_661_000, "1h1m1s"],
  [86_400_000, "24h0m0s"],
];

describe("render/providerForms: inputs in the form the Docker provider reads back", () => {
  it("cpus: ParseCPUs then nanoInt64ToDecimalString, exactly as the provider's Go code gives them", () => {
    for (const [input, nanos, back] of CPUS_READ_BACK) {
      assert.strictEqual(parseNanoCpus(input), nanos, input);
      assert.strictEqual(nanoCpusToDecimalString(nanos), back, input);
    }
    assert.strictEqual(parseNanoCpus("0.0000000001"), null, "value is too precise");
    assert.strictEqual(parseNanoCpus("two"), null);
  });

  it("cpus: sends the read-back text, and refuses a value that reads back as another number", () => {
    const sent = [0.1, 0.25, 0.5, 1, 1.5, 2, 4, 8, 10, 12, 16, 20, 100].map(providerCpus);
    assert.deepStrictEqual(sent, ["0.1", "0.25", "0.5", "1.0", "1.5", "2.0", "4.0", "8.0", "10.", "12.0", "16.0", "20.", "100."]);
    for (const text of sent) assert.strictEqual(nanoCpusToDecimalString(parseNanoCpus(text)!), text, `${text} is stable`);
    assert.throws(
      () => providerCpus(0.05),
      (e: unknown) =>
        e instanceof RenderError &&
        e.message ===
          'cpus 0.05 cannot be deployed: the Docker provider reads it back as "0.1" (terraform-provider-docker nanoInt64ToDecimalString), so every pulumi up would replace the container; use a value such as 0.1',
    );
    assert.throws(() => providerCpus(0), (e: unknown) => e instanceof RenderError && e.message === "cpus 0 is not a positive number of CPUs with at most 9 decimals");
  });

  it("a plan whose group cpus cannot be read back is refused before anything is created, naming the container", () => {
    const plan = samplePlan();
    const bad = { ...plan, containers: plan.containers.map((c, i) => (i === 0 ? { ...c, cpus: 0.01 } : c)) };
    const refusals = renderRefusals(bad, sampleSettings());
    assert.strictEqual(refusals.length, 1);
    assert.ok(refusals[0].includes(`container ai-system-${plan.containers[0].name}: cpus 0.01 cannot be deployed: the Docker provider reads it back as "0.0"`), refusals[0]);
  });

  it("memorySwap equals memory (the daemon would otherwise store 2 x memory, which Read stores as memory_swap)", () => {
    assert.strictEqual(providerMemorySwapMb(3072), 3072);
  });

  it("durations: Go's Duration.String(), and parsing them back is the identity", () => {
    for (const [ms, text] of GO_DURATIONS) {
      assert.strictEqual(goDuration(ms), text);
      assert.strictEqual(parseGoDuration(text), ms);
    }
  });

  it("ports: sorted by internal port, as flattenContainerPorts stores them", () => {
    const ports = [{ internal: 7422, tag: "b" }, { internal: 4222, tag: "a" }, { internal: 8222, tag: "c" }];
    assert.deepStrictEqual(providerPortOrder(ports).map((p) => p.tag), ["a", "b", "c"]);
  });

  it("startInterval: only from Engine API 1.44 (Docker 25); versions compare numerically", () => {
    assert.deepStrictEqual(["1.41", "1.43", "1.44", "1.52", "1.100"].map(supportsStartInterval), [false, false, true, true, true]);
    assert.ok(compareApiVersions("1.9", "1.10") < 0);
    const settings = sampleSettings({ healthcheck: { ...sampleSettings().healthcheck, startIntervalSeconds: null } });
    const spec = renderedSpec(samplePlan(), settings);
    for (const c of machineContainers(spec)) if (c.healthcheck !== null) assert.strictEqual(c.healthcheck.startInterval, null, c.name);
  });

  it("customTimeouts: create and update above the health wait, delete above the stop grace", () => {
    const spec = renderedSpec(samplePlan(), sampleSettings({ waitTimeoutSeconds: 2400 }));
    assert.deepStrictEqual(containerTimeouts(spec.groups[0]), { create: "45m0s", update: "45m0s", delete: "5m30s" });
    assert.deepStrictEqual(containerTimeouts(spec.redis), { create: "45m0s", update: "45m0s", delete: "7m0s" });
    assert.deepStrictEqual(containerTimeouts(spec.natsStoreInit), { create: "35m0s", update: "35m0s", delete: "5m0s" });
    for (const c of machineContainers(spec)) {
      const t = containerTimeouts(c);
      assert.ok(parseGoDuration(t.create) > (c.waitTimeoutSeconds ?? 0) * 1000, c.name);
    }
  });
});
