/**
 * The hardening checks as data: the container-runtime recommendations of the CIS Docker
 * Benchmark that a container's configuration can prove, plus the service-level items (ports,
 * Redis ACL, NATS authentication and monitoring). Each check reads a ContainerView and says
 * pass, fail (with the problem), or exception (a deviation the container documents, with its
 * reason). A deviation without a documented reason is a failure.
 */
import * as path from "path";
import { ContainerRole, HardeningCheckId } from "../render/spec";
import { ContainerView } from "./containerView";
import { judgeNatsAuth, judgeNatsMonitoring } from "./natsConfig";
import { judgeRedisCommand } from "./redisAcl";

export type CheckStatus = "pass" | "fail" | "exception";

export interface CheckOutcome {
  readonly status: CheckStatus;
  /** What was found (pass), the problem (fail), or the documented reason (exception). */
  readonly detail: string;
}

export interface HardeningCheck {
  readonly id: HardeningCheckId;
  readonly title: string;
  /** Roles the check applies to; `all` for every container. */
  readonly roles: "all" | readonly ContainerRole[];
  readonly check: (view: ContainerView) => CheckOutcome;
}

const pass = (detail: string): CheckOutcome => ({ status: "pass", detail });
const fail = (detail: string): CheckOutcome => ({ status: "fail", detail });

/** A deviation: an exception when the container documents one for this check, else a failure. */
function deviation(view: ContainerView, id: HardeningCheckId, problem: string): CheckOutcome {
  const reason = view.exceptions.get(id);
  return reason === undefined ? fail(problem) : { status: "exception", detail: reason };
}

/**
 * CIS 5.5's sensitive host directories, plus the Docker and runtime state (`/run`, `/var/run`,
 * where the Docker socket lives, `/var/lib/docker`) and home directories: bound at or below one,
 * or at any ancestor of one (binding `/var` exposes `/var/run/docker.sock`, i.e. root on the host).
 */
export const SENSITIVE_HOST_DIRECTORIES = ["/boot", "/dev", "/etc", "/home", "/lib", "/proc", "/root", "/run", "/sys", "/usr", "/var/lib/docker", "/var/run"];

/** `//etc`, `/./etc/`, `/var/../etc` -> `/etc`: the path Docker binds, compared as such. */
export function normalizeHostPath(source: string): string {
  const normal = path.posix.normalize(source.replace(/\/+/g, "/"));
  return normal.length > 1 ? normal.replace(/\/+$/, "") : normal;
}

/** Whether binding `source` exposes a sensitive directory (at, below or above one). */
export function sensitiveHostPath(source: string): boolean {
  const p = normalizeHostPath(source);
  if (!p.startsWith("/")) return true; // relative: Docker would take it as a volume name, or worse
  return SENSITIVE_HOST_DIRECTORIES.some((d) => p === d || p.startsWith(`${d}/`) || p === "/" || d.startsWith(`${p}/`));
}
const DOCKER_SOCKETS = ["/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock"];

const binds = (view: ContainerView) => view.mounts.filter((m) => m.type === "bind");
const sharesHost = (mode: string | null) => mode === "host" || (mode?.startsWith("container:") ?? false);
const listOr = (items: readonly string[], none: string) => (items.length === 0 ? none : items.join(", "));

function checkUser(view: ContainerView): CheckOutcome {
  if (view.user === null || view.user === "") return deviation(view, "4.1", "no user set: the image's default user applies, root for many images");
  const uid = view.user.split(":")[0] ?? "";
  if (!/^[0-9]+$/.test(uid)) return deviation(view, "4.1", `user ${view.user} is a name: only a numeric uid proves the user is not root`);
  if (Number(uid) === 0) return deviation(view, "4.1", "runs as uid 0 (root)");
  return pass(`uid ${uid}`);
}

function checkCapabilities(view: ContainerView): CheckOutcome {
  if (!view.capabilityDrops.some((c) => c.toUpperCase() === "ALL")) return fail("does not drop ALL capabilities, so Docker's default set applies");
  if (view.capabilityAdds.length > 0) return deviation(view, "5.4", `adds ${view.capabilityAdds.join(", ")} without a documented reason`);
  return pass("drops ALL, adds none");
}

function checkSensitiveMounts(view: ContainerView): CheckOutcome {
  const sensitive = binds(view).filter((m) => sensitiveHostPath(m.source));
  if (sensitive.length > 0) return fail(`binds host ${sensitive.map((m) => m.source).join(", ")}`);
  if (view.devices.length > 0) return deviation(view, "5.6", `passes host devices ${view.devices.join(", ")}`);
  return pass(`binds ${listOr(binds(view).map((m) => `${m.source}${m.readOnly ? " (read-only)" : ""}`), "no host path")}`);
}

