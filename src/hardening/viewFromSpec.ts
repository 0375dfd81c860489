import { ContainerSpec } from "../render/spec";
import { ContainerView, MountView } from "./containerView";

/**
 * The view of a container spec, with each field as components/containerArgs.ts hands it to the
 * provider (a test keeps both readers' results equal on every container of both stacks).
 */
export function viewFromSpec(spec: ContainerSpec): ContainerView {
  const mounts: MountView[] = [
    ...spec.mounts.map((m) => ({ type: m.type, source: m.type === "bind" ? m.source : m.volume, target: m.target, readOnly: m.readOnly })),
    ...spec.tmpfs.map((t) => ({ type: "tmpfs", source: "", target: t.target, readOnly: false })),
  ];
  return {
    name: spec.name,
    role: spec.role,
    user: spec.user,
    command: spec.command ?? [],
    securityOpts: spec.noNewPrivileges ? ["no-new-privileges:true"] : [],
    capabilityDrops: spec.capabilities.drop,
    capabilityAdds: spec.capabilities.add,
    privileged: false,
    networkMode: spec.attachNetwork ? null : "none",
    pidMode: null,
    ipcMode: spec.ipc,
    utsMode: null,
    memoryMb: spec.memoryMb,
    cpus: spec.cpus,
    readOnlyRootfs: spec.readOnlyRootfs,
    mounts,
    devices: [...spec.devices],
    restart: spec.restart,
    maxRetryCount: null,
    pidsLimit: null,
    ulimits: [{ name: "nproc", soft: spec.processLimit, hard: spec.processLimit }],
    ports: spec.ports.map((p) => ({ internal: p.internal, external: p.external, ip: p.ip })),
    internalPorts: spec.internalPorts,
    logDriver: spec.log.driver,
    logOptions: { ...spec.log.options },
    exceptions: new Map(spec.exceptions.map((e) => [e.id, e.reason])),
  };
}
