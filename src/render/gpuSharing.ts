import { ContainerPlan } from "../plan/deploymentPlan";
import { GpuSharing, GpuSharingSettings } from "./deploymentSettings";
import { EnvVar, MountSpec } from "./spec";

export type MpsSharing = Extract<GpuSharing, { readonly mode: "mps" }>;

/** The MPS settings when this container is an MPS client (a GPU group with gpuSharing `mps`), else null. */
export function mpsSharingOf(container: ContainerPlan, settings: GpuSharingSettings): MpsSharing | null {
  return settings.gpuSharing.mode === "mps" && container.gpu !== null ? settings.gpuSharing : null;
}

/** The control daemon's pipe directory, at the same path inside (clients connect to its sockets). */
export function mpsPipeMount(mps: MpsSharing): MountSpec {
  return { type: "bind", source: mps.pipeDirectory, target: mps.pipeDirectory, readOnly: false };
}

/**
 * `<device>=<N>M` for each device id, comma-separated: NVIDIA's format for the per-client pinned
 * device memory limit (`0=9216M`). The ids are CUDA device ordinals as the client sees them; on
 * these single-GPU hosts the only device is 0 both on the host and in the container.
 */
export function mpsMemoryLimit(deviceIds: readonly string[], vramMb: number): string {
  return deviceIds.map((id) => `${id}=${vramMb}M`).join(",");
}

/**
 * GPU groups only: GPU_VRAM_BUDGET_MB (the planned budget, in both modes, for agents to size
 * their models) and, as MPS clients, the per-process memory cap and the daemon's directories.
 * CUDA_MPS_PINNED_DEVICE_MEM_LIMIT applies to each CUDA process of the group on its own.
 */
export function gpuEnvironment(container: ContainerPlan, settings: GpuSharingSettings): EnvVar[] {
  if (container.gpu === null) return [];
  const budget: EnvVar = { name: "GPU_VRAM_BUDGET_MB", value: String(container.gpu.vramMb) };
  const mps = mpsSharingOf(container, settings);
  if (mps === null) return [budget];
  return [
    { name: "CUDA_MPS_LOG_DIRECTORY", value: mps.logDirectory },
    { name: "CUDA_MPS_PINNED_DEVICE_MEM_LIMIT", value: mpsMemoryLimit(container.gpu.deviceIds, container.gpu.vramMb) },
    { name: "CUDA_MPS_PIPE_DIRECTORY", value: mps.pipeDirectory },
    budget,
  ];
}
