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
import { CONFIG_INIT_KEY, groupContainerName, NATS_KEY, REDIS_KEY } from "./names";
import { RenderError } from "./renderError";
import { configDigestVariable } from "./configDelivery";
import { ConfigFile, ContainerSpec, GpuSpec, GroupImageSpec, MountSpec } from "./spec";
import { HostPlatform, isDockerDesktop } from "./hostPlatform";
import { publishPorts } from "./publishedPorts";
import { renderAudio } from "./audio";
import { renderAgentMounts } from "./volumes";

/**
 * One device request per GPU group. Linux: the explicit ids, never `all`, so VRAM budgets hold.
 * Docker Desktop on WSL 2: `--gpus all` (count -1), the form its GPU documentation uses
 * (https://docs.docker.com/desktop/features/gpu/), since WSL 2 cannot filter devices
 * (NVIDIA/nvidia-container-toolkit#21; the plan refuses ids other than "0" there).
 */
export function renderGpu(container: ContainerPlan, platform: HostPlatform = "linux"): GpuSpec | null {
  if (container.gpu === null) return null;
  const all = isDockerDesktop(platform);
  return { driver: "nvidia", deviceIds: all ? [] : [...container.gpu.deviceIds], count: all ? -1 : null, capabilities: ["gpu"], vramMb: container.gpu.vramMb };
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
 * Restart: `unless-stopped`, for the reason in RESTART_EXCEPTION. The host platform decides how
 * ports are bound (publishPorts), the GPU request's form (renderGpu) and how the group's audio
 * agents reach the sound card (renderAudio).
 *
 * The image is the group's own (`image`, from src/images; without it, the reference the image
 * settings give, see groupImageReference) and runs the group launcher as its entrypoint, which
 * reads GROUP_AGENTS_JSON and takes no arguments: a group `command` is refused. `configFiles`
 * (what the config init delivers; renderMachine always passes them) only give the digest that
 * replaces the group when their content changes.
 */
export function renderAgentContainer(
  plan: DeploymentPlan,
  container: ContainerPlan,
  settings: AgentRuntimeSettings,
  image?: GroupImageSpec,
  configFiles: readonly ConfigFile[] = [],
): ContainerSpec {
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
  const audio = renderAudio(settings.platform, container.audioAgents);
  const bound = publishPorts(settings, container.publishedPorts);
  const mounts: MountSpec[] = [...renderAgentMounts(), ...(mps === null ? [] : [mpsPipeMount(mps)]), ...audio.mounts];
  const spec: ContainerSpec = {
    key: container.name,
    role: "agent-group",
    name: groupContainerName(container.name),
    image: groupImageReference(settings.images, container.name, image),
    command: null,
    user,
    env: [...renderAgentEnvironment(plan, container, settings), ...audio.env, configDigestVariable(configFiles)].sort((a, b) => ordinal(a.name, b.name)),
    attachNetwork: true,
    aliases: renderAgentAliases(plan, container),
    hosts: renderPeerHostEntries(plan, settings),
    ports: bound.ports,
    internalPorts: agentInternalPorts(container),
    devices: audio.devices,
    groupAdd: audio.groupAdd,
    mounts: mounts.sort((a, b) => ordinal(a.target, b.target)),
    tmpfs: [renderTmpfs("/tmp", settings.agentTmpfsMb, true)],
    uploads: [],
    lifecycle: "service",
    healthcheck: renderAgentHealthcheck(settings.healthcheck),
    gpu: renderGpu(container, settings.platform),
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
      ...bound.exceptions,
      ...audio.exceptions,
    ]),
    dependsOn: [...container.dependsOn, CONFIG_INIT_KEY, NATS_KEY, REDIS_KEY],
  };
  // A grace period the launcher would refuse ends here, before anything is created.
  containerStopTimeoutSeconds(spec);
  return spec;
}
