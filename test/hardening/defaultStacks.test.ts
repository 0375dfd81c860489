/**
 * The authoritative hardening check: every docker.Container both default stacks register under
 * mocks (in both GPU-sharing modes), read from the inputs the provider would receive, against
 * every check of the table. A container the renderers do not know, or one that fails a check or
 * deviates without a documented reason, fails here.
 */
import * as assert from "assert";
import { ContainerReport, evaluateContainer, HARDENING_CHECKS, isContainerRole, viewFromDockerInputs, viewFromSpec } from "../../src/hardening";
import { Machine } from "../../src/config/machine";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { parseStackSettings, planEnvironment, runProgram, StackSettings } from "../../src/program";
import { ContainerRole, HardeningCheckId, machineContainers } from "../../src/render";
import { renderedSpec } from "../support/renderedSpec";
import { fakeStackInputs } from "../support/fakeStackInputs";
import { mockPulumi, Registration } from "../support/pulumiMocks";
import { PROJECT_DIR, stackRawSettings } from "../support/stackFiles";

const CONTAINER = "docker:index/container:Container";

const RESTART =
  "restart unless-stopped: the hosts run unattended, so a crashed container must come back (Docker backs off from 100 ms to 1 min between attempts) and every container must come back after a reboot; on-failure gives up after its retries and after a reboot restarts only containers that exited with an error, while a docker stop for maintenance still holds";
const nproc = (uid: number, limit: number) =>
  `@pulumi/docker 5.2.0 cannot set a pids cgroup limit; the bound is RLIMIT_NPROC ${limit} (ulimit nproc), which counts every process and thread of uid ${uid} on the host, across all its containers, not this container alone`;
const MPS_IPC =
  "ipc host: gpuSharing is mps, and NVIDIA MPS clients exchange shared memory with the MPS server on the host, which needs the host IPC namespace; the container can see the host's System V IPC objects and /dev/shm";

/** Exactly the documented exceptions each kind of container has, with their reasons; every other check passes. */
const EXPECTED_EXCEPTIONS: Readonly<Record<ContainerRole, Readonly<Partial<Record<HardeningCheckId, string>>>>> = {
  "volume-init": {
    "4.1": "runs as root once before NATS: nats:2.10-alpine has no non-root user, so Docker creates the JetStream volume root-owned and only root with CAP_CHOWN can give it to the NATS user; it has no network, a read-only root, and exits",
    "5.4": "adds CHOWN (give the JetStream volume to the NATS user) and DAC_READ_SEARCH (enter the directories NATS made private when it runs again); every other capability is dropped",
    "5.29": "@pulumi/docker 5.2.0 cannot set a pids cgroup limit; the bound is RLIMIT_NPROC 64 (ulimit nproc), which the kernel does not enforce for uid 0: this one-shot container runs a few commands and exits",
  },
  nats: { "5.15": RESTART, "5.29": nproc(10002, 1024) },
  redis: { "5.15": RESTART, "5.29": nproc(999, 512) },
  "agent-group": { "5.15": RESTART, "5.29": nproc(10001, 16384) },
};

/** The config init is a volume init too, with its own reasons (src/render/configDelivery.ts). */
const CONFIG_INIT_EXCEPTIONS: Readonly<Partial<Record<HardeningCheckId, string>>> = {
  "4.1": "runs as root once before the agent groups: the config volume is created root-owned, and root owning the copied files keeps them read-only for the agents' uid; no capability, no network, and it exits",
  "5.13": "writable root filesystem: the Docker provider uploads files by extracting at /, which Docker refuses on a read-only root (moby containerExtractToDir); only this one-shot copy has it, the agent groups mount the result read-only",
  "5.29": "@pulumi/docker 5.2.0 cannot set a pids cgroup limit; the bound is RLIMIT_NPROC 64 (ulimit nproc), which the kernel does not enforce for uid 0: this one-shot container runs a few commands and exits",
};

const VOICE_AUDIO =
  "audio for AudioCapture, EmotionEngine, EmpathyAgent, FusedAudioPreprocessor, HumanAwarenessAgent, MoodTrackerAgent, ProactiveAgent, STTService, StreamingInterruptHandler, StreamingSpeechRecognition, StreamingTTSAgent, TTSService, ToneDetector, VoiceProfilingAgent, WakeWordDetector: passes /dev/snd (ALSA) and joins the audio group (gid 29); compensating control: only the sound devices, no other /dev entry, non-root user, all capabilities dropped";

/** Checks that apply, per role: the 19 common ones plus the service checks. */
const EXPECTED_TOTAL: Readonly<Record<ContainerRole, number>> = { "volume-init": 19, nats: 21, redis: 20, "agent-group": 19 };

interface StackRun {
  readonly settings: StackSettings;
  readonly containers: Registration[];
  readonly specReports: Map<string, ContainerReport>;
}

