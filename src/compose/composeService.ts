/**
 * One ContainerSpec -> one compose service. Every field of the spec has an entry in
 * CONTAINER_FIELDS (a mapped type over `keyof ContainerSpec`), so a field added to the spec
 * without a decision here does not compile. The nested spec types are destructured with
 * `noneLeft`, which fails to compile when they gain a field.
 */
import { parseGoDuration } from "../render/goDuration";
import { appendAll } from "../config/appendAll";
import { setOwn } from "../config/ownProperty";
import { renderLabels } from "../render/labels";
import { containerStopTimeoutSeconds } from "../render/launcher";
import { providerMemorySwapMb } from "../render/providerForms";
import { ContainerSpec, Lifecycle, MountSpec, VolumeSpec } from "../render/spec";
import { ComposeMount, ComposeService, DependencyCondition, GeneratedFile, SERVICE_KEY_ORDER, ServiceExtension } from "./composeModel";
import { composeDuration, composeSpecText } from "./composeText";

/** What a field's mapping may need besides the spec: the file's network, volumes and services. */
export interface ServiceContext {
  /** Key of the host network in the file's `networks:`. */
  readonly networkKey: string;
  /** The file's named volumes, by spec key. */
  readonly volumes: ReadonlyMap<string, VolumeSpec>;
  /** Lifecycle of every service of the file, by key (what a dependant waits for). */
  readonly lifecycles: ReadonlyMap<string, Lifecycle>;
  /** Directory (relative to the compose files) holding the generated upload files. */
  readonly filesDir: string;
}

/** A field's share of the service; shares are merged (lists concatenated, maps joined). */
export type ServiceContribution = Omit<ComposeService, "x-ai-system"> & {
  readonly "x-ai-system"?: Partial<ServiceExtension>;
  /** Files to write next to the compose file (not part of the service). */
  readonly files?: readonly GeneratedFile[];
};

/** One mapping per field of `S`: adding a field to S without adding its mapping fails to compile. */
export type FieldMappers<S, C, R = ServiceContribution> = { readonly [K in keyof S]-?: (value: S[K], spec: S, context: C) => R };

/** Compile-time check that a destructuring took every field (the rest must be empty). */
export function noneLeft(rest: Record<string, never>): void {
  void rest;
}

export class ComposeExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ComposeExportError";
  }
}

const NONE: ServiceContribution = {};

function mountOf(mount: MountSpec, spec: ContainerSpec, context: ServiceContext): ComposeMount {
  if (mount.type === "volume") {
    const { type, volume, target, readOnly, ...rest } = mount;
    noneLeft(rest);
    if (!context.volumes.has(volume)) throw new ComposeExportError(`container ${spec.name} mounts volume ${volume}, which the machine does not declare`);
    return { type, source: volume, target, read_only: readOnly };
  }
  const { type, source, target, readOnly, ...rest } = mount;
  noneLeft(rest);
  return { type, source, target, read_only: readOnly };
}

function dependencyCondition(lifecycle: Lifecycle): DependencyCondition {
  switch (lifecycle) {
    case "service":
      return "service_healthy";
    case "once":
      return "service_completed_successfully";
  }
}

/** Where an upload's generated file lives, relative to the compose files. */
export function uploadPath(filesDir: string, serviceKey: string, file: string): string {
  return `${filesDir}/${serviceKey}/${file.replace(/^\/+/, "")}`;
}

