import { LoggingSettings } from "./deploymentSettings";
import { INIT_PROCESS_LIMIT, renderLog } from "./hardening";
import { CapabilitySpec, ContainerSpec, HardeningException, UploadSpec } from "./spec";

/** What tells one volume init from another; everything else is the same for all of them. */
export interface VolumeInit {
  readonly key: string;
  readonly name: string;
  readonly image: string;
  readonly command: readonly string[];
  /** The one volume it prepares, mounted writable at `target`. */
  readonly volume: string;
  readonly target: string;
  readonly uploads: readonly UploadSpec[];
  readonly readOnlyRootfs: boolean;
  readonly capabilities: CapabilitySpec;
  readonly exceptions: readonly HardeningException[];
}

/**
 * A one-shot container that prepares a volume before the containers that mount it: root, no
 * network, no restart, small limits, and it exits (its exit code gates its dependents).
 */
export function renderVolumeInit(init: VolumeInit, settings: LoggingSettings): ContainerSpec {
  return {
    key: init.key,
    role: "volume-init",
    name: init.name,
    image: init.image,
    command: init.command,
    user: "0:0",
    env: [],
    attachNetwork: false,
    aliases: [],
    hosts: [],
    ports: [],
    internalPorts: [],
    devices: [],
    groupAdd: [],
    mounts: [{ type: "volume", volume: init.volume, target: init.target, readOnly: false }],
    tmpfs: [],
    uploads: init.uploads,
    lifecycle: "once",
    healthcheck: null,
    gpu: null,
    cpus: 0.5,
    memoryMb: 64,
    shmMb: null,
    readOnlyRootfs: init.readOnlyRootfs,
    noNewPrivileges: true,
    capabilities: init.capabilities,
    ipc: "private",
    processLimit: INIT_PROCESS_LIMIT,
    init: false,
    restart: "no",
    log: renderLog(settings),
    waitTimeoutSeconds: null,
    exceptions: init.exceptions,
    dependsOn: [],
  };
}
