import { EXCEPTION_LABEL_PREFIX, INTERNAL_PORTS_LABEL, ROLE_LABEL } from "../render/labels";
import { ContainerView, MountView, PortView, UlimitView } from "./containerView";

/** Resolved `docker.Container` inputs (as the engine receives them), by input name. */
export type DockerContainerInputs = Readonly<Record<string, unknown>>;

type Fields = Readonly<Record<string, unknown>>;

function isFields(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);
const numeric = (value: unknown): number | null => (typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : null);
const list = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
const texts = (value: unknown): string[] => list(value).flatMap((v) => (typeof v === "string" ? [v] : []));
const records = (value: unknown): Fields[] => list(value).filter(isFields);

function labels(inputs: DockerContainerInputs): Map<string, string> {
  const found = new Map<string, string>();
  for (const l of records(inputs.labels)) {
    const name = text(l.label);
    const value = text(l.value);
    if (name !== null && value !== null) found.set(name, value);
  }
  return found;
}

function mounts(inputs: DockerContainerInputs): MountView[] {
  const fromMounts = records(inputs.mounts).map((m) => ({
    type: text(m.type) ?? "",
    source: text(m.source) ?? "",
    target: text(m.target) ?? "",
    readOnly: m.readOnly === true,
  }));
  // The provider's older `volumes` input: a hostPath wins over a volume name.
  const fromVolumes = records(inputs.volumes).map((v) => {
    const hostPath = text(v.hostPath);
    return {
      type: hostPath === null ? "volume" : "bind",
      source: hostPath ?? text(v.volumeName) ?? text(v.fromContainer) ?? "",
      target: text(v.containerPath) ?? "",
      readOnly: v.readOnly === true,
    };
  });
  const tmpfs = isFields(inputs.tmpfs) ? Object.keys(inputs.tmpfs).map((target) => ({ type: "tmpfs", source: "", target, readOnly: false })) : [];
  return [...fromMounts, ...fromVolumes, ...tmpfs];
}

function ports(inputs: DockerContainerInputs): PortView[] {
  return records(inputs.ports).map((p) => ({ internal: numeric(p.internal) ?? 0, external: numeric(p.external), ip: text(p.ip) }));
}

function ulimits(inputs: DockerContainerInputs): UlimitView[] {
  return records(inputs.ulimits).map((u) => ({ name: text(u.name) ?? "", soft: numeric(u.soft) ?? 0, hard: numeric(u.hard) ?? 0 }));
}

function logOptions(value: unknown): Record<string, string> {
  if (!isFields(value)) return {};
  return Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])));
}

/** The view of a container from its provider inputs; unknown or missing fields read as Docker's defaults. */
export function viewFromDockerInputs(inputs: DockerContainerInputs): ContainerView {
  const found = labels(inputs);
  const capabilities = isFields(inputs.capabilities) ? inputs.capabilities : {};
  const internal = found.get(INTERNAL_PORTS_LABEL);
  const exceptions = new Map<string, string>();
  for (const [name, value] of found) {
    if (name.startsWith(EXCEPTION_LABEL_PREFIX)) exceptions.set(name.slice(EXCEPTION_LABEL_PREFIX.length), value);
  }
  return {
    name: text(inputs.name) ?? "",
    role: found.get(ROLE_LABEL) ?? null,
    user: text(inputs.user),
    command: texts(inputs.command),
    securityOpts: texts(inputs.securityOpts),
    capabilityDrops: texts(capabilities.drops),
    capabilityAdds: texts(capabilities.adds),
    privileged: inputs.privileged === true,
    networkMode: text(inputs.networkMode),
    pidMode: text(inputs.pidMode),
    ipcMode: text(inputs.ipcMode),
    utsMode: text(inputs.utsMode),
    memoryMb: numeric(inputs.memory),
    cpus: numeric(inputs.cpus),
    readOnlyRootfs: inputs.readOnly === true,
    mounts: mounts(inputs),
    devices: records(inputs.devices).flatMap((d) => texts([d.hostPath])),
    restart: text(inputs.restart),
    maxRetryCount: numeric(inputs.maxRetryCount),
    pidsLimit: numeric(inputs.pidsLimit),
    ulimits: ulimits(inputs),
    ports: ports(inputs),
    internalPorts: internal === undefined ? [] : internal.split(",").map(Number),
    logDriver: text(inputs.logDriver),
    logOptions: logOptions(inputs.logOpts),
    exceptions,
  };
}