export const CONTAINER_FIELDS: FieldMappers<ContainerSpec, ServiceContext> = {
  // The service's name in the file (checked by composeService).
  key: (key) => ({ "x-ai-system": { key } }),
  // renderLabels carries the role, the internal ports and every hardening exception, as on the Pulumi container.
  role: (role, spec) => ({ labels: Object.fromEntries(renderLabels(spec).map((l) => [l.name, l.value])), "x-ai-system": { role } }),
  name: (name) => ({ container_name: name }),
  image: (image) => ({ image }),
  command: (command) => (command === null ? NONE : { command: [...command] }),
  user: (user) => ({ user }),
  env: (env, spec) => {
    if (env.length === 0) return NONE;
    const environment: Record<string, ReturnType<typeof composeSpecText>> = {};
    for (const { name, value, ...rest } of env) {
      noneLeft(rest);
      if (Object.hasOwn(environment, name)) throw new ComposeExportError(`container ${spec.name} sets ${name} twice`);
      setOwn(environment, name, composeSpecText(value));
    }
    return { environment };
  },
  attachNetwork: (attach, spec, context) => (attach ? { networks: { [context.networkKey]: { aliases: [...spec.aliases] } } } : { network_mode: "none" }),
  // Written with the network (attachNetwork).
  aliases: (aliases, spec) => {
    if (!spec.attachNetwork && aliases.length > 0) throw new ComposeExportError(`container ${spec.name} has aliases but no network`);
    return NONE;
  },
  hosts: (hosts) =>
    hosts.length === 0
      ? NONE
      : {
          extra_hosts: hosts.map(({ host, ip, ...rest }) => {
            noneLeft(rest);
            return `${host}:${ip}`;
          }),
        },
  ports: (ports) =>
    ports.length === 0
      ? NONE
      : {
          ports: ports.map(({ ip, external, internal, protocol, ...rest }) => {
            noneLeft(rest);
            return `${ip}:${external}:${internal}/${protocol}`;
          }),
        },
  internalPorts: (internalPorts) => ({ "x-ai-system": { internal_ports: [...internalPorts] } }),
  devices: (devices) => (devices.length === 0 ? NONE : { devices: devices.map((d) => `${d}:${d}`) }),
  groupAdd: (groups) => (groups.length === 0 ? NONE : { group_add: [...groups] }),
  mounts: (mounts, spec, context) => (mounts.length === 0 ? NONE : { volumes: mounts.map((m) => mountOf(m, spec, context)) }),
  tmpfs: (tmpfs) =>
    tmpfs.length === 0
      ? NONE
      : {
          tmpfs: tmpfs.map(({ target, options, ...rest }) => {
            noneLeft(rest);
            return `${target}:${options}`;
          }),
        },
  // Pulumi copies an upload into the container; compose binds a generated file read-only instead
  // (docker-compose 1.29 ignores `configs:` outside a swarm).
  uploads: (uploads, spec, context) => {
    if (uploads.length === 0) return NONE;
    const files = uploads.map(({ file, content, ...rest }) => {
      noneLeft(rest);
      return { target: file, path: uploadPath(context.filesDir, spec.key, file), content };
    });
    return {
      volumes: files.map((f) => ({ type: "bind" as const, source: `./${f.path}`, target: f.target, read_only: true })),
      files: files.map((f) => ({ path: f.path, content: f.content })),
    };
  },
  // What dependants wait for (dependsOn).
  lifecycle: (lifecycle) => ({ "x-ai-system": { lifecycle } }),
  healthcheck: (healthcheck) => {
    if (healthcheck === null) return NONE;
    const { tests, interval, timeout, startPeriod, startInterval, retries, ...rest } = healthcheck;
    noneLeft(rest);
    const duration = (go: string) => composeDuration(parseGoDuration(go));
    return {
      healthcheck: {
        test: [...tests],
        interval: duration(interval),
        timeout: duration(timeout),
        retries,
        start_period: duration(startPeriod),
        // Only where the engine takes a start interval (dockerApiVersion 1.44+), as in Pulumi.
        ...(startInterval === null ? {} : { "x-start_interval": duration(startInterval) }),
      },
    };
  },
  gpu: (gpu) => {
    if (gpu === null) return { "x-ai-system": { vram_mb: null } };
    const { driver, deviceIds, count, capabilities, vramMb, ...rest } = gpu;
    noneLeft(rest);
    // The compose specification takes count or device_ids, not both; `count: all` is `--gpus all`.
    const which = count === -1 ? { count: "all" as const } : { device_ids: [...deviceIds] };
    return {
      deploy: { resources: { reservations: { devices: [{ driver, ...which, capabilities: [...capabilities] }] } } },
      "x-ai-system": { vram_mb: vramMb },
    };
  },
  cpus: (cpus) => ({ cpus }),
  memoryMb: (memoryMb) => ({ mem_limit: `${memoryMb}m`, memswap_limit: `${providerMemorySwapMb(memoryMb)}m` }),
  shmMb: (shmMb) => (shmMb === null ? NONE : { shm_size: `${shmMb}m` }),
  readOnlyRootfs: (readOnly) => ({ read_only: readOnly }),
  noNewPrivileges: (noNewPrivileges) => (noNewPrivileges ? { security_opt: ["no-new-privileges:true"] } : NONE),
  capabilities: ({ drop, add, ...rest }) => {
    noneLeft(rest);
    return { cap_drop: [...drop], ...(add.length === 0 ? {} : { cap_add: [...add] }) };
  },
  ipc: (ipc) => ({ ipc }),
  processLimit: (limit) => ({ ulimits: { nproc: { soft: limit, hard: limit } } }),
  init: (init) => ({ init }),
  restart: (restart) => ({ restart }),
  log: ({ driver, options, ...rest }) => {
    noneLeft(rest);
    return { logging: { driver, options: { ...options } } };
  },
  waitTimeoutSeconds: (seconds) => ({ "x-ai-system": { wait_timeout_seconds: seconds } }),
  // Carried by the labels (role).
  exceptions: () => NONE,
  dependsOn: (dependsOn, spec, context) => {
    if (dependsOn.length === 0) return NONE;
    const entries = dependsOn.map((key) => {
      const lifecycle = context.lifecycles.get(key);
      if (lifecycle === undefined) throw new ComposeExportError(`container ${spec.name} depends on ${key}, which is not in the same compose file`);
      return [key, { condition: dependencyCondition(lifecycle) }] as const;
    });
    return { depends_on: Object.fromEntries(entries) };
  },
};

