import { MACHINES } from "../config/machine";
import { DeploymentPlan } from "../plan/deploymentPlan";
import { percent } from "./format";
import { code, table } from "./markdown";
import { ReportInput } from "./reportInput";

/** Per host: each GPU container's share of the card, then total, headroom and what is left. */
export function gpuSection(input: ReportInput): string[] {
  return ["## GPU allocation", "", ...MACHINES.flatMap((m) => hostGpu(input.plans[m]))];
}

function hostGpu(plan: DeploymentPlan): string[] {
  const { capacityMb, headroomMb, allocatedMb, allowOvercommit } = plan.vram;
  const usable = capacityMb - headroomMb;
  const out = [`### ${plan.machine}: ${allocatedMb} of ${capacityMb} MiB allocated`, ""];
  const gpuContainers = plan.containers.filter((c) => c.gpu);
  if (gpuContainers.length === 0) {
    out.push(`No container on ${plan.machine} asks for the GPU; capacity ${capacityMb} MiB, headroom ${headroomMb} MiB.`, "");
    return out;
  }
  const unallocated = capacityMb - headroomMb - allocatedMb;
  const rows = gpuContainers.map((c) => [code(c.name), c.gpu!.deviceIds.map(code).join(", "), String(c.gpu!.vramMb), percent(c.gpu!.vramMb, capacityMb)]);
  rows.push(["**Total allocated**", "", `**${allocatedMb}**`, `**${percent(allocatedMb, capacityMb)}**`]);
  rows.push(["Headroom (kept free for driver, display, CUDA contexts)", "", String(headroomMb), percent(headroomMb, capacityMb)]);
  rows.push([unallocated >= 0 ? "Unallocated" : "**Over budget**", "", String(unallocated), percent(unallocated, capacityMb)]);
  rows.push(["**Capacity**", "", `**${capacityMb}**`, "**100.0%**"]);
  out.push(table(["Container", "Devices", "VRAM (MiB)", "Share of capacity"], rows, ["left", "left", "right", "right"]), "");
  out.push(
    allocatedMb <= usable
      ? `Within budget: the GPU containers ask for ${allocatedMb} MiB; at most ${usable} MiB (${capacityMb} MiB capacity - ${headroomMb} MiB headroom) may be allocated.`
      : `Over budget by ${allocatedMb - usable} MiB: the GPU containers ask for ${allocatedMb} MiB but only ${usable} MiB (${capacityMb} MiB capacity - ${headroomMb} MiB headroom) may be allocated; ${allowOvercommit ? "over-commit is allowed, so agents may fail to load models" : "the plan refuses this (finding vram-over-capacity)"}.`,
    "",
  );
  return out;
}
