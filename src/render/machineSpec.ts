import { DeploymentPlan } from "../plan/deploymentPlan";
import { renderAgentContainer } from "./agentContainer";
import { Finding, finding } from "../config/finding";
import { NATS_HUB } from "../config/machine";
import { ordinal } from "../config/ordinal";
import { getOwn } from "../config/ownProperty";
import { SourceLocation } from "../config/sourceLocation";
import { DeploymentSettings, NetworkSettings } from "./deploymentSettings";
import { INFRASTRUCTURE_PORTS, NATS_INTERNAL_URL, REDIS_ALIAS, REDIS_DATABASE } from "./infrastructure";
import { CONFIG_INIT_KEY, NATS_KEY, NATS_STORE_INIT_KEY, REDIS_KEY } from "./names";
import { renderConfigInit } from "./configDelivery";
import { natsLeafRole, renderNatsContainer } from "./natsServer";
import { renderNatsStoreInit } from "./natsStoreInit";
import { renderRedisContainer } from "./redisServer";
import { providerCpus } from "./providerForms";
import { imageSlug, imageSlugClash, pulledImages } from "./pulledImages";
import { RenderError } from "./renderError";
import { ConfigFile, ContainerSpec, Endpoints, GpuAllocationTable, GroupImageSpec, MachineSpec } from "./spec";
import { ALL_VOLUMES } from "./volumes";

/** Stack output: which container holds which GPU and how much VRAM, against the capacity. */
export function renderGpuAllocation(plan: DeploymentPlan): GpuAllocationTable {
  const containers = plan.containers
    .flatMap((c) => (c.gpu === null ? [] : [{ name: c.name, deviceIds: [...c.gpu.deviceIds], vramMb: c.gpu.vramMb }]))
    .sort((a, b) => ordinal(a.name, b.name));
  return { capacityMb: plan.vram.capacityMb, headroomMb: plan.vram.headroomMb, allocatedMb: plan.vram.allocatedMb, containers };
}

export function renderEndpoints(settings: NetworkSettings): Endpoints {
  const ip = settings.lanIps[settings.machine];
  const ports = INFRASTRUCTURE_PORTS;
  return {
    machine: settings.machine,
    network: settings.networkName,
    natsUrl: `nats://${ip}:${ports.natsClient}`,
    natsInternalUrl: NATS_INTERNAL_URL,
    natsJetStreamDomain: settings.machine,
    natsLeafRole: natsLeafRole(settings.machine),
    natsLeafUrl: `nats-leaf://${settings.lanIps[NATS_HUB]}:${ports.natsLeafnode}`,
    redisUrl: `redis://${ip}:${ports.redis}/${REDIS_DATABASE}`,
    redisInternalUrl: `redis://${REDIS_ALIAS}:${ports.redis}/${REDIS_DATABASE}`,
  };
}

/** A cpus value the provider cannot read back unchanged would replace its container on every update. */
function withProviderCpus(spec: ContainerSpec): ContainerSpec {
  try {
    providerCpus(spec.cpus);
  } catch (error) {
    if (error instanceof RenderError) throw new RenderError(`container ${spec.name}: ${error.message}`);
    throw error;
  }
  return spec;
}

/** Names of the containers the program runs besides the groups, as a group name would clash with them. */
const RESERVED_KEYS: Readonly<Record<string, string>> = {
  [NATS_KEY]: "the nats server",
  [NATS_STORE_INIT_KEY]: "the NATS store init container",
  [CONFIG_INIT_KEY]: "the config init container",
  [REDIS_KEY]: "the redis server",
};

/** Every container of the machine in creation order: the NATS store init, NATS, Redis, the config init, the groups. */
export function machineContainers(spec: MachineSpec): ContainerSpec[] {
  return [spec.natsStoreInit, spec.nats, spec.redis, spec.configInit, ...spec.groups];
}

export type RenderOutcome = { readonly ok: true; readonly spec: MachineSpec } | { readonly ok: false; readonly findings: readonly Finding[] };

