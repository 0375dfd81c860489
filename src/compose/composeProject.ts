/**
 * The compose layout of the two hosts, from the same MachineSpec the Pulumi components deploy:
 *
 * - `docker-compose.<machine>.yml`: everything one host runs: the NATS store init, NATS, Redis
 *   and the agent groups as services (same names, images, environment, aliases, host entries,
 *   ports on the host's LAN address, mounts, GPU reservations, healthchecks, restart policies,
 *   logs, resources, hardening and health-gated `depends_on`), and the host's named volumes
 *   with their fixed names.
 * - `docker-compose.network.yml`: shared by both hosts (the same file on each): the host
 *   network's fixed name, and the cross-host contract in `x-ai-system-cross-host` (both LAN
 *   addresses, the NATS leaf link, and every port each host publishes on its LAN address: the
 *   firewall openings between the hosts). It is rendered from both stacks and refuses stacks
 *   that disagree on what the other host must match (LAN addresses, network name, leaf user).
 *
 * The hosts share no Docker network (two engines); they meet only through published ports, as
 * with Pulumi. Each host runs `docker-compose -p ai-system -f docker-compose.network.yml -f
 * docker-compose.<machine>.yml up -d` with its own env file holding the secrets.
 */
import { appendAll } from "../config/appendAll";
import { Machine, MACHINES } from "../config/machine";
import { machineContainers } from "../render/machineSpec";
import { ContainerSpec, Endpoints, GpuAllocationTable, GroupImageSpec, ImageBuildSpec, MachineSpec, VolumeSpec } from "../render/spec";
import { ComposeBuild, ComposeNetwork, ComposeService, ComposeVolume, GeneratedFile } from "./composeModel";
import { ComposeExportError, composeService, FieldMappers, noneLeft, ServiceContext } from "./composeService";
import { machineSecretRefs, secretVariable } from "./composeText";

/** Key of the host network in every file's `networks:` (its Docker name is the stack's networkName). */
export const NETWORK_KEY = "ai-system";
/** Compose project name on each host (container, volume and network names are fixed anyway). */
export const PROJECT_NAME = "ai-system";
/** Directory of generated files (uploads), next to the compose files. */
export const FILES_DIR = "ai-system-files";

export const machineFileName = (machine: Machine): string => `docker-compose.${machine}.yml`;
export const NETWORK_FILE_NAME = "docker-compose.network.yml";

export interface MachineExtension {
  readonly machine: Machine;
  readonly network: string;
  readonly gpu_allocation: GpuAllocationTable;
  readonly endpoints: Endpoints;
  /** Volumes Pulumi keeps on destroy: never `docker-compose down -v` on a host whose data matters. */
  readonly retained_volumes: readonly string[];
}

export interface MachineFile {
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly volumes: Readonly<Record<string, ComposeVolume>>;
  readonly "x-ai-system": MachineExtension;
}

type MachineShare = {
  readonly services?: readonly ContainerSpec[];
  readonly volumes?: readonly VolumeSpec[];
  readonly extension?: Partial<MachineExtension>;
};

/** One mapping per MachineSpec field: a new field without a decision here fails to compile. */
const MACHINE_FIELDS: FieldMappers<MachineSpec, null, MachineShare> = {
  machine: (machine) => ({ extension: { machine } }),
  networkName: (network) => ({ extension: { network } }),
  volumes: (volumes) => ({
    volumes,
    extension: {
      retained_volumes: volumes.flatMap(({ key, name, retainOnDelete, ...rest }) => {
        noneLeft(rest);
        return retainOnDelete ? [name] : [];
      }),
    },
  }),
  natsStoreInit: (spec) => ({ services: [spec] }),
  configInit: (spec) => ({ services: [spec] }),
  nats: (spec) => ({ services: [spec] }),
  redis: (spec) => ({ services: [spec] }),
  groups: (groups) => ({ services: groups }),
  gpuAllocation: (gpuAllocation) => ({ extension: { gpu_allocation: gpuAllocation } }),
  endpoints: (endpoints) => ({ extension: { endpoints } }),
};

