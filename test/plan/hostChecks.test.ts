import * as assert from "assert";
import { formatFinding } from "../../src/config/finding";
import { checkHost, HostOptions } from "../../src/plan/hostChecks";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { samplePlan } from "../support/samplePlan";
import { PROJECT_DIR } from "../support/stackFiles";

const at = (key: string) => ({ file: "Pulumi.mainpc.yaml", line: key === "ai-system:imageMode" ? 7 : 9 });
const HOST: HostOptions = { platform: "linux", memoryMb: null, infrastructureMemoryMb: 1536, imageMode: "prebuilt", settingAt: at };
const containers = samplePlan().containers; // core 4096, model-gpu 16384 (GPU "0"), language 3072

describe("plan/hostChecks", () => {
  it("adds every container's memory limit to NATS and Redis and refuses a sum above hostMemoryMb", () => {
    assert.deepStrictEqual(checkHost("mainpc", containers, { ...HOST, memoryMb: 25088 }), {
      platform: "linux",
      memory: { capacityMb: 25088, allocatedMb: 25088, infrastructureMb: 1536 },
      findings: [],
    });
    assert.deepStrictEqual(checkHost("mainpc", containers, { ...HOST, memoryMb: 25087 }).findings.map(formatFinding), [
      "ERROR [memory-over-capacity] Pulumi.mainpc.yaml:9: mainpc: containers need 25088 MB of memory (groups 23552: core 4096, model-gpu 16384, language 3072; NATS and Redis 1536) but hostMemoryMb is 25087; lower memory_mb of some groups",
    ]);
    assert.deepStrictEqual(checkHost("mainpc", containers, HOST).findings, [], "0: not checked on Linux");
  });

  it("on Docker Desktop: names .wslconfig, asks for hostMemoryMb, refuses GPU selection and warns about the image store", () => {
    const desktop = { ...HOST, platform: "wsl2-docker-desktop" as const };
    assert.deepStrictEqual(checkHost("mainpc", containers, { ...desktop, memoryMb: 16384 }).findings.map(formatFinding), [
      "ERROR [memory-over-capacity] Pulumi.mainpc.yaml:9: mainpc: containers need 25088 MB of memory (groups 23552: core 4096, model-gpu 16384, language 3072; NATS and Redis 1536) but hostMemoryMb is 16384; raise [wsl2] memory= in %UserProfile%\\.wslconfig (then wsl --shutdown) and hostMemoryMb with it, or lower memory_mb of some groups",
    ]);
    const twoGpus = containers.map((c) => (c.gpu === null ? c : { ...c, gpu: { ...c.gpu, deviceIds: ["0", "1"] } }));
    assert.deepStrictEqual(checkHost("mainpc", twoGpus, { ...desktop, imageMode: "build" }).findings.map(formatFinding), [
      "WARNING [memory-budget-unknown] Pulumi.mainpc.yaml:9: mainpc runs Docker Desktop on WSL 2, where all 25088 MB of container limits share one VM (by default half of the Windows RAM); set hostMemoryMb to the VM's size (wsl free -m, or [wsl2] memory= in .wslconfig) so the plan checks they fit",
      'ERROR [gpu-device-selection] config/overrides/docker.yaml:40: GPU group model-gpu asks for device_ids ["0","1"], but Docker Desktop on WSL 2 cannot select GPUs (every GPU container sees all of them, NVIDIA/nvidia-container-toolkit#21); write device_ids: ["0"] (one GPU per host), or run this host on hostPlatform linux',
      'WARNING [image-store] Pulumi.mainpc.yaml:7: mainpc: imageMode build needs Docker\'s classic image store, but Docker Desktop 4.34 and later use the containerd image store by default on new installations (docs.docker.com/desktop/features/containerd); in Docker Desktop untick Settings > General > "Use containerd for pulling and storing images" before pulumi up, or build and push the images elsewhere and set imageMode prebuilt',
    ]);
  });

  it("refuses a digest pin for a group the host does not run", () => {
    assert.deepStrictEqual(checkHost("mainpc", containers, { ...HOST, pinnedGroups: ["core", "vision"] }).findings.map(formatFinding), [
      "ERROR [invalid-value] Pulumi.mainpc.yaml:9: stack setting imageDigests pins vision, which mainpc does not run (its groups: core, language, model-gpu); fix the group name or remove the pin",
    ]);
  });

  it("is part of the plan: the default mainpc plan on Docker Desktop with a 32 GB VM is refused (its groups need 64000 MB)", () => {
    const plan = buildDeploymentPlan({ configRoot: PROJECT_DIR, machine: "mainpc", env: {}, override: "docker", host: { platform: "wsl2-docker-desktop", memoryMb: 32768, infrastructureMemoryMb: 1536, imageMode: "prebuilt", settingAt: at } });
    assert.deepStrictEqual(plan.memory, { capacityMb: 32768, allocatedMb: 64000, infrastructureMb: 1536 });
    assert.deepStrictEqual(plan.findings.map((f) => f.code), ["memory-over-capacity"]);
    assert.strictEqual(plan.platform, "wsl2-docker-desktop");
  });
});
