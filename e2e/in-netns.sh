#!/usr/bin/env bash
# Runs a command (the end-to-end suite: `npm run test:e2e`) inside network, mount and PID
# namespaces of its own, so that nothing the suite starts (dockerd, its containers, the
# simulated LAN addresses, the test process) can send a packet off this machine.
#
#   e2e/in-netns.sh COMMAND [ARG...]        e.g. e2e/in-netns.sh npx mocha --config test/e2e/mocharc.json
#                                           or   e2e/in-netns.sh bash   (a shell in a fresh namespace)
#
# 1. While the machine's network is still there: installs every Debian package of
#    e2e/host-packages.list (apt-get update first, only when one is missing) and downloads the
#    .deb files of the e2e images (e2e/images.sh --fetch). Nothing inside needs the network.
# 2. `unshare --net --mount --pid --fork --mount-proc`: a new network namespace with only `lo`
#    (brought up here), a private mount namespace (every mount dockerd makes under E2E_ROOT
#    disappears with it) and a PID namespace whose init is this script: when it ends, however it
#    ends, the kernel kills everything left in it (dockerd, containerd, shims, containers).
#    /sys is not remounted: a fresh sysfs would hide /sys/fs/cgroup ("Devices cgroup isn't
#    mounted", seen with `ip netns exec`).
# 3. Inside, before the command: refuses to run unless the namespace is not the machine's, it has
#    no link but `lo` and no default route (IPv4 and IPv6, all tables); prints what it checked.
#    After the command: stops the engine (e2e/engine.sh stop) and checks again that only `lo`, the
#    LAN-address bridge and the engine's bridges and veths were ever added.
# Needs root. Exit status: the command's, or 1 when a check or the preparation fails.
set -euo pipefail
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"
E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=e2e/common.sh
. "$E2E_DIR/common.sh"

[ "$#" -gt 0 ] || { echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; }
[ "$(id -u)" = 0 ] || e2e_die "in-netns.sh must run as root (namespaces, dockerd)"

# Links the suite may add to its namespace: loopback, the LAN-address bridge, the bridges of
# the engine's networks (br-<id>) and the containers' veth ends.
allowed_link() {
  case "$1" in
    lo | "$E2E_LAN_IF" | br-* | veth*) return 0 ;;
    *) return 1 ;;
  esac
}

links() { ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'; }

# check_isolation PHASE: exit 1 unless this is not the machine's namespace, it has no default
# route and no unexpected link. Before the command only `lo` may exist.
check_isolation() {
  local phase="$1" here link bad=() routes
  here="$(readlink /proc/self/ns/net)"
  [ -n "${AI_SYSTEM_E2E_HOST_NETNS:-}" ] && [ "$here" != "$AI_SYSTEM_E2E_HOST_NETNS" ] ||
    e2e_die "isolation ($phase): this process is in the machine's network namespace ($here)"
  for link in $(links); do
    if [ "$phase" = before ]; then [ "$link" = lo ] || bad+=("$link"); else allowed_link "$link" || bad+=("$link"); fi
  done
  [ "${#bad[@]}" -eq 0 ] || e2e_die "isolation ($phase): unexpected link(s) in the namespace: ${bad[*]}"
  routes="$( { ip -4 route show table all; ip -6 route show table all; } | grep -E '^(unicast )?default' || true)"
  [ -z "$routes" ] || e2e_die "isolation ($phase): the namespace has a default route: $routes"
  e2e_log "isolation ($phase): network namespace $here (the machine's is $AI_SYSTEM_E2E_HOST_NETNS); links: $(links | tr '\n' ' '); no default route (IPv4, IPv6, all tables); ip_forward $(cat /proc/sys/net/ipv4/ip_forward)"
}

inner() {
  ip link set lo up
  check_isolation before
  local child="" rc=0
  # As the namespace's init this shell gets no default signal handling: pass TERM/INT on to the
  # command; the EXIT trap then stops the engine, and the kernel ends whatever is left.
  trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null' TERM INT
  trap 'finish' EXIT
  # `<&0`: a background command would otherwise read /dev/null (`e2e/in-netns.sh bash`).
  "$@" <&0 &
  child=$!
  wait "$child" || rc=$?
  # A signal interrupts `wait`; wait again for the command itself to end.
  while [ -d "/proc/$child" ]; do wait "$child" || rc=$?; done
  exit "$rc"
}

# Pids of the processes naming the engine's exec root (dockerd, containerd, shims). With the
# namespace's own /proc (--mount-proc) only those of this namespace.
engine_pids() {
  local p
  for p in /proc/[0-9]*; do
    case "$(tr '\0' ' ' 2>/dev/null <"$p/cmdline" || true)" in *"$E2E_EXEC_ROOT"*) echo "${p#/proc/}" ;; esac
  done
}

