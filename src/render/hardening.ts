/**
 * The hardening every container gets, and the documented exceptions with their reasons. The
 * renderers decide here; src/hardening checks the result (on specs, and on the provider inputs).
 */
import { CapabilitySpec, HARDENING_CHECK_IDS, HardeningException, LogSpec, TmpfsSpec } from "./spec";
import { LoggingSettings } from "./deploymentSettings";

/** Every capability dropped; the few a container needs are added back by name. */
export const DROP_ALL_CAPABILITIES: CapabilitySpec = { drop: ["ALL"], add: [] };

/** RLIMIT_NPROC for the NATS uid (a Go server: a few dozen threads). */
export const NATS_PROCESS_LIMIT = 1024;
/** RLIMIT_NPROC for Redis's uid 999 (a handful of threads; the uid may exist on the host too). */
export const REDIS_PROCESS_LIMIT = 512;
/** RLIMIT_NPROC for the one-shot init (not enforced for uid 0: see its 5.29 exception). */
export const INIT_PROCESS_LIMIT = 64;

export function renderLog(settings: LoggingSettings): LogSpec {
  return { driver: "json-file", options: { "max-size": settings.logMaxSize, "max-file": String(settings.logMaxFiles) } };
}

/**
 * A tmpfs at `target`, world-writable with the sticky bit (like /tmp) so any uid can use it.
 * `exec: false` adds noexec; agents need exec because Python extensions and JIT compilers
 * (Triton, TorchInductor) load the libraries they build from the temporary directory.
 */
export function renderTmpfs(target: string, sizeMb: number, exec: boolean): TmpfsSpec {
  const options = ["rw", ...(exec ? [] : ["noexec"]), "nosuid", "nodev", `size=${sizeMb}m`, "mode=1777"];
  return { target, options: options.join(",") };
}

/** The uid of a `uid:gid` user. */
export function userId(user: string): string {
  return user.split(":")[0] ?? user;
}

/** Exceptions sorted in check order. */
export function sortExceptions(exceptions: readonly HardeningException[]): HardeningException[] {
  return [...exceptions].sort((a, b) => HARDENING_CHECK_IDS.indexOf(a.id) - HARDENING_CHECK_IDS.indexOf(b.id));
}

/**
 * 5.15: CIS recommends `on-failure` with at most 5 retries. These containers run unattended:
 * `unless-stopped` brings a crashed container back (Docker waits 100 ms, doubling up to 1 min,
 * between attempts, so a crash loop cannot hammer the host) and brings every container back
 * after a host reboot, while a `docker stop` for maintenance holds. `on-failure` would leave a
 * group down for good after its retries, and after a reboot restarts only containers whose last
 * exit was an error, yet the group launcher exits 0 when the host shuts it down.
 */
export const RESTART_EXCEPTION: HardeningException = {
  id: "5.15",
  reason:
    "restart unless-stopped: the hosts run unattended, so a crashed container must come back (Docker backs off from 100 ms to 1 min between attempts) and every container must come back after a reboot; on-failure gives up after its retries and after a reboot restarts only containers that exited with an error, while a docker stop for maintenance still holds",
};

/** 5.29: the provider has no pids limit; RLIMIT_NPROC is what configuration can set. */
export function processLimitException(user: string, limit: number): HardeningException {
  const uid = userId(user);
  const enforced =
    uid === "0"
      ? "which the kernel does not enforce for uid 0: this one-shot container runs a few commands and exits"
      : `which counts every process and thread of uid ${uid} on the host, across all its containers, not this container alone`;
  return {
    id: "5.29",
    reason: `@pulumi/docker 5.2.0 cannot set a pids cgroup limit; the bound is RLIMIT_NPROC ${limit} (ulimit nproc), ${enforced}`,
  };
}

/** 5.17: NVIDIA MPS clients talk to the host's MPS server through host IPC (shared memory). */
export const MPS_IPC_EXCEPTION: HardeningException = {
  id: "5.17",
  reason:
    "ipc host: gpuSharing is mps, and NVIDIA MPS clients exchange shared memory with the MPS server on the host, which needs the host IPC namespace; the container can see the host's System V IPC objects and /dev/shm",
};
