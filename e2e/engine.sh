#!/usr/bin/env bash
# A private Docker engine for the end-to-end tests: Debian's dockerd on its own socket, data
# root and exec root under E2E_ROOT (default /tmp/ai-system-e2e), plus two simulated host "LAN
# addresses" (see common.sh). Needs root. See e2e/README.md.
#
#   e2e/engine.sh start    install docker.io + docker-compose if missing, start, wait (bounded)
#   e2e/engine.sh stop     stop all containers, the daemon and its children; clean the exec root
#   e2e/engine.sh status   exit 0 when the engine answers, 3 when it does not
#   e2e/engine.sh env      print DOCKER_HOST=unix://... (and the two LAN addresses)
#   e2e/engine.sh purge    stop, delete the engine's bridges and the whole E2E_ROOT
#
# Tunables (environment): E2E_ROOT, E2E_STORAGE_DRIVER (auto|overlay2|vfs), E2E_START_TIMEOUT
# (60 s), E2E_STOP_TIMEOUT (30 s), E2E_ADDRESS_POOL, E2E_MAINPC_IP, E2E_PC2_IP, DOCKER.
set -euo pipefail

export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"
E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=e2e/common.sh
. "$E2E_DIR/common.sh"

START_TIMEOUT="${E2E_START_TIMEOUT:-60}"
STOP_TIMEOUT="${E2E_STOP_TIMEOUT:-30}"

require_root() {
  [ "$(id -u)" = 0 ] || e2e_die "engine.sh must run as root (dockerd needs it)"
}

# --- installation -----------------------------------------------------------------------------

# Debian's packages: docker.io brings dockerd, docker-proxy, containerd, runc, tini and iptables
# (dockerd still calls iptables inside each container's namespace for the embedded DNS on
# 127.0.0.11, even with --iptables=false); iproute2 for the LAN-address bridge.
ensure_packages() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v containerd >/dev/null 2>&1 || missing+=(containerd)
  command -v runc >/dev/null 2>&1 || missing+=(runc)
  command -v docker-init >/dev/null 2>&1 || missing+=(tini) # `docker run --init`
  command -v docker-proxy >/dev/null 2>&1 || missing+=(docker.io)
  command -v iptables >/dev/null 2>&1 || missing+=(iptables)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  command -v ip >/dev/null 2>&1 || missing+=(iproute2)
  [ -x /usr/bin/docker ] || missing+=(docker.io)
  [ "${#missing[@]}" -eq 0 ] && return 0
  local packages
  packages="$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')"
  e2e_in_netns && e2e_die "not installed: $packages; the namespace has no network. e2e/in-netns.sh installs e2e/host-packages.list before it enters it: add them there"
  e2e_log "installing Debian packages: $packages"
  # Keep the packages' maintainer scripts from starting a system dockerd/containerd.
  local made_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  local rc=0
  # shellcheck disable=SC2086
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages
  } >"$E2E_ROOT/apt-install.log" 2>&1 || rc=$?
  [ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
  if [ "$rc" -ne 0 ]; then
    tail -n 20 "$E2E_ROOT/apt-install.log" >&2
    e2e_die "apt-get install $packages failed (log: $E2E_ROOT/apt-install.log)"
  fi
}

# --- process helpers ----------------------------------------------------------------------------

daemon_pid() {
  local pid
  [ -f "$E2E_PIDFILE" ] || return 1
  pid="$(cat "$E2E_PIDFILE" 2>/dev/null || true)"
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  # The pid must still be our dockerd (a stale pidfile may name a recycled pid).
  case "$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" in
    *"--exec-root=$E2E_EXEC_ROOT "*) ;;
    *) return 1 ;;
  esac
  echo "$pid"
}

engine_answers() {
  timeout 10 env DOCKER_HOST="unix://$E2E_SOCKET" "$DOCKER" info --format '{{.ServerVersion}}' >/dev/null 2>&1
}