async function runStack(machine: Machine, extra: Readonly<Record<string, string>>): Promise<StackRun> {
  const inputs = fakeStackInputs({ ...stackRawSettings(machine), ...extra }, machine, PROJECT_DIR);
  const parsed = parseStackSettings(inputs.raw, inputs.source);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.findings));
  const settings = parsed.settings;
  const run = await mockPulumi(machine);
  runProgram(inputs, buildDeploymentPlan, () => undefined);
  await run.settle();
  const plan = buildDeploymentPlan({ configRoot: settings.configRoot, machine, env: planEnvironment(settings), override: "docker" });
  const specs = machineContainers(renderedSpec(plan, settings));
  return {
    settings,
    containers: run.registrations.filter((r) => r.type === CONTAINER),
    specReports: new Map(specs.map((s) => [s.name, evaluateContainer(viewFromSpec(s))])),
  };
}

const MODES: readonly { readonly name: string; readonly mps: boolean; readonly extra: Readonly<Record<string, string>> }[] = [
  { name: "gpuSharing none", mps: false, extra: {} },
  { name: "gpuSharing mps", mps: true, extra: { gpuSharing: "mps" } },
];

for (const machine of ["mainpc", "pc2"] as const satisfies readonly Machine[]) {
  for (const mode of MODES) {
    describe(`hardening of every container of the ${machine} stack (${mode.name})`, function () {
      this.timeout(20_000);
      let stack: StackRun;

      before(async () => {
        stack = await runStack(machine, mode.extra);
      });

      it("registers exactly the rendered containers, each with a known role", () => {
        const names = stack.containers.map((r) => String(r.inputs.name)).sort();
        assert.deepStrictEqual(names, [...stack.specReports.keys()].sort());
        const roles = stack.containers.map((r) => viewFromDockerInputs(r.inputs).role);
        assert.deepStrictEqual(new Set(roles), new Set(["volume-init", "nats", "redis", "agent-group"]));
      });

      it("passes every check on the provider inputs, except exactly the documented exceptions", () => {
        const mpsClients = stack.containers.filter((r) => r.inputs.ipcMode === "host").map((r) => String(r.inputs.name));
        const gpuGroups = stack.containers.filter((r) => r.inputs.deviceRequests !== undefined).map((r) => String(r.inputs.name));
        assert.ok(gpuGroups.length > 0);
        assert.deepStrictEqual(mpsClients, mode.mps ? gpuGroups : []);
        for (const r of stack.containers) {
          const view = viewFromDockerInputs(r.inputs);
          const report = evaluateContainer(view);
          const role = view.role;
          assert.ok(isContainerRole(role), r.name);
          const gpu = r.inputs.deviceRequests !== undefined;
          const expected: Partial<Record<HardeningCheckId, string>> = {
            ...(r.inputs.name === "ai-system-config-init" ? CONFIG_INIT_EXCEPTIONS : EXPECTED_EXCEPTIONS[role]),
            ...(mode.mps && gpu ? { "5.17": MPS_IPC } : {}),
            // The voice group (audio: true in the default config) passes /dev/snd on Linux.
            ...(r.inputs.devices !== undefined ? { "5.6": VOICE_AUDIO } : {}),
          };
          assert.deepStrictEqual(report.failures, [], r.name);
          assert.deepStrictEqual(
            Object.fromEntries(report.exceptions.map((e) => [e.id, e.outcome.detail])),
            expected,
            r.name,
          );
          assert.strictEqual(report.total, EXPECTED_TOTAL[role], r.name);
          assert.strictEqual(report.passed, EXPECTED_TOTAL[role] - Object.keys(expected).length, r.name);
          assert.deepStrictEqual(
            report.results.map((x) => x.id),
            HARDENING_CHECKS.filter((c) => c.roles === "all" || c.roles.includes(role)).map((c) => c.id),
            r.name,
          );
        }
      });

      it("gives the plan command's reading of the specs exactly the result of the provider inputs", () => {
        for (const r of stack.containers) {
          const fromInputs = evaluateContainer(viewFromDockerInputs(r.inputs));
          assert.deepStrictEqual(stack.specReports.get(fromInputs.name), fromInputs, fromInputs.name);
        }
      });

      it("publishes only on the host's LAN address and never an HTTP health or monitoring port", () => {
        const ip = stack.settings.lanIps[machine];
        for (const r of stack.containers) {
          const view = viewFromDockerInputs(r.inputs);
          for (const p of view.ports) {
            assert.strictEqual(p.ip, ip, r.name);
            assert.ok(!view.internalPorts.includes(p.external ?? 0), `${r.name} publishes ${p.external}`);
          }
        }
        const nats = stack.containers.find((r) => r.inputs.name === "ai-system-nats");
        assert.deepStrictEqual(viewFromDockerInputs(nats?.inputs ?? {}).ports.map((p) => p.external), machine === "mainpc" ? [7422] : []);
      });
    });
  }
}