finish() {
  local rc=$?
  trap - EXIT
  # Only an engine of this namespace: `stop` without one would still empty the exec root, which
  # an engine elsewhere (one started by hand, against the rules of e2e.lock) may be using.
  if [ -n "$(engine_pids)" ]; then
    "$E2E_DIR/engine.sh" stop >/dev/null 2>&1 || e2e_log "WARNING: engine.sh stop failed inside the namespace"
  fi
  check_isolation after || rc=1
  exit "$rc"
}

prepare() {
  local packages
  packages="$(sed -e 's/#.*//' "$E2E_DIR/host-packages.list" | tr -s ' \n' ' ')"
  # shellcheck disable=SC2086
  "$E2E_DIR/host-packages.sh" $packages
  "$E2E_DIR/images.sh" --fetch
}

outer() {
  local started host_ns rc=0
  started="$(e2e_now)"
  # One run at a time: the namespace's engine uses the same E2E_ROOT as any other.
  exec 8>"$E2E_RUN_LOCK"
  flock -w 600 8 || e2e_die "another e2e run holds $E2E_RUN_LOCK"
  prepare
  # An engine started by hand (`e2e/engine.sh start`) in the machine's namespace shares the data
  # root; the one inside must not run next to it.
  if "$E2E_DIR/engine.sh" status >/dev/null 2>&1; then
    e2e_log "stopping the engine that runs in the machine's namespace (the suite starts its own inside)"
    E2E_RUN_LOCK_HELD=1 "$E2E_DIR/engine.sh" stop
  fi
  host_ns="$(readlink /proc/self/ns/net)"
  e2e_log "prepared in $(e2e_elapsed "$started")s; entering a new network namespace for: $*"
  # --kill-child: if unshare itself dies (SIGKILL; it holds SIGTERM/SIGINT until its child ends),
  # the namespace's init gets SIGTERM and cleans up. Ctrl-C reaches the init and the command.
  AI_SYSTEM_E2E_NETNS=1 AI_SYSTEM_E2E_HOST_NETNS="$host_ns" \
    unshare --net --mount --pid --fork --mount-proc --propagation private --kill-child=SIGTERM -- \
    "$E2E_DIR/in-netns.sh" "$@" 8>&- || rc=$?
  # The namespaces are gone with their last process; nothing of the engine may survive them.
  local left=()
  mapfile -t left < <(engine_pids)
  [ "${#left[@]}" -eq 0 ] || { e2e_log "ERROR: engine processes outlived the namespace: ${left[*]}"; rc=1; }
  if awk -v root="$E2E_ROOT/" 'index($2, root) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
    e2e_log "ERROR: mounts under $E2E_ROOT outlived the namespace"
    rc=1
  fi
  e2e_log "namespace run ended (exit $rc) after $(e2e_elapsed "$started")s"
  return "$rc"
}

if [ "${AI_SYSTEM_E2E_NETNS:-}" = 1 ] && [ "$$" = 1 ]; then
  inner "$@"
elif [ "${AI_SYSTEM_E2E_NETNS:-}" = 1 ]; then
  # Already inside (e.g. a test calling the entry again): just run the command, once the
  # namespace is shown not to be the machine's.
  [ -n "${AI_SYSTEM_E2E_HOST_NETNS:-}" ] && [ "$(readlink /proc/self/ns/net)" != "$AI_SYSTEM_E2E_HOST_NETNS" ] ||
    e2e_die "AI_SYSTEM_E2E_NETNS=1 is set, but this is the machine's network namespace"
  exec "$@"
else
  outer "$@"
fi