# Pids of every process whose command line names this engine's exec root (containerd, the
# containerd shims), plus the given pids' descendants. Never matches anything else.
engine_processes() {
  local p cmd
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    cmd="$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" || true)"
    case "$cmd" in
      *"$E2E_EXEC_ROOT"*) echo "$p" ;;
    esac
  done
}

descendants() {
  # All descendants of the given pids (children first found via /proc/*/stat ppid).
  local frontier=("$@") found=() p stat ppid
  local -A seen=()
  while [ "${#frontier[@]}" -gt 0 ]; do
    local next=()
    for p in /proc/[0-9]*; do
      p="${p#/proc/}"
      [ -n "${seen[$p]:-}" ] && continue
      stat="$(cat "/proc/$p/stat" 2>/dev/null || true)"
      [ -n "$stat" ] || continue
      ppid="$(echo "${stat##*) }" | awk '{print $2}')"
      for f in "${frontier[@]}"; do
        if [ "$ppid" = "$f" ]; then
          seen[$p]=1
          found+=("$p")
          next+=("$p")
          break
        fi
      done
    done
    frontier=("${next[@]+"${next[@]}"}")
  done
  printf '%s\n' "${found[@]+"${found[@]}"}"
}

wait_gone() {
  # wait_gone SECONDS PID...: 0 when all are gone within the time.
  local deadline=$((SECONDS + $1)) p alive
  shift
  while :; do
    alive=""
    for p in "$@"; do [ -d "/proc/$p" ] && alive=1; done
    [ -z "$alive" ] && return 0
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.2
  done
}

current_log() {
  # dockerd's log since the last start marker (the file keeps earlier starts too).
  awk '/^===== .* engine\.sh start/ { n = 0 } { lines[n++] = $0 } END { for (i = 0; i < n; i++) print lines[i] }' "$E2E_LOG"
}

log_reason() {
  # The lines of dockerd's log that say why it failed, else its tail.
  [ -f "$E2E_LOG" ] || { echo "(no log at $E2E_LOG)"; return; }
  local reason
  reason="$(current_log | grep -E 'level=(fatal|error)|failed to start|Error starting daemon|panic' | tail -n 12 || true)"
  if [ -n "$reason" ]; then echo "$reason"; else current_log | tail -n 20; fi
}

# --- the simulated LAN addresses ----------------------------------------------------------------

ensure_lan() {
  if ! ip link show "$E2E_LAN_IF" >/dev/null 2>&1; then
    ip link add "$E2E_LAN_IF" type bridge || e2e_die "cannot create the LAN-address bridge $E2E_LAN_IF"
    # No IPv6 link-local chatter from a port-less interface.
    sysctl -q -w "net.ipv6.conf.$E2E_LAN_IF.disable_ipv6=1" >/dev/null 2>&1 || true
  fi
  local ip have
  have="$(ip -o -4 addr show dev "$E2E_LAN_IF")"
  for ip in "$E2E_MAINPC_IP" "$E2E_PC2_IP"; do
    case "$have" in
      *" $ip/"*) ;;
      *) ip addr add "$ip/32" dev "$E2E_LAN_IF" ;;
    esac
  done
  ip link set "$E2E_LAN_IF" up
}

remove_lan() {
  if ip link show "$E2E_LAN_IF" >/dev/null 2>&1; then ip link del "$E2E_LAN_IF" || true; fi
}

ip_to_int() {
  local IFS=. a b c d
  read -r a b c d <<<"$1"
  echo $(((a << 24) + (b << 16) + (c << 8) + d))
}

# Bridges dockerd made for this engine's networks: br-* interfaces with an address in the pool.
engine_bridges() {
  local base bits net mask
  base="${E2E_ADDRESS_POOL%/*}"
  bits="${E2E_ADDRESS_POOL#*/}"
  mask=$(((0xffffffff << (32 - bits)) & 0xffffffff))
  net=$(($(ip_to_int "$base") & mask))
  ip -o -4 addr show 2>/dev/null | awk '{print $2, $4}' | while read -r ifname cidr; do
    case "$ifname" in br-*) ;; *) continue ;; esac
    if [ $(($(ip_to_int "${cidr%/*}") & mask)) -eq "$net" ]; then echo "$ifname"; fi
  done | sort -u
}

