import { ContainerPlan, DeploymentPlan } from "../plan/deploymentPlan";
import { renderAgentEnvironment } from "./agentEnvironment";
import { renderAgentAliases, renderPeerHostEntries } from "./agentNetwork";
import { DeploymentSettings } from "./deploymentSettings";
import { renderAgentHealthcheck } from "./healthchecks";
import { groupContainerName, NATS_KEY, REDIS_KEY } from "./names";
import { RenderError } from "./renderError";
import { ContainerSpec, GpuSpec, LogSpec, PortSpec } from "./spec";
import { renderAgentMounts } from "./volumes";

/** One device request per GPU group with explicit ids, never `all`, so VRAM budgets hold. */
export function renderGpu(container: ContainerPlan): GpuSpec | null {
  if (container.gpu === null) return null;
  return { driver: "nvidia", deviceIds: [...container.gpu.deviceIds], capabilities: ["gpu"], vramMb: container.gpu.vramMb };
}

/** Each agent's ZMQ `port` and `healthCheckPort`, bound to this machine's LAN address only. */
export function renderPublishedPorts(ports: readonly number[], ip: string): PortSpec[] {
  return [...new Set(ports)].sort((a, b) => a - b).map((port) => ({ internal: port, external: port, ip, protocol: "tcp" }));
}

export function renderLog(settings: DeploymentSettings): LogSpec {
  return { driver: "json-file", options: { "max-size": settings.logMaxSize, "max-file": String(settings.logMaxFiles) } };
}

/**
 * The container of one planned group. `unless-stopped`: the group comes back after a crash and
 * after a host reboot (the stack runs unattended), yet a `docker stop` for maintenance holds;
 * `on-failure` would give up after maxRetryCount and leave the agents down until someone notices.
 */
export function renderAgentContainer(plan: DeploymentPlan, container: ContainerPlan, settings: DeploymentSettings): ContainerSpec {
  if (container.agents.length === 0) {
    throw new RenderError(`container ${container.name} has no agents: it would run nothing and could never turn healthy`);
  }
  return {
    key: container.name,
    name: groupContainerName(container.name),
    image: container.image,
    command: container.command === null ? null : [...container.command],
    env: renderAgentEnvironment(plan, container, settings),
    aliases: renderAgentAliases(plan, container),
    hosts: renderPeerHostEntries(plan, settings),
    ports: renderPublishedPorts(container.publishedPorts, settings.lanIps[plan.machine]),
    mounts: renderAgentMounts(settings.hostConfigDir),
    uploads: [],
    healthcheck: renderAgentHealthcheck(container, settings.healthcheck),
    gpu: renderGpu(container),
    cpus: container.cpus,
    memoryMb: container.memoryMb,
    shmMb: container.shmMb,
    restart: "unless-stopped",
    log: renderLog(settings),
    waitTimeoutSeconds: settings.waitTimeoutSeconds,
    dependsOn: [...container.dependsOn, NATS_KEY, REDIS_KEY],
  };
}
