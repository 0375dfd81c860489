# shellcheck shell=bash disable=SC2034
# Shared settings of the e2e scripts (sourced by engine.sh and images.sh; not run on its own).
#
# Everything the private engine owns lives under E2E_ROOT, so it never touches a system
# Docker (/var/run/docker.sock, /var/lib/docker, /etc/docker/daemon.json, /run/containerd).

E2E_ROOT="${E2E_ROOT:-/tmp/ai-system-e2e}"
E2E_SOCKET="$E2E_ROOT/docker.sock"
E2E_DATA_ROOT="$E2E_ROOT/data"
E2E_EXEC_ROOT="$E2E_ROOT/exec"
E2E_PIDFILE="$E2E_ROOT/dockerd.pid"
E2E_LOG="$E2E_ROOT/dockerd.log"
E2E_DAEMON_CONFIG="$E2E_ROOT/daemon.json"
# Held by e2e/in-netns.sh for a whole run: its engine lives in a namespace of its own, invisible
# to engine.sh in the machine's namespace, which therefore refuses to start or stop one meanwhile.
E2E_RUN_LOCK="$E2E_ROOT.run.lock"
# Build work and the .deb cache live outside E2E_ROOT so `engine.sh purge` keeps the downloads.
E2E_CACHE="${E2E_CACHE:-/var/cache/ai-system-e2e}"

# Address pool of the user-defined networks the engine creates (one /24 per network).
E2E_ADDRESS_POOL="${E2E_ADDRESS_POOL:-172.29.0.0/16}"
# The two simulated "LAN addresses" of mainpc and pc2. They live on a port-less bridge
# interface of this machine (E2E_LAN_IF), so they are local addresses: containers reach them
# through their network's gateway and the host delivers locally (no IP forwarding, nothing
# leaves the machine). Publish a "host's" ports on its address (`-p 10.213.255.1:7422:7422`)
# and point the other host's entries at it.
E2E_LAN_IF="${E2E_LAN_IF:-aie2e-lan}"
E2E_MAINPC_IP="${E2E_MAINPC_IP:-10.213.255.1}"
E2E_PC2_IP="${E2E_PC2_IP:-10.213.255.2}"

# The Debian client matches the Debian daemon (API 1.41); a newer client in PATH also works.
if [ -z "${DOCKER:-}" ]; then
  if [ -x /usr/bin/docker ]; then DOCKER=/usr/bin/docker; else DOCKER=docker; fi
fi

e2e_log() { printf '[e2e %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
e2e_die() { printf '[e2e %s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2; exit 1; }

# True inside the namespace of e2e/in-netns.sh (no network: nothing can be installed there).
e2e_in_netns() { [ "${AI_SYSTEM_E2E_NETNS:-}" = 1 ]; }

# docker against the private engine only (never the default socket).
e2e_docker() { DOCKER_HOST="unix://$E2E_SOCKET" "$DOCKER" "$@"; }

# Time in seconds with decimals, for the timings the scripts print.
e2e_now() { date +%s.%N; }
e2e_elapsed() { awk -v a="$1" -v b="$(e2e_now)" 'BEGIN { printf "%.1f", b - a }'; }
