import * as assert from "assert";
import { evaluateContainer } from "../../src/hardening/evaluate";
import { viewFromSpec } from "../../src/hardening/viewFromSpec";
import { renderAgentContainer } from "../../src/render/agentContainer";
import { renderedSpec } from "../support/renderedSpec";
import { samplePlan, sampleSettings } from "../support/samplePlan";

const outcome = (spec: Parameters<typeof viewFromSpec>[0], id: string) => evaluateContainer(viewFromSpec(spec)).results.find((r) => r.id === id)?.outcome;

describe("render on each host platform", () => {
  const plan = samplePlan();
  const voice = { ...plan.containers[0]!, audioAgents: ["Listener", "Speaker"] };

  it("Linux: ports on the LAN address, GPUs by id, audio through /dev/snd and the audio group with a documented 5.6 exception", () => {
    const spec = renderedSpec(plan, sampleSettings());
    assert.ok([spec.nats, spec.redis, ...spec.groups].flatMap((c) => c.ports).every((p) => p.ip === "192.168.1.10"));
    assert.deepStrictEqual(spec.groups[1]!.gpu, { driver: "nvidia", deviceIds: ["0"], count: null, capabilities: ["gpu"], vramMb: 8192 });
    const c = renderAgentContainer(plan, voice, sampleSettings());
    assert.deepStrictEqual([c.devices, c.groupAdd], [["/dev/snd"], ["29"]]);
    assert.deepStrictEqual(c.env.find((e) => e.name === "AUDIO_AGENTS"), { name: "AUDIO_AGENTS", value: "Listener,Speaker" });
    assert.strictEqual(c.env.find((e) => e.name === "PULSE_SERVER"), undefined);
    assert.deepStrictEqual(outcome(c, "5.6"), {
      status: "exception",
      detail: "audio for Listener, Speaker: passes /dev/snd (ALSA) and joins the audio group (gid 29); compensating control: only the sound devices, no other /dev entry, non-root user, all capabilities dropped",
    });
    // Without the documented reason a device is a failure.
    assert.strictEqual(outcome({ ...c, exceptions: c.exceptions.filter((e) => e.id !== "5.6") }, "5.6")?.status, "fail");
    assert.deepStrictEqual(renderAgentContainer(plan, plan.containers[0]!, sampleSettings()).devices, []);
  });

  it("Docker Desktop: ports on 0.0.0.0 with the 5.14 exception, GPUs as --gpus all, audio through WSLg's PulseAudio socket", () => {
    const settings = sampleSettings({ platform: "wsl2-docker-desktop" });
    const spec = renderedSpec(plan, settings);
    for (const c of [spec.nats, spec.redis, ...spec.groups]) {
      assert.ok(c.ports.length > 0 && c.ports.every((p) => p.ip === "0.0.0.0"), c.name);
      const result = outcome(c, "5.14");
      assert.strictEqual(result?.status, "exception", c.name);
      assert.match(result!.detail, /^Docker Desktop \(WSL 2\) does not reliably bind .* admits these ports only from the other host 192\.168\.1\.20 \(README, Windows hosts\)/);
      assert.strictEqual(outcome({ ...c, exceptions: c.exceptions.filter((e) => e.id !== "5.14") }, "5.14")?.status, "fail", "undocumented 0.0.0.0");
    }
    assert.deepStrictEqual(spec.groups[1]!.gpu, { driver: "nvidia", deviceIds: [], count: -1, capabilities: ["gpu"], vramMb: 8192 });
    const c = renderAgentContainer(plan, voice, settings);
    assert.deepStrictEqual([c.devices, c.groupAdd], [[], []]);
    assert.ok(c.mounts.some((m) => m.type === "bind" && m.source === "/mnt/wslg/PulseServer" && m.target === "/mnt/wslg/PulseServer" && !m.readOnly));
    assert.deepStrictEqual(c.env.find((e) => e.name === "PULSE_SERVER"), { name: "PULSE_SERVER", value: "unix:/mnt/wslg/PulseServer" });
    assert.strictEqual(outcome(c, "5.6")?.status, "pass");
    assert.deepStrictEqual(c.env.map((e) => e.name), [...c.env.map((e) => e.name)].sort());
  });
});