function machineShares(spec: MachineSpec): { services: ContainerSpec[]; volumes: VolumeSpec[]; extension: MachineExtension } {
  const services: ContainerSpec[] = [];
  const volumes: VolumeSpec[] = [];
  const extension: Record<string, unknown> = {};
  for (const field of Object.keys(MACHINE_FIELDS) as (keyof MachineSpec)[]) {
    const map = MACHINE_FIELDS[field] as (value: unknown, spec: MachineSpec, context: null) => MachineShare;
    const share = map(spec[field], spec, null);
    appendAll(services, (share.services ?? []));
    appendAll(volumes, (share.volumes ?? []));
    Object.assign(extension, share.extension ?? {});
  }
  return { services, volumes, extension: extension as unknown as MachineExtension };
}

export interface MachineExport {
  readonly machine: Machine;
  readonly file: MachineFile;
  readonly files: readonly GeneratedFile[];
}

/** A built group image as a compose `build:` (compose builds it on `up` when the content-tagged image is missing). */
export function composeBuild(build: ImageBuildSpec): ComposeBuild {
  const { context, dockerfile, template, buildArgs, labels, contentHash, hashed, timeoutMinutes, ...rest } = build;
  noneLeft(rest);
  return {
    context,
    dockerfile,
    args: { ...buildArgs },
    labels: { ...labels },
    "x-ai-system": { template, content_hash: contentHash, hashed_inputs: hashed.length, timeout_minutes: timeoutMinutes },
  };
}

/** Checks the group images against the groups (as renderMachine does) and returns the built ones by key. */
function builds(spec: MachineSpec, images: readonly GroupImageSpec[] | undefined): Map<string, ComposeBuild> {
  const result = new Map<string, ComposeBuild>();
  if (images === undefined) return result;
  const groups = new Map(spec.groups.map((g) => [g.key, g]));
  if (images.length !== groups.size || images.some((i) => !groups.has(i.key))) {
    throw new ComposeExportError(`the group images (${images.map((i) => i.key).join(", ")}) do not match the groups (${[...groups.keys()].join(", ")})`);
  }
  for (const { key, reference, build, ...rest } of images) {
    noneLeft(rest);
    if (groups.get(key)?.image !== reference) throw new ComposeExportError(`group ${key} runs ${groups.get(key)?.image ?? "?"} but its image is ${reference}`);
    if (build !== null) result.set(key, composeBuild(build));
  }
  return result;
}

/**
 * The compose file of one host: its services in creation order and its named volumes. `images`
 * are the group images the spec was rendered with (as the Pulumi program passes them); built
 * ones get a `build:` section.
 */
export function composeMachine(spec: MachineSpec, images?: readonly GroupImageSpec[]): MachineExport {
  const shares = machineShares(spec);
  const byKey = new Map<string, ContainerSpec>();
  for (const c of shares.services) {
    if (byKey.has(c.key)) throw new ComposeExportError(`two containers of ${spec.machine} have the key ${c.key}`);
    byKey.set(c.key, c);
  }
  // machineContainers is the creation order Pulumi uses; the services are written in it.
  const ordered = machineContainers(spec);
  if (ordered.length !== shares.services.length) throw new ComposeExportError("the machine spec's containers and machineContainers disagree");
  const context: ServiceContext = {
    networkKey: NETWORK_KEY,
    volumes: new Map(shares.volumes.map((v) => [v.key, v])),
    lifecycles: new Map(ordered.map((c) => [c.key, c.lifecycle])),
    filesDir: FILES_DIR,
  };
  const services: Record<string, ComposeService> = {};
  const files: GeneratedFile[] = [];
  const built = builds(spec, images);
  for (const c of ordered) {
    const exported = composeService(c, context);
    const build = built.get(c.key);
    services[c.key] = build === undefined ? exported.service : { image: exported.service.image, build, ...exported.service };
    appendAll(files, exported.files);
  }
  const volumes = Object.fromEntries(shares.volumes.map((v) => [v.key, { name: v.name }]));
  return { machine: spec.machine, file: { services, volumes, "x-ai-system": shares.extension }, files };
}