/** A check that the container does not share the host's (or another container's) namespace. */
function namespaceCheck(id: HardeningCheckId, what: string, mode: (view: ContainerView) => string | null, unset: string) {
  return (view: ContainerView): CheckOutcome => {
    const m = mode(view);
    return sharesHost(m) ? deviation(view, id, `shares the ${what} namespace (${m})`) : pass(m ?? unset);
  };
}

function checkReadOnly(view: ContainerView): CheckOutcome {
  if (!view.readOnlyRootfs) return deviation(view, "5.13", "the root filesystem is writable");
  const writable = view.mounts.filter((m) => !m.readOnly).map((m) => `${m.target} (${m.type})`);
  return pass(`read-only; writable: ${listOr(writable, "nothing")}`);
}

function checkPublishedAddresses(view: ContainerView): CheckOutcome {
  const wildcard = view.ports.filter((p) => p.ip === null || p.ip === "" || p.ip === "0.0.0.0" || p.ip === "::");
  if (wildcard.length > 0) return deviation(view, "5.14", `publishes ${wildcard.map((p) => p.external ?? p.internal).join(", ")} on every host address`);
  if (view.ports.length === 0) return pass("publishes no port");
  return pass(`bound to ${[...new Set(view.ports.map((p) => p.ip ?? ""))].join(", ")}`);
}

function checkRestart(view: ContainerView): CheckOutcome {
  const policy = view.restart ?? "no";
  if (policy === "no") return pass("never restarted");
  if (policy === "on-failure" && view.maxRetryCount !== null && view.maxRetryCount >= 1 && view.maxRetryCount <= 5) {
    return pass(`on-failure, at most ${view.maxRetryCount} retries`);
  }
  return deviation(view, "5.15", `restart ${policy} has no bound of at most 5 retries`);
}

function checkSeccomp(view: ContainerView): CheckOutcome {
  const off = view.securityOpts.find((o) => /^seccomp[:=]unconfined$/.test(o));
  return off === undefined ? pass("Docker's default seccomp profile") : fail(`security option ${off} turns seccomp off`);
}

function checkNoNewPrivileges(view: ContainerView): CheckOutcome {
  const on = view.securityOpts.some((o) => /^no-new-privileges(?:[:=]true)?$/.test(o));
  return on ? pass("no-new-privileges") : deviation(view, "5.26", "no-new-privileges is not set");
}

function checkPids(view: ContainerView): CheckOutcome {
  if (view.pidsLimit !== null && view.pidsLimit > 0) return pass(`pids limit ${view.pidsLimit}`);
  const nproc = view.ulimits.find((u) => u.name === "nproc" && u.soft > 0 && u.hard > 0);
  if (nproc === undefined) return fail("no pids limit and no nproc ulimit");
  return deviation(view, "5.29", `no pids cgroup limit, only RLIMIT_NPROC ${nproc.hard} of its uid`);
}

function checkDockerSocket(view: ContainerView): CheckOutcome {
  const socket = view.mounts.find((m) => m.type !== "tmpfs" && (DOCKER_SOCKETS.includes(m.source) || m.source.endsWith("/docker.sock")));
  return socket === undefined ? pass("no container runtime socket") : fail(`mounts ${socket.source}`);
}

function checkLogRotation(view: ContainerView): CheckOutcome {
  if (view.logDriver === "local") return pass("local driver (rotates by default)");
  if (view.logDriver !== "json-file") return fail(view.logDriver === null ? "the daemon's default log driver, which does not rotate unless daemon.json says so" : `log driver ${view.logDriver} is not rotated here`);
  const size = view.logOptions["max-size"];
  const files = view.logOptions["max-file"];
  if (size === undefined || files === undefined) return fail("json-file without max-size and max-file grows without bound");
  return pass(`json-file, ${files} files of ${size}`);
}

/** Ports another host may need, by role; agent groups publish their agents' ZMQ and health ports. */
const PUBLISHABLE: Readonly<Record<ContainerRole, readonly number[] | "not-internal">> = {
  "agent-group": "not-internal",
  nats: [4222, 7422],
  redis: [6379],
  "volume-init": [],
};

export function isContainerRole(role: string | null): role is ContainerRole {
  return role !== null && Object.keys(PUBLISHABLE).includes(role);
}