# --- commands -----------------------------------------------------------------------------------

pick_storage_driver() {
  case "${E2E_STORAGE_DRIVER:-auto}" in
    auto)
      # overlay2 needs the overlay filesystem and a data root that is not itself on overlayfs.
      local fstype
      fstype="$(stat -f -c %T "$E2E_ROOT" 2>/dev/null || echo unknown)"
      if grep -qw overlay /proc/filesystems && [ "$fstype" != overlayfs ]; then echo overlay2; else echo vfs; fi
      ;;
    *) echo "$E2E_STORAGE_DRIVER" ;;
  esac
}

# Launch dockerd with the given storage driver and wait until it answers. 0 on success;
# 1 when it died (reason left in the log); 2 on timeout (daemon killed).
launch() {
  local driver="$1"
  {
    echo
    echo "===== $(date -u +%Y-%m-%dT%H:%M:%SZ) engine.sh start (storage driver $driver) ====="
  } >>"$E2E_LOG"
  # --iptables=false / --ip-masq=false: leave the host's firewall alone; no NAT, so containers
  #   have no route out of this machine. Published ports then go through docker-proxy.
  # --ip-forward=false: never switch on net.ipv4.ip_forward (containers stay on their bridges).
  # --bridge=none: no default docker0; the tests use user-defined networks (embedded DNS).
  # --config-file: ignore /etc/docker/daemon.json of a system Docker.
  # --cgroup-parent: keep the containers' cgroups apart from a system Docker's /docker.
  # No --containerd: dockerd runs its own containerd under the exec and data roots.
  # HTTP(S)_PROXY to a closed local port: a pull (a typo'd or missing image) fails at once
  # instead of looking up a registry; the images are all local (e2e/images.sh).
  env HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 NO_PROXY= no_proxy= \
    setsid dockerd \
    --host="unix://$E2E_SOCKET" \
    --data-root="$E2E_DATA_ROOT" \
    --exec-root="$E2E_EXEC_ROOT" \
    --pidfile="$E2E_PIDFILE" \
    --config-file="$E2E_DAEMON_CONFIG" \
    --storage-driver="$driver" \
    --iptables=false \
    --ip6tables=false \
    --ip-forward=false \
    --ip-masq=false \
    --bridge=none \
    --userland-proxy=true \
    --default-address-pool="base=$E2E_ADDRESS_POOL,size=24" \
    --cgroup-parent=/ai-system-e2e \
    --log-level=info \
    </dev/null >>"$E2E_LOG" 2>&1 9>&- &
  local launcher=$!
  local deadline=$((SECONDS + START_TIMEOUT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if engine_answers; then return 0; fi
    if ! [ -d "/proc/$launcher" ] && ! daemon_pid >/dev/null; then return 1; fi
    sleep 0.5
  done
  # Timed out: end what we started.
  local pid
  pid="$(daemon_pid || echo "$launcher")"
  kill -TERM "$pid" 2>/dev/null || true
  wait_gone 10 "$pid" || kill -KILL "$pid" 2>/dev/null || true
  return 2
}

cmd_start() {
  require_root
  mkdir -p "$E2E_ROOT" "$E2E_DATA_ROOT" "$E2E_EXEC_ROOT"
  ensure_packages
  if daemon_pid >/dev/null; then
    # Running, or still starting: give it the start-up time to answer.
    local deadline=$((SECONDS + START_TIMEOUT))
    until engine_answers; do
      if [ "$SECONDS" -ge "$deadline" ] || ! daemon_pid >/dev/null; then
        e2e_die "a dockerd with exec root $E2E_EXEC_ROOT runs (pid $(daemon_pid || echo gone)) but does not answer on $E2E_SOCKET; run '$0 stop' first. Log: $E2E_LOG"
      fi
      sleep 0.5
    done
    ensure_lan
    e2e_log "engine already running (pid $(daemon_pid), socket $E2E_SOCKET)"
    return 0
  fi
  if [ "$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null || echo 0)" != 0 ] && [ -z "${E2E_ALLOW_IP_FORWARD:-}" ]; then
    e2e_die "net.ipv4.ip_forward is 1 on this machine: without NAT the containers' packets could be routed out of it with private source addresses. Set it to 0, or E2E_ALLOW_IP_FORWARD=1 if the machine's firewall already drops forwarded traffic."
  fi
  # Leftovers of a killed engine would make the new one fail in confusing ways.
  cleanup_exec_root
  [ -f "$E2E_DAEMON_CONFIG" ] || echo '{}' >"$E2E_DAEMON_CONFIG"
  if [ -f "$E2E_LOG" ] && [ "$(stat -c %s "$E2E_LOG")" -gt 5000000 ]; then mv -f "$E2E_LOG" "$E2E_LOG.1"; fi

  # Before dockerd: containers it restores (restart policy) may publish on the LAN addresses.
  ensure_lan
  local driver started rc
  driver="$(pick_storage_driver)"
  started="$(e2e_now)"
  e2e_log "starting dockerd (storage driver $driver, socket $E2E_SOCKET, log $E2E_LOG)"
  rc=0
  launch "$driver" || rc=$?
  if [ "$rc" -eq 1 ] && [ "${E2E_STORAGE_DRIVER:-auto}" = auto ] && [ "$driver" != vfs ] &&
    grep -qiE 'overlay|storage.driver|graphdriver' <(current_log | tail -n 30); then
    e2e_log "dockerd failed with $driver; retrying with vfs. Reason: $(log_reason | tail -n 3)"
    cleanup_exec_root
    driver=vfs
    rc=0
    launch "$driver" || rc=$?
  fi
  case "$rc" in
    0) ;;
    1)
      cleanup_exec_root
      printf '%s\n' "dockerd exited during start-up. From $E2E_LOG:" >&2
      log_reason >&2
      exit 1
      ;;
    *)
      cleanup_exec_root
      printf '%s\n' "dockerd did not answer on $E2E_SOCKET within ${START_TIMEOUT}s. From $E2E_LOG:" >&2
      log_reason >&2
      exit 1
      ;;
  esac
  e2e_log "engine up in $(e2e_elapsed "$started")s: pid $(daemon_pid || echo '?'), storage driver $(e2e_docker info --format '{{.Driver}}'), $(e2e_docker version --format 'server {{.Server.Version}}, API {{.Server.APIVersion}}')"
}

