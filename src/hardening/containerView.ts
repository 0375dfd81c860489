/**
 * What the hardening checks look at: one container's runtime settings, read either from a
 * ContainerSpec (the plan command, before anything exists) or from the inputs the Docker
 * provider receives (the authoritative check, in the mock run). Both readers produce this view,
 * so one table of checks serves both.
 */
export interface PortView {
  readonly internal: number;
  readonly external: number | null;
  /** Host address; null or empty means every address. */
  readonly ip: string | null;
}

export interface MountView {
  /** `bind`, `volume` or `tmpfs`. */
  readonly type: string;
  /** Host path (bind) or volume name; empty for tmpfs. */
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

export interface UlimitView {
  readonly name: string;
  readonly soft: number;
  readonly hard: number;
}

export interface ContainerView {
  readonly name: string;
  /** From the role label; null when the container has none. */
  readonly role: string | null;
  /** `uid[:gid]` or a name; null: the image's default user. */
  readonly user: string | null;
  readonly command: readonly string[];
  readonly securityOpts: readonly string[];
  readonly capabilityDrops: readonly string[];
  readonly capabilityAdds: readonly string[];
  readonly privileged: boolean;
  /** null: Docker's default for each (a private namespace). */
  readonly networkMode: string | null;
  readonly pidMode: string | null;
  readonly ipcMode: string | null;
  readonly utsMode: string | null;
  readonly memoryMb: number | null;
  readonly cpus: number | null;
  readonly readOnlyRootfs: boolean;
  /** Bind mounts, volumes and tmpfs mounts. */
  readonly mounts: readonly MountView[];
  /** Host device paths passed through. */
  readonly devices: readonly string[];
  readonly restart: string | null;
  readonly maxRetryCount: number | null;
  /** A pids cgroup limit, should the provider ever take one. */
  readonly pidsLimit: number | null;
  readonly ulimits: readonly UlimitView[];
  readonly ports: readonly PortView[];
  /** Ports the container listens on that must never be published (from its label). */
  readonly internalPorts: readonly number[];
  readonly logDriver: string | null;
  readonly logOptions: Readonly<Record<string, string>>;
  /** Documented exceptions (from its labels): check id -> reason. */
  readonly exceptions: ReadonlyMap<string, string>;
}