/** Needs the role label: without it, neither the ports another host needs nor the service checks are known. */
function checkNeededPorts(view: ContainerView): CheckOutcome {
  if (!isContainerRole(view.role)) return fail(`no known role label (${view.role ?? "none"}), so neither its ports nor its service checks are known`);
  const published = view.ports.map((p) => p.external ?? p.internal);
  const internal = published.filter((p) => view.internalPorts.includes(p));
  if (internal.length > 0) return fail(`publishes internal port ${internal.join(", ")}`);
  const allowed = PUBLISHABLE[view.role];
  if (allowed !== "not-internal") {
    const extra = published.filter((p) => !allowed.includes(p));
    if (extra.length > 0) return fail(`publishes ${extra.join(", ")}, which no other host needs from ${view.role}`);
  }
  const kept = view.internalPorts.length === 0 ? "" : `; keeps ${view.internalPorts.join(", ")} internal`;
  return pass(`publishes ${listOr(published.map(String), "nothing")}${kept}`);
}

function verdict(v: { readonly ok: true; readonly detail: string } | { readonly ok: false; readonly problem: string }): CheckOutcome {
  return v.ok ? pass(v.detail) : fail(v.problem);
}

/** The table, in report order (HARDENING_CHECK_IDS). */
export const HARDENING_CHECKS: readonly HardeningCheck[] = [
  { id: "4.1", title: "Run as a non-root user", roles: "all", check: checkUser },
  { id: "5.4", title: "Drop all capabilities; add back only documented ones", roles: "all", check: checkCapabilities },
  { id: "5.5", title: "Not privileged", roles: "all", check: (v) => (v.privileged ? fail("runs privileged") : pass("not privileged")) },
  { id: "5.6", title: "No sensitive host directory mounted", roles: "all", check: checkSensitiveMounts },
  { id: "5.10", title: "Host network namespace not shared", roles: "all", check: namespaceCheck("5.10", "host network", (v) => v.networkMode, "the machine's bridge network") },
  { id: "5.11", title: "Memory limit", roles: "all", check: (v) => (v.memoryMb !== null && v.memoryMb > 0 ? pass(`${v.memoryMb} MB`) : deviation(v, "5.11", "no memory limit")) },
  { id: "5.12", title: "CPU limit", roles: "all", check: (v) => (v.cpus !== null && v.cpus > 0 ? pass(`${v.cpus} CPU${v.cpus === 1 ? "" : "s"}`) : deviation(v, "5.12", "no CPU limit")) },
  { id: "5.13", title: "Read-only root filesystem", roles: "all", check: checkReadOnly },
  { id: "5.14", title: "Published ports bound to a host address, 0.0.0.0 only where the platform forces it (documented)", roles: "all", check: checkPublishedAddresses },
  { id: "5.15", title: "Restart policy bounded, or unless-stopped for a documented reason", roles: "all", check: checkRestart },
  { id: "5.16", title: "Host PID namespace not shared", roles: "all", check: namespaceCheck("5.16", "host PID", (v) => v.pidMode, "private") },
  { id: "5.17", title: "Host IPC namespace not shared", roles: "all", check: namespaceCheck("5.17", "host IPC", (v) => v.ipcMode, "Docker's default (not the host's)") },
  { id: "5.21", title: "Host UTS namespace not shared", roles: "all", check: namespaceCheck("5.21", "host UTS", (v) => v.utsMode, "private") },
  { id: "5.22", title: "Seccomp profile not disabled", roles: "all", check: checkSeccomp },
  { id: "5.26", title: "No new privileges", roles: "all", check: checkNoNewPrivileges },
  { id: "5.29", title: "PIDs limit", roles: "all", check: checkPids },
  { id: "5.32", title: "Docker socket not mounted", roles: "all", check: checkDockerSocket },
  { id: "log-rotation", title: "Logs rotated", roles: "all", check: checkLogRotation },
  { id: "needed-ports", title: "Only ports another host needs are published", roles: "all", check: checkNeededPorts },
  { id: "redis-acl", title: "Redis: default user password-protected, dangerous commands blocked by ACL", roles: ["redis"], check: (v) => verdict(judgeRedisCommand(v.command)) },
  { id: "nats-auth", title: "NATS: clients and the cross-host leaf link authenticated", roles: ["nats"], check: (v) => verdict(judgeNatsAuth(v.command)) },
  {
    id: "nats-monitoring",
    title: "NATS: monitoring on loopback only, never published",
    roles: ["nats"],
    check: (v) => verdict(judgeNatsMonitoring(v.command, v.ports.map((p) => p.external ?? p.internal))),
  },
];