cleanup_exec_root() {
  # Unmount anything a killed engine left mounted under E2E_ROOT (netns, shm, overlay layers),
  # deepest first, then drop the exec root (state that must not outlive the daemon).
  local m
  awk -v root="$E2E_ROOT/" 'index($2, root) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf "$E2E_EXEC_ROOT" "$E2E_SOCKET"
  mkdir -p "$E2E_EXEC_ROOT"
}

cmd_stop() {
  require_root
  local pid=""
  pid="$(daemon_pid || true)"
  if [ -n "$pid" ] && engine_answers; then
    local running
    running="$(e2e_docker ps -q 2>/dev/null || true)"
    if [ -n "$running" ]; then
      e2e_log "stopping $(echo "$running" | wc -l) container(s)"
      # shellcheck disable=SC2086
      timeout 60 env DOCKER_HOST="unix://$E2E_SOCKET" "$DOCKER" stop -t 5 $running >/dev/null 2>&1 || true
      running="$(e2e_docker ps -q 2>/dev/null || true)"
      # shellcheck disable=SC2086
      [ -z "$running" ] || timeout 20 env DOCKER_HOST="unix://$E2E_SOCKET" "$DOCKER" kill $running >/dev/null 2>&1 || true
    fi
  fi
  if [ -n "$pid" ]; then
    # Remember the daemon's whole tree before signalling it, for the SIGKILL fallback.
    local tree
    mapfile -t tree < <({ descendants "$pid"; engine_processes; } | sort -u | grep -vx "$pid" || true)
    e2e_log "stopping dockerd (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$STOP_TIMEOUT" "$pid"; then
      e2e_log "dockerd did not stop within ${STOP_TIMEOUT}s; SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone 10 "$pid" || true
    fi
    # containerd and shims normally exit with dockerd; end those that did not (and what the
    # shims still run), by pid.
    local left=()
    for p in "${tree[@]+"${tree[@]}"}" $(engine_processes); do [ -d "/proc/$p" ] && left+=("$p"); done
    if [ "${#left[@]}" -gt 0 ]; then
      mapfile -t left < <({ printf '%s\n' "${left[@]}"; descendants "${left[@]}"; } | sort -u)
      kill -TERM "${left[@]}" 2>/dev/null || true
      wait_gone 10 "${left[@]}" || kill -KILL "${left[@]}" 2>/dev/null || true
      wait_gone 5 "${left[@]}" || e2e_log "WARNING: processes still alive after SIGKILL: ${left[*]}"
    fi
  else
    # No daemon: still end orphans of a killed one (shims and containerd name our exec root).
    local orphans
    mapfile -t orphans < <(engine_processes)
    if [ "${#orphans[@]}" -gt 0 ]; then
      mapfile -t orphans < <({ printf '%s\n' "${orphans[@]}"; descendants "${orphans[@]}"; } | sort -u)
      e2e_log "ending ${#orphans[@]} leftover engine process(es): ${orphans[*]}"
      kill -KILL "${orphans[@]}" 2>/dev/null || true
      wait_gone 10 "${orphans[@]}" || true
    fi
    e2e_log "engine not running"
  fi
  cleanup_exec_root
  rm -f "$E2E_PIDFILE"
  remove_lan
  e2e_log "engine stopped (data root $E2E_DATA_ROOT kept; log $E2E_LOG)"
}