/**
 * Everything one machine runs, as plain data, or every reason it cannot be rendered (findings
 * with code `render`, at the group's place in the config; all groups are tried in one pass).
 * `images` (from src/images, one per group) name each group's image exactly; without them a
 * built group's image is its untagged repository (see groupImageReference). The sub-renderers
 * throw RenderError; this is the one place that turns it into a finding.
 */
export function renderMachine(plan: DeploymentPlan, settings: DeploymentSettings, configFiles: readonly ConfigFile[], images?: readonly GroupImageSpec[]): RenderOutcome {
  const findings: Finding[] = [];
  const stackFile: SourceLocation = { file: `Pulumi.${settings.machine}.yaml`, line: 1 };
  const configFile: SourceLocation = { file: plan.config.files[0] ?? stackFile.file, line: 1 };
  const problem = (message: string, at: SourceLocation) => findings.push(finding("error", "render", message, at));
  if (plan.machine !== settings.machine) {
    problem(`the plan is for ${plan.machine} but the stack deploys ${settings.machine}`, stackFile);
    return { ok: false, findings };
  }
  const started = new Set<string>([NATS_KEY, REDIS_KEY]);
  for (const c of plan.containers) {
    const reserved = getOwn(RESERVED_KEYS, c.name);
    if (reserved !== undefined) problem(`container group ${c.name} takes the name of ${reserved}; rename the group`, c.source);
    // Containers are created in plan order, so each dependency must come earlier.
    const late = c.dependsOn.filter((d) => !started.has(d));
    if (late.length > 0) problem(`container ${c.name} depends on ${late.join(", ")}, which the plan does not start before it`, c.source);
    started.add(c.name);
  }
  const imageOf = new Map((images ?? []).map((i) => [i.key, i]));
  if (images !== undefined) {
    const planned = new Set(plan.containers.map((c) => c.name));
    const missing = plan.containers.filter((c) => !imageOf.has(c.name)).map((c) => c.name);
    const extra = [...imageOf.keys()].filter((k) => !planned.has(k));
    if (missing.length > 0 || extra.length > 0 || imageOf.size !== images.length) {
      problem(`the group images (${[...imageOf.keys()].join(", ")}) do not match the planned groups (${[...planned].join(", ")})`, configFile);
    }
  }
  if (findings.length > 0) return { ok: false, findings };
  const attempt = <T>(at: SourceLocation, render: () => T): T | null => {
    try {
      return render();
    } catch (error) {
      if (!(error instanceof RenderError)) throw error;
      problem(error.message, at);
      return null;
    }
  };
  const natsStoreInit = attempt(stackFile, () => withProviderCpus(renderNatsStoreInit(settings)));
  const groupNames = plan.containers.map((c) => c.name);
  const nats = attempt(stackFile, () => withProviderCpus(renderNatsContainer(settings, groupNames)));
  const redis = attempt(stackFile, () => withProviderCpus(renderRedisContainer(settings, groupNames)));
  const configInit = attempt(configFile, () => withProviderCpus(renderConfigInit(settings, configFiles)));
  const groups = plan.containers.map((c) => attempt(c.source, () => withProviderCpus(renderAgentContainer(plan, c, settings, imageOf.get(c.name), configFiles))));
  if (natsStoreInit === null || nats === null || redis === null || configInit === null || findings.length > 0) return { ok: false, findings };
  const clash = imageSlugClash(pulledImages({ natsStoreInit, nats, redis, configInit }));
  if (clash !== null) {
    problem(
      `the images ${clash[0]} and ${clash[1]} (stack settings natsImage and redisImage) would get the same Pulumi resource name ${settings.machine}-image-${imageSlug(clash[0])}: they differ only in case or punctuation; write the same image the same way (Docker references are lower case) or use different images`,
      stackFile,
    );
    return { ok: false, findings };
  }
  return {
    ok: true,
    spec: {
      machine: plan.machine,
      networkName: settings.networkName,
      volumes: ALL_VOLUMES,
      natsStoreInit,
      configInit,
      nats,
      redis,
      groups: groups.filter((g): g is ContainerSpec => g !== null),
      gpuAllocation: renderGpuAllocation(plan),
      endpoints: renderEndpoints(settings),
    },
  };
}
