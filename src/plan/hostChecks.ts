import { Finding, finding } from "../config/finding";
import { Machine } from "../config/machine";
import { SourceLocation } from "../config/sourceLocation";
import { HostPlatform, isDockerDesktop } from "../render/hostPlatform";
import { ContainerPlan } from "./deploymentPlan";

/** What the plan needs to know of the host beyond the configuration (stack settings). */
export interface HostOptions {
  readonly platform: HostPlatform;
  /** hostMemoryMb; null: not checked. */
  readonly memoryMb: number | null;
  /** Memory limits of the containers besides the groups (NATS and Redis). */
  readonly infrastructureMemoryMb: number;
  readonly imageMode: "build" | "prebuilt";
  /** Groups imageDigests pins (each must be a planned group of this host). */
  readonly pinnedGroups?: readonly string[];
  /** Where a stack setting is written (`ai-system:hostMemoryMb` -> Pulumi.pc2.yaml:12). */
  readonly settingAt: (key: string) => SourceLocation;
}

export interface MemoryBudget {
  /** null: hostMemoryMb not set, so nothing was checked. */
  readonly capacityMb: number | null;
  /** The groups' memory_mb plus NATS and Redis. */
  readonly allocatedMb: number;
  readonly infrastructureMb: number;
}

export interface HostCheck {
  readonly platform: HostPlatform;
  readonly memory: MemoryBudget;
  readonly findings: Finding[];
}

/**
 * The memory budget (like the VRAM budget: every container's limit must fit, since Docker
 * enforces each limit but nothing stops their sum exceeding the host), and what Docker Desktop
 * on WSL 2 cannot do. On WSL 2 all containers share the VM, whose size `.wslconfig` sets
 * (`[wsl2] memory=`; by default half of the Windows RAM:
 * https://learn.microsoft.com/windows/wsl/wsl-config#configuration-settings-for-wslconfig).
 */
export function checkHost(machine: Machine, containers: readonly ContainerPlan[], host: HostOptions): HostCheck {
  const findings: Finding[] = [];
  const groupsMb = containers.reduce((sum, c) => sum + c.memoryMb, 0);
  const allocatedMb = groupsMb + host.infrastructureMemoryMb;
  const memoryAt = host.settingAt("ai-system:hostMemoryMb");
  const desktop = isDockerDesktop(host.platform);
  if (host.memoryMb !== null && allocatedMb > host.memoryMb) {
    const table = containers.map((c) => `${c.name} ${c.memoryMb}`).join(", ");
    const vm = desktop ? "raise [wsl2] memory= in %UserProfile%\\.wslconfig (then wsl --shutdown) and hostMemoryMb with it, or " : "";
    findings.push(
      finding(
        "error",
        "memory-over-capacity",
        `${machine}: containers need ${allocatedMb} MB of memory (groups ${groupsMb}: ${table}; NATS and Redis ${host.infrastructureMemoryMb}) but hostMemoryMb is ${host.memoryMb}; ${vm}lower memory_mb of some groups`,
        memoryAt,
      ),
    );
  }
  if (desktop && host.memoryMb === null) {
    findings.push(
      finding(
        "warning",
        "memory-budget-unknown",
        `${machine} runs Docker Desktop on WSL 2, where all ${allocatedMb} MB of container limits share one VM (by default half of the Windows RAM); set hostMemoryMb to the VM's size (wsl free -m, or [wsl2] memory= in .wslconfig) so the plan checks they fit`,
        memoryAt,
      ),
    );
  }
  if (desktop) {
    for (const c of containers) {
      // WSL 2 gives every GPU container every GPU: "Filtering devices is not currently supported
      // by the driver on Windows (WSL2) systems" (NVIDIA/nvidia-container-toolkit#21), so GPU
      // groups are requested as --gpus all, which means the host's one GPU, id 0.
      if (c.gpu !== null && (c.gpu.deviceIds.length !== 1 || c.gpu.deviceIds[0] !== "0")) {
        findings.push(
          finding(
            "error",
            "gpu-device-selection",
            `GPU group ${c.name} asks for device_ids ${JSON.stringify(c.gpu.deviceIds)}, but Docker Desktop on WSL 2 cannot select GPUs (every GPU container sees all of them, NVIDIA/nvidia-container-toolkit#21); write device_ids: ["0"] (one GPU per host), or run this host on hostPlatform linux`,
            c.source,
          ),
        );
      }
    }
    if (host.imageMode === "build") {
      findings.push(
        finding(
          "warning",
          "image-store",
          `${machine}: imageMode build needs Docker's classic image store, but Docker Desktop 4.34 and later use the containerd image store by default on new installations (docs.docker.com/desktop/features/containerd); in Docker Desktop untick Settings > General > "Use containerd for pulling and storing images" before pulumi up, or build and push the images elsewhere and set imageMode prebuilt`,
          host.settingAt("ai-system:imageMode"),
        ),
      );
    }
  }
  const planned = new Set(containers.map((c) => c.name));
  const unknown = (host.pinnedGroups ?? []).filter((g) => !planned.has(g));
  if (unknown.length > 0 && containers.length > 0) {
    findings.push(
      finding(
        "error",
        "invalid-value",
        `stack setting imageDigests pins ${unknown.join(", ")}, which ${machine} does not run (its groups: ${[...planned].sort().join(", ")}); fix the group name or remove the pin`,
        host.settingAt("ai-system:imageDigests"),
      ),
    );
  }
  return { platform: host.platform, memory: { capacityMb: host.memoryMb, allocatedMb, infrastructureMb: host.infrastructureMemoryMb }, findings };
}