cmd_purge() {
  cmd_stop
  local br
  for br in $(engine_bridges); do ip link del "$br" 2>/dev/null || true; done
  local m
  awk -v root="$E2E_ROOT/" 'index($2, root) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf "$E2E_ROOT"
  e2e_log "purged $E2E_ROOT (the .deb cache in $E2E_CACHE is kept)"
}

cmd_status() {
  local pid
  if pid="$(daemon_pid)" && engine_answers; then
    echo "running: pid $pid, socket $E2E_SOCKET"
    e2e_docker info --format 'server {{.ServerVersion}}, storage driver {{.Driver}}, {{.ContainersRunning}} running / {{.Containers}} containers, {{.Images}} images'
    echo "data root $E2E_DATA_ROOT, log $E2E_LOG"
    return 0
  fi
  if [ -n "${pid:-}" ]; then echo "dockerd pid $pid exists but does not answer on $E2E_SOCKET"; else echo "not running"; fi
  return 3
}

cmd_env() {
  echo "DOCKER_HOST=unix://$E2E_SOCKET"
  echo "E2E_MAINPC_IP=$E2E_MAINPC_IP"
  echo "E2E_PC2_IP=$E2E_PC2_IP"
}

# start, stop and purge take a lock, so that concurrent callers do not launch two daemons.
# Outside the e2e namespace they also refuse while e2e/in-netns.sh runs: its engine, in its own
# PID namespace, wrote a pid this namespace cannot see, so a second daemon would share the data
# root and `stop` would kill the other's containerd as an orphan.
lock() {
  if ! e2e_in_netns && [ -z "${E2E_RUN_LOCK_HELD:-}" ] && [ -e "$E2E_RUN_LOCK" ]; then
    exec 8>>"$E2E_RUN_LOCK"
    flock -n 8 || e2e_die "an end-to-end run (e2e/in-netns.sh) holds $E2E_RUN_LOCK and its engine in its own namespace; wait for it to end"
    exec 8>&-
  fi
  exec 9>"$E2E_ROOT.lock"
  flock -w 180 9 || e2e_die "another engine.sh holds $E2E_ROOT.lock"
}

case "${1:-}" in
  start) lock && cmd_start ;;
  stop) lock && cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  purge) lock && cmd_purge ;;
  *)
    echo "usage: $0 start|stop|status|env|purge" >&2
    exit 2
    ;;
esac
