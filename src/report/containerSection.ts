import { GpuRequest } from "../config/effectiveConfig";
import { MACHINES } from "../config/machine";
import { ordinal } from "../config/ordinal";
import { DeploymentPlan } from "../plan/deploymentPlan";
import { count } from "./format";
import { code, table, text } from "./markdown";
import { ReportInput } from "./reportInput";

export function gpuText(gpu: GpuRequest | null): string {
  if (!gpu) return "none (CPU only)";
  return `${gpu.vramMb} MiB on device${gpu.deviceIds.length === 1 ? "" : "s"} ${gpu.deviceIds.map(code).join(", ")}`;
}

/** Per host: each container's resources, then each agent's container and ports. */
export function containerSection(input: ReportInput): string[] {
  return ["## Containers and agents", "", ...MACHINES.flatMap((m) => hostContainers(input.plans[m]))];
}

function hostContainers(plan: DeploymentPlan): string[] {
  const { machine } = plan;
  const out = [`### ${machine}: ${count(plan.containers.length, "container")}, ${count(plan.agents.length, "agent")}`, ""];
  if (plan.containers.length === 0) {
    out.push(`No container plan: the merged configuration has no ${code(`docker_groups.${machine}`)} (see Open findings), so no agent is placed in a container.`, "");
  } else {
    out.push(
      table(
        ["Wave", "Container", "Image", "CPUs", "Memory (MiB)", "Shared memory (MiB)", "GPU", "Agents"],
        plan.containers.map((c) => [String(c.wave), code(c.name), code(c.image), String(c.cpus), String(c.memoryMb), String(c.shmMb), gpuText(c.gpu), String(c.agents.length)]),
        ["right", "left", "left", "right", "right", "right", "left", "right"],
      ),
      "",
    );
  }
  const placed = plan.containers.flatMap((c) => c.agents.map((a) => ({ agent: a, container: code(c.name) })));
  const placedNames = new Set(placed.map((p) => p.agent.name));
  const rest = plan.agents
    .filter((a) => !placedNames.has(a.name))
    .sort((a, b) => ordinal(a.name, b.name))
    .map((a) => ({ agent: a, container: plan.containers.length === 0 ? "-" : "**unassigned**" }));
  out.push(
    table(
      ["Agent", "Container", "v3 group", "Port (ZMQ)", "Health port (ZMQ)", "HTTP port (/health, /metrics)", "Required", "Depends on"],
      [...placed, ...rest].map(({ agent, container }) => [
        text(agent.name),
        container,
        code(agent.group),
        String(agent.port),
        String(agent.healthCheckPort),
        String(agent.httpHealthPort),
        agent.required ? "yes" : "no",
        agent.dependencies.map(text).join(", ") || "-",
      ]),
      ["left", "left", "left", "right", "right", "right", "left", "left"],
    ),
    "",
  );
  return out;
}