export interface CrossHostContract {
  /** Each host's LAN address: where it publishes, and where the other host's entries point. */
  readonly lan: Readonly<Record<Machine, string>>;
  readonly nats_leaf: { readonly hub: Machine; readonly url: string; readonly user: string };
  /** Per host and service, the ports published on the host's LAN address. */
  readonly published: Readonly<Record<Machine, Readonly<Record<string, readonly number[]>>>>;
  /** Per host, how many names its /etc/hosts entries send to the other host. */
  readonly peer_host_entries: Readonly<Record<Machine, number>>;
  /** Every variable an env file may define (each host needs those its own file references). */
  readonly secret_variables: Readonly<Record<string, readonly string[]>>;
}

export interface NetworkFile {
  readonly networks: Readonly<Record<string, ComposeNetwork>>;
  readonly "x-ai-system-cross-host": CrossHostContract;
}

/** What both stacks must agree on for the hosts to reach each other. */
export interface CrossHostSettings {
  readonly lanIps: Readonly<Record<Machine, string>>;
  readonly networkName: string;
  readonly natsLeafUser: string;
}

/**
 * The shared network file, from both hosts' specs and settings. Throws ComposeExportError when
 * the stacks disagree about each other (a wrong LAN address breaks every cross-host name).
 */
export function composeNetwork(specs: Readonly<Record<Machine, MachineSpec>>, settings: Readonly<Record<Machine, CrossHostSettings>>): NetworkFile {
  const [a, b] = MACHINES;
  const problems: string[] = [];
  for (const m of MACHINES) {
    if (settings[a].lanIps[m] !== settings[b].lanIps[m]) {
      problems.push(`the ${a} stack puts ${m} at ${settings[a].lanIps[m]} but the ${b} stack at ${settings[b].lanIps[m]}`);
    }
  }
  if (settings[a].networkName !== settings[b].networkName) {
    problems.push(`the stacks name the network differently (${settings[a].networkName}, ${settings[b].networkName}); the shared network file needs one name`);
  }
  if (settings[a].natsLeafUser !== settings[b].natsLeafUser) {
    problems.push(`the stacks' natsLeafUser differ (${settings[a].natsLeafUser}, ${settings[b].natsLeafUser}); the leaf node could not log in`);
  }
  if (problems.length > 0) throw new ComposeExportError(`the two stacks disagree about each other:\n  ${problems.join("\n  ")}`);
  const hub = MACHINES.find((m) => specs[m].endpoints.natsLeafRole === "hub");
  if (hub === undefined) throw new ComposeExportError("neither host is the NATS leaf-node hub");
  const published = Object.fromEntries(
    MACHINES.map((m) => [
      m,
      Object.fromEntries(machineContainers(specs[m]).flatMap((c) => (c.ports.length === 0 ? [] : [[c.key, c.ports.map((p) => p.external)]]))),
    ]),
  ) as Record<Machine, Record<string, number[]>>;
  const hostEntries = Object.fromEntries(MACHINES.map((m) => [m, specs[m].groups[0]?.hosts.length ?? 0])) as Record<Machine, number>;
  return {
    networks: { [NETWORK_KEY]: { name: settings[a].networkName, driver: "bridge" } },
    "x-ai-system-cross-host": {
      lan: { ...settings[a].lanIps },
      nats_leaf: { hub, url: specs[hub].endpoints.natsLeafUrl, user: settings[a].natsLeafUser },
      published,
      peer_host_entries: hostEntries,
      secret_variables: Object.fromEntries(MACHINES.map((m) => [m, machineSecretRefs(specs[m]).map(secretVariable)])),
    },
  };
}
