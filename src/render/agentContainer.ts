import { ordinal } from "../config/ordinal";
import { ContainerPlan, DeploymentPlan } from "../plan/deploymentPlan";
import { renderAgentEnvironment } from "./agentEnvironment";
import { renderAgentAliases, renderPeerHostEntries } from "./agentNetwork";
import { AgentRuntimeSettings } from "./deploymentSettings";
import { groupImageReference } from "./groupImages";
import { DROP_ALL_CAPABILITIES, MPS_IPC_EXCEPTION, processLimitException, renderLog, renderTmpfs, RESTART_EXCEPTION, sortExceptions } from "./hardening";
import { renderAgentHealthcheck } from "./healthchecks";
import { containerStopTimeoutSeconds } from "./launcher";
import { mpsSharingOf, mpsPipeMount } from "./gpuSharing";
import { groupContainerName, NATS_KEY, REDIS_KEY } from "./names";
import { RenderError } from "./renderError";
import { ContainerSpec, GpuSpec, GroupImageSpec, MountSpec, PortSpec } from "./spec";
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

/** The agents' HTTP health/metrics ports: they listen on the network but are never published. */
export function agentInternalPorts(container: ContainerPlan): number[] {
  return [...new Set(container.agents.map((a) => a.httpHealthPort))].sort((a, b) => a - b);
}

/**
 * The container of one planned group, hardened: the agent image's non-root user, every
 * capability dropped, no new privileges, a read-only root with /tmp as tmpfs (the five /app
 * directories are mounts), Docker's init as PID 1, and a process limit. With gpuSharing `mps` a
 * GPU group is an MPS client instead: the MPS user, the host IPC namespace (a documented
 * exception), the pipe directory, and the host's /dev/shm (so no shm size of its own).
 * Restart: `unless-stopped`, for the reason in RESTART_EXCEPTION.
 *
 * The image is the group's own (`image`, from src/images; without it, the reference the image
 * settings give, see groupImageReference) and runs the group launcher as its entrypoint, which
 * reads GROUP_AGENTS_JSON and takes no arguments: a group `command` is refused.
 */
export function renderAgentContainer(plan: DeploymentPlan, container: ContainerPlan, settings: AgentRuntimeSettings, image?: GroupImageSpec): ContainerSpec {
  if (container.agents.length === 0) {
    throw new RenderError(`container ${container.name} has no agents: it would run nothing and could never turn healthy`);
  }
  if (container.command !== null) {
    throw new RenderError(
      `container group ${container.name} sets command ${JSON.stringify(container.command)}, but every agent-group image runs the group launcher (launcher/group_launcher.py), which starts the group's agents itself and takes no arguments; remove command from docker_groups.${container.machine}.${container.name} (${container.source.file}:${container.source.line})`,
    );
  }
  if (image !== undefined && image.key !== container.name) throw new RenderError(`container ${container.name} was given the image of group ${image.key}`);
  const mps = mpsSharingOf(container, settings);
  const user = mps?.user ?? settings.containerUsers.agent;
  const mounts: MountSpec[] = [...renderAgentMounts(settings.hostConfigDir), ...(mps === null ? [] : [mpsPipeMount(mps)])];
  const spec: ContainerSpec = {
    key: container.name,
    role: "agent-group",
    name: groupContainerName(container.name),
    image: groupImageReference(settings.images, container.name, image),
    command: null,
    user,
    env: renderAgentEnvironment(plan, container, settings),
    attachNetwork: true,
    aliases: renderAgentAliases(plan, container),
    hosts: renderPeerHostEntries(plan, settings),
    ports: renderPublishedPorts(container.publishedPorts, settings.lanIps[plan.machine]),
    internalPorts: agentInternalPorts(container),
    mounts: mounts.sort((a, b) => ordinal(a.target, b.target)),
    tmpfs: [renderTmpfs("/tmp", settings.agentTmpfsMb, true)],
    uploads: [],
    lifecycle: "service",
    healthcheck: renderAgentHealthcheck(container, settings.healthcheck),
    gpu: renderGpu(container),
    cpus: container.cpus,
    memoryMb: container.memoryMb,
    shmMb: mps === null ? container.shmMb : null,
    readOnlyRootfs: true,
    noNewPrivileges: true,
    capabilities: DROP_ALL_CAPABILITIES,
    ipc: mps === null ? "private" : "host",
    processLimit: settings.agentProcessLimit,
    init: true,
    restart: "unless-stopped",
    log: renderLog(settings),
    waitTimeoutSeconds: settings.waitTimeoutSeconds,
    exceptions: sortExceptions([
      RESTART_EXCEPTION,
      processLimitException(user, settings.agentProcessLimit),
      ...(mps === null ? [] : [MPS_IPC_EXCEPTION]),
    ]),
    dependsOn: [...container.dependsOn, NATS_KEY, REDIS_KEY],
  };
  // A grace period the launcher would refuse ends here, before anything is created.
  containerStopTimeoutSeconds(spec);
  return spec;
}