/**
 * Settings the components derive from the whole spec rather than from one field; each one the
 * components pass to the provider must appear here too (the parity test compares them).
 */
export const DERIVED_SETTINGS: readonly ((spec: ContainerSpec) => ServiceContribution)[] = [
  // The group launcher's grace period plus a margin (Pulumi: stopTimeout and destroyGraceSeconds).
  (spec) => {
    const seconds = containerStopTimeoutSeconds(spec);
    return seconds === null ? NONE : { stop_grace_period: composeDuration(seconds * 1000) };
  },
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Joins two shares: lists are concatenated, maps joined key by key; anything else set twice is a bug. */
function merge(into: Record<string, unknown>, share: Readonly<Record<string, unknown>>, where: string): void {
  for (const [key, value] of Object.entries(share)) {
    const existing = into[key];
    if (existing === undefined) into[key] = Array.isArray(value) ? [...value] : isRecord(value) ? { ...value } : value;
    else if (Array.isArray(existing) && Array.isArray(value)) existing.push(...value);
    else if (isRecord(existing) && isRecord(value)) merge(existing, value, `${where}.${key}`);
    else throw new ComposeExportError(`${where}.${key} is set by two fields of the container spec`);
  }
}

const EXTENSION_KEYS: readonly (keyof ServiceExtension)[] = ["key", "role", "lifecycle", "wait_timeout_seconds", "internal_ports", "vram_mb"];

/** The service of one container spec and the files it needs written next to the compose file. */
export function composeService(spec: ContainerSpec, context: ServiceContext): { service: ComposeService; files: GeneratedFile[] } {
  if (!/^[a-zA-Z0-9._-]+$/.test(spec.key)) throw new ComposeExportError(`container key ${spec.key} is not a valid compose service name`);
  const merged: Record<string, unknown> = {};
  const files: GeneratedFile[] = [];
  for (const field of Object.keys(CONTAINER_FIELDS) as (keyof ContainerSpec)[]) {
    const map = CONTAINER_FIELDS[field] as (value: unknown, spec: ContainerSpec, context: ServiceContext) => ServiceContribution;
    const { files: generated, ...share } = map(spec[field], spec, context);
    appendAll(files, (generated ?? []));
    merge(merged, share, `service ${spec.key}`);
  }
  for (const derive of DERIVED_SETTINGS) merge(merged, derive(spec), `service ${spec.key}`);
  const extension = merged["x-ai-system"] as Partial<ServiceExtension>;
  const missing = EXTENSION_KEYS.filter((k) => !(k in extension));
  if (missing.length > 0) throw new ComposeExportError(`service ${spec.key}: x-ai-system lacks ${missing.join(", ")}`);
  const service: Record<string, unknown> = {};
  for (const key of SERVICE_KEY_ORDER) if (merged[key] !== undefined) service[key] = merged[key];
  const unordered = Object.keys(merged).filter((k) => !(SERVICE_KEY_ORDER as readonly string[]).includes(k));
  if (unordered.length > 0) throw new ComposeExportError(`service ${spec.key}: keys ${unordered.join(", ")} have no place in SERVICE_KEY_ORDER`);
  return { service: service as ComposeService, files };
}
