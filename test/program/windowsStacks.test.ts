/**
 * The user's Windows stacks (examples/wsl2-docker-desktop: WSL 2, Docker Desktop, images from
 * GHCR) under Pulumi mocks: the program deploys them with the platform's forms and keeps the
 * registry token secret.
 */
import * as assert from "assert";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { runProgram } from "../../src/program";
import { fakeStackInputs, TEST_REGISTRY_PASSWORD } from "../support/fakeStackInputs";
import { mockPulumi, plainStrings, Registration, unwrap } from "../support/pulumiMocks";
import { exampleRawSettings, PROJECT_DIR } from "../support/stackFiles";

const CONTAINER = "docker:index/container:Container";

for (const machine of ["mainpc", "pc2"] as const) {
  describe(`the ${machine} Windows stack (wsl2-docker-desktop) under mocks`, function () {
    this.timeout(20_000);
    let registrations: Registration[] = [];
    const logged: string[] = [];

    before(async () => {
      const run = await mockPulumi(machine);
      runProgram(fakeStackInputs({ ...exampleRawSettings(machine), imageRegistryPassword: TEST_REGISTRY_PASSWORD }, machine, PROJECT_DIR), buildDeploymentPlan, (f) => logged.push(`${f.code} ${f.message}`));
      await run.settle();
      registrations = run.registrations;
    });

    it("logs in to GHCR through the provider's registryAuth, the token a secret and nowhere in plain text", () => {
      const provider = registrations.find((r) => r.type === "pulumi:providers:docker");
      assert.ok(provider);
      const auth = unwrap(provider.inputs.registryAuth);
      // The provider input holds the whole list as JSON; it is secret because the password is.
      assert.strictEqual(auth.secret, true);
      assert.deepStrictEqual(JSON.parse(String(auth.value)), [{ address: "ghcr.io", username: "example-owner", password: TEST_REGISTRY_PASSWORD }]);
      for (const r of registrations) for (const text of plainStrings(r.inputs)) assert.ok(!text.includes(TEST_REGISTRY_PASSWORD), r.name);
    });

    it("pulls the group images from the registry by tag, or by digest where imageDigests pins one", () => {
      const pulled = registrations.filter((r) => r.type === "docker:index/remoteImage:RemoteImage").map((r) => String(r.inputs.name)).filter((n) => n.startsWith("ghcr.io/"));
      assert.ok(pulled.length >= 4);
      for (const name of pulled) {
        if (name.includes("audio-emotion")) assert.strictEqual(name, `ghcr.io/example-owner/ai-system-audio-emotion@sha256:${"0".repeat(64)}`);
        else assert.match(name, /^ghcr\.io\/example-owner\/ai-system-[a-z0-9-]+:2025-08-01$/);
      }
      assert.strictEqual(pulled.some((n) => n.includes("audio-emotion")), machine === "mainpc");
    });

    it("publishes on 0.0.0.0 with the documented 5.14 exception naming the firewall rule, and requests GPUs as --gpus all", () => {
      const peer = machine === "mainpc" ? "192.168.1.20" : "192.168.1.10";
      const containers = registrations.filter((r) => r.type === CONTAINER);
      const publishing = containers.filter((r) => Array.isArray(r.inputs.ports));
      // Only what the other host needs is published (issue 10): mainpc's NATS leaf port; pc2 dials out.
      assert.deepStrictEqual(publishing.map((r) => r.name), machine === "mainpc" ? ["mainpc-nats"] : []);
      for (const r of publishing) {
        for (const p of r.inputs.ports as { ip: string }[]) assert.strictEqual(p.ip, "0.0.0.0", r.name);
        const labels = new Map((r.inputs.labels as { label: string; value: string }[]).map((l) => [l.label, l.value]));
        assert.match(labels.get("ai-system.hardening.exception.5.14") ?? "", new RegExp(`admits these ports only from the other host ${peer.replace(/\./g, "\\.")}`), r.name);
      }
      const gpu = containers.filter((r) => r.inputs.deviceRequests !== undefined);
      assert.ok(gpu.length >= 2);
      for (const r of gpu) assert.deepStrictEqual(r.inputs.deviceRequests, [{ driver: "nvidia", count: -1, capabilities: ["gpu"] }], r.name);
    });

    it("gives the voice group WSLg's PulseAudio socket and PULSE_SERVER, no device", () => {
      const voice = registrations.find((r) => r.type === CONTAINER && r.inputs.name === "ai-system-audio-emotion");
      assert.strictEqual(voice !== undefined, machine === "mainpc");
      if (voice === undefined) return;
      assert.strictEqual(voice.inputs.devices, undefined);
      assert.strictEqual(voice.inputs.groupAdds, undefined);
      assert.ok((voice.inputs.mounts as { type: string; source: string; target: string }[]).some((m) => m.type === "bind" && m.source === "/mnt/wslg/PulseServer" && m.target === "/mnt/wslg/PulseServer"));
      const env = unwrap(voice.inputs.envs).value as string[];
      assert.ok(env.includes("PULSE_SERVER=unix:/mnt/wslg/PulseServer"));
      assert.ok(env.some((e) => e.startsWith("AUDIO_AGENTS=") && e.includes("AudioCapture") && e.includes("StreamingTTSAgent")));
    });

    it("checks the memory budget quietly: the example's hostMemoryMb holds every container limit", () => {
      assert.deepStrictEqual(logged.filter((l) => l.startsWith("memory-")), []);
    });
  });
}
