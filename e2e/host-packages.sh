#!/usr/bin/env bash
# Installs the named Debian packages on this machine when they are not installed yet (root;
# apt-get update first). For end-to-end tests that run real servers on the host itself, e.g.
#   e2e/host-packages.sh nats-server redis-server
# The packages' maintainer scripts must not start system services: a policy-rc.d refuses them.
set -euo pipefail
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"
E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=e2e/common.sh
. "$E2E_DIR/common.sh"

missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ "${#missing[@]}" -eq 0 ] && exit 0
e2e_in_netns && e2e_die "not installed: ${missing[*]}; the e2e namespace has no network. e2e/in-netns.sh installs e2e/host-packages.list before it enters it: add them there"
[ "$(id -u)" = 0 ] || e2e_die "installing ${missing[*]} needs root"
e2e_log "installing Debian packages: ${missing[*]}"
made_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  made_policy=1
fi
rc=0
log="$(mktemp /tmp/ai-system-e2e-apt.XXXXXX)"
{
  DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
} >"$log" 2>&1 || rc=$?
[ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
if [ "$rc" -ne 0 ]; then
  tail -n 20 "$log" >&2
  e2e_die "apt-get install ${missing[*]} failed (log: $log)"
fi
rm -f "$log"
