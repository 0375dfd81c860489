#!/usr/bin/env bash
# Builds the e2e images on the private engine without any registry: each image is one layer,
# a rootfs tarball assembled from Debian packages (apt-get download + dpkg-deb -x, plus the
# library packages they depend on), given to `docker import` with the instructions of
# e2e/images/<name>/config (ENV, CMD, ENTRYPOINT, HEALTHCHECK, ...). e2e/images/<name>/rootfs/
# is laid over the packages' files.
#
#   e2e/images.sh [nats] [redis] [agent-stub] [agent-real]   (default: IMAGE_NAMES; agent-real,
#                                                  for test/e2e/realAgents.e2e.ts, is built when named)
#   e2e/images.sh --fetch [NAME...]                only resolve and download the .deb files (no
#                                                  engine; default FETCH_NAMES): e2e/in-netns.sh does
#                                                  this while the machine's network is still there
#
# Tags: ai-system-e2e/<name>:local. An image whose inputs (this script, e2e/images/<name>/, the
# extra files, the exact Debian package versions) hash to the value in its
# `ai-system-e2e.inputs-hash` label is not rebuilt; E2E_REBUILD=1 forces a rebuild.
# Starts the engine (e2e/engine.sh start) when it is not running. Needs root (chroot checks).
# Why import rather than `docker build`: the legacy builder creates a container per
# instruction, which on the vfs storage driver copies the whole image each time.
set -euo pipefail

export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"
E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=e2e/common.sh
. "$E2E_DIR/common.sh"

DEB_DIR="$E2E_CACHE/debs"
BUILD_DIR="$E2E_CACHE/build"
MULTIARCH="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)"

# The images `images.sh` builds by default, and every image whose .deb files `--fetch` downloads
# before the e2e enters its network namespace (agent-real is built only when a test names it).
IMAGE_NAMES=(nats redis agent-stub)
FETCH_NAMES=(nats redis agent-stub agent-real)

# The packages each image is made of. Their library dependencies (Depends/Pre-Depends named
# lib*, zlib1g or python3-*, recursively, first alternative) are added automatically; maintainer scripts
# never run, so nothing else of Debian's base system is needed.
packages_for() {
  case "$1" in
    nats) echo "nats-server busybox-static" ;;
    redis) echo "redis-server redis-tools gosu busybox-static" ;;
    agent-stub) echo "python3-minimal python3.11-minimal libpython3.11-minimal libpython3.11-stdlib busybox-static" ;;
    # What the user's LearningAdjusterAgent, MemoryOrchestratorService and UnifiedMemoryReasoningAgent
    # import (agent-runtime-contract.md); their python3-* dependencies come with the closure.
    agent-real) echo "python3-minimal python3.11-minimal libpython3.11-minimal libpython3.11-stdlib busybox-static python3-zmq python3-yaml python3-redis python3-psutil python3-pydantic python3-numpy" ;;
    *) e2e_die "unknown image '$1' (known: nats redis agent-stub agent-real)" ;;
  esac
}

# Files outside e2e/images/<name>/ that go into the image, as SOURCE:PATH_IN_IMAGE.
extra_files_for() {
  case "$1" in
    # The group launcher where the production Dockerfiles put it, and the finder that lets it run
    # the stub as each agent's module (e2e/stub_modules.py).
    agent-stub) echo "$E2E_DIR/stub_agent.py:/opt/ai-system-e2e/stub_agent.py $E2E_DIR/netcheck.py:/usr/local/bin/netcheck $E2E_DIR/../launcher/group_launcher.py:/opt/ai-launcher/group_launcher.py $E2E_DIR/stub_modules.py:/usr/lib/python3/dist-packages/ai_system_e2e_stub_modules.py" ;;
    # The launcher only: the agents' code (the fixture tree, and the stub for the stub agents) is
    # bound at /app by the test, as the production images hold the monorepo at /app.
    agent-real) echo "$E2E_DIR/../launcher/group_launcher.py:/opt/ai-launcher/group_launcher.py" ;;
    *) echo "" ;;
  esac
}

# The instructions of e2e/images/<name>/config, one per line (comments dropped, continuations
# joined), for `docker import --change`.
image_changes() {
  awk '
    /^[ \t]*#/ { next }
    { part = $0; sub(/^[ \t]+/, "", part); line = line part }
    /\\$/ { sub(/[ \t]*\\$/, " ", line); next }
    { sub(/[ \t]+$/, "", line); if (line != "") print line; line = "" }
  ' "$E2E_DIR/images/$1/config"
}

# --- Debian packages ----------------------------------------------------------------------------

ensure_apt_lists() {
  if ! apt-cache show --no-all-versions busybox-static >/dev/null 2>&1; then
    e2e_in_netns && e2e_die "apt lists missing and the e2e namespace has no network (e2e/in-netns.sh runs images.sh --fetch before it enters it)"
    e2e_log "apt lists missing: apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || e2e_die "apt-get update failed"
  fi
}

is_library_package() {
  case "$1" in
    lib*-bin | lib*-dev | libc-l10n) return 1 ;;
    # Python modules a python3-* package imports (python3-redis -> python3-deprecated -> python3-wrapt).
    lib* | zlib1g | python3-*) return 0 ;;
    *) return 1 ;;
  esac
}

# The named packages plus the closure of their library dependencies, one per line, sorted.
package_closure() {
  local -A seen=()
  local frontier=("$@") next dep
  while [ "${#frontier[@]}" -gt 0 ]; do
    for dep in "${frontier[@]}"; do seen[$dep]=1; done
    next=()
    while read -r dep; do
      [ -n "$dep" ] || continue
      [ -n "${seen[$dep]:-}" ] && continue
      is_library_package "$dep" || continue
      seen[$dep]=1
      next+=("$dep")
    done < <(
      apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances "${frontier[@]}" 2>/dev/null |
        awk '
          /^[^ ]/ { alt = 0; next }                                # a package header
          /^ *\|?(Pre)?Depends:/ {
            take = !alt; alt = ($0 ~ /^ *\|/)                     # first alternative only
            name = $2; sub(/:.*/, "", name)                       # drop :any
            if (take && name !~ /^</) print name                   # skip virtual <pkg>
          }'
    )
    frontier=("${next[@]+"${next[@]}"}")
  done
  printf '%s\n' "${!seen[@]}" | sort
}

# resolve_versions PACKAGE...: VERSIONS = sorted "package=version" of the candidates that
# apt-get download fetches; ARCH_OF[package] = their architecture (amd64 or all).
declare -A ARCH_OF=()
VERSIONS=""
resolve_versions() {
  local p v a
  VERSIONS=""
  while read -r p v a; do
    ARCH_OF[$p]="$a"
    VERSIONS+="$p=$v"$'\n'
  done < <(apt-cache show --no-all-versions "$@" |
    awk '/^Package:/ { p = $2 } /^Version:/ { v = $2 } /^Architecture:/ { a = $2 } /^$/ { if (p != "") print p, v, a; p = "" } END { if (p != "") print p, v, a }')
  VERSIONS="$(printf '%s' "$VERSIONS" | LC_ALL=C sort)"
}

# resolve_image_packages NAME: VERSIONS and ARCH_OF for the image's package closure. apt-cache
# takes about a second a call here, so the answer is kept per package list and apt lists state.
resolve_image_packages() {
  local name="$1" key file closure p v a
  key="$( { packages_for "$name"; stat -c '%n %Y %s' /var/lib/apt/lists/*_Packages* 2>/dev/null; } | sha256sum | cut -c1-16)"
  file="$E2E_CACHE/resolved/$name-$key"
  if [ -s "$file" ]; then
    VERSIONS=""
    while read -r p v a; do
      ARCH_OF[$p]="$a"
      VERSIONS+="$p=$v"$'\n'
    done <"$file"
    VERSIONS="$(printf '%s' "$VERSIONS" | LC_ALL=C sort)"
    return 0
  fi
  # shellcheck disable=SC2046
  mapfile -t closure < <(package_closure $(packages_for "$name"))
  resolve_versions "${closure[@]}"
  mkdir -p "$E2E_CACHE/resolved"
  rm -f "$E2E_CACHE/resolved/$name-"*
  local pv
  for pv in $VERSIONS; do echo "${pv%%=*} ${pv#*=} ${ARCH_OF[${pv%%=*}]}"; done >"$file.tmp"
  mv "$file.tmp" "$file"
}

deb_file() { # deb_file PACKAGE VERSION -> the name apt-get download gives the file
  echo "$DEB_DIR/${1}_${2//:/%3a}_${ARCH_OF[$1]}.deb"
}

download_debs() { # download_debs package=version...  (skips files already in the cache)
  mkdir -p "$DEB_DIR"
  local want=() pv
  for pv in "$@"; do
    [ -s "$(deb_file "${pv%%=*}" "${pv#*=}")" ] || want+=("$pv")
  done
  [ "${#want[@]}" -eq 0 ] && return 0
  e2e_in_netns && e2e_die "not in $DEB_DIR: ${want[*]}; the e2e namespace has no network. e2e/in-netns.sh fetches the .deb files of FETCH_NAMES before it enters it (images.sh --fetch): add the image there"
  e2e_log "downloading ${#want[@]} package(s): ${want[*]}"
  (cd "$DEB_DIR" && apt-get download -qq -o APT::Sandbox::User=root "${want[@]}" >/dev/null) || e2e_die "apt-get download failed for: ${want[*]}"
}

# --- rootfs ---------------------------------------------------------------------------------------

LIB_DIRS=(lib/"$MULTIARCH" usr/lib/"$MULTIARCH" lib usr/lib lib64 usr/lib64)

exists_in_rootfs() { [ -e "$1" ] || [ -L "$1" ]; }

# Every NEEDED soname of every ELF file in the rootfs must be in one of its library dirs.
check_libraries() {
  local rootfs="$1" missing=() f so d found
  while read -r f; do
    [ "$(head -c 4 "$f" 2>/dev/null | tr -d '\0')" = $'\x7fELF' ] || continue
    while read -r so; do
      found=""
      for d in "${LIB_DIRS[@]}"; do
        if exists_in_rootfs "$rootfs/$d/$so"; then found=1; break; fi
      done
      [ -n "$found" ] || missing+=("${f#"$rootfs"} needs $so")
    done < <(readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  done < <(find "$rootfs" -type f \( -perm -u+x -o -name '*.so' -o -name '*.so.*' \))
  if [ "${#missing[@]}" -gt 0 ]; then
    printf '  %s\n' "${missing[@]}" >&2
    e2e_die "the rootfs lacks shared libraries (add their packages in packages_for)"
  fi
}

base_rootfs() { # base_rootfs ROOTFS DEB...: extract, add busybox applets, users, loader cache
  local rootfs="$1" deb
  shift
  rm -rf "$rootfs"
  mkdir -p "$rootfs"
  for deb in "$@"; do dpkg-deb -x "$deb" "$rootfs"; done
  # Nothing here is used at run time: docs, manuals, locales, init scripts, gconv modules.
  rm -rf "$rootfs"/usr/share/{doc,man,info,locale,lintian,bug,bash-completion,zsh} \
    "$rootfs"/etc/{init.d,logrotate.d,default,cron.d,systemd} "$rootfs"/lib/systemd "$rootfs"/usr/lib/systemd \
    "$rootfs"/usr/lib/"$MULTIARCH"/gconv
  mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,root,proc,sys,dev,run,tmp,var/tmp}
  chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
  # busybox: sh, wget, nc, nslookup, grep, ps, ... as symlinks where Debian ships nothing.
  local applet
  while read -r applet; do
    [ -n "$applet" ] || continue
    exists_in_rootfs "$rootfs/$applet" || ln -s /bin/busybox "$rootfs/$applet"
  done < <("$rootfs/bin/busybox" --list-full)
  cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
redis:x:999:999:redis:/data:/bin/false
app:x:1000:1000:app:/app:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
redis:x:999:
app:x:1000:
nogroup:x:65534:
EOF
  printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nservices: files\nprotocols: files\n' \
    >"$rootfs/etc/nsswitch.conf"
  # The alternatives that libblas3's and liblapack3's maintainer scripts would register.
  local alt
  for alt in blas/libblas.so.3 lapack/liblapack.so.3; do
    if [ -e "$rootfs/usr/lib/$MULTIARCH/$alt" ] && ! exists_in_rootfs "$rootfs/usr/lib/$MULTIARCH/${alt#*/}"; then
      ln -s "$alt" "$rootfs/usr/lib/$MULTIARCH/${alt#*/}"
    fi
  done
  printf 'include /etc/ld.so.conf.d/*.conf\n' >"$rootfs/etc/ld.so.conf"
  mkdir -p "$rootfs/etc/ld.so.conf.d"
  ldconfig -r "$rootfs" 2>/dev/null || true
  check_libraries "$rootfs"
}

in_rootfs() { # in_rootfs ROOTFS CMD...: run a command of the image on the host, chrooted
  local rootfs="$1"
  shift
  env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root chroot "$rootfs" "$@"
}

customize_nats() {
  local rootfs="$1"
  # No /data in the image (as nats:*-alpine): Docker would copy a root-owned /data's ownership
  # into the empty JetStream volume at every container creation, undoing a store-init chown.
  mkdir -p "$rootfs/etc/nats"
  in_rootfs "$rootfs" nats-server --version >/dev/null || e2e_die "nats-server does not run in its rootfs"
}

customize_redis() {
  local rootfs="$1"
  # As in the official image: /data owned by redis, so Docker gives a new volume mounted there
  # that owner (it copies the image directory's ownership into an empty volume).
  mkdir -p "$rootfs/data"
  chown 999:999 "$rootfs/data"
  in_rootfs "$rootfs" redis-server --version >/dev/null || e2e_die "redis-server does not run in its rootfs"
  in_rootfs "$rootfs" redis-cli --version >/dev/null || e2e_die "redis-cli does not run in its rootfs"
  # gosu itself needs /proc (it is checked for real by the entrypoint when a container starts).
}

customize_agent_real() {
  local rootfs="$1"
  # As in the production images: the writable directories owned by the agents' user, so Docker
  # gives the named volumes mounted there that owner.
  mkdir -p "$rootfs"/app/{logs,data,cache,models,config}
  chown 10001:10001 "$rootfs"/app/{logs,data,cache,models}
  exists_in_rootfs "$rootfs/usr/bin/python3" || ln -s python3.11 "$rootfs/usr/bin/python3"
  ln -sf python3 "$rootfs/usr/bin/python"
  # The Debian modules the real agents import, and the NATS stand-in (e2e/images/agent-real/rootfs).
  # psutil reads /proc/stat at import, which the chroot lacks: only found here, imported in the container.
  in_rootfs "$rootfs" python3 -c 'import zmq, yaml, redis, pydantic, numpy, nats, nats.aio.client, nats.aio.errors, nats.js.errors
import importlib.util, json, http.server, urllib.request, subprocess, threading
assert importlib.util.find_spec("psutil") is not None
assert nats.aio.client.Client().is_closed is False' || e2e_die "python3 cannot import the real agents' Debian modules or the nats stand-in in its rootfs"
}

customize_agent_stub() {
  local rootfs="$1"
  mkdir -p "$rootfs/app"
  chown 1000:1000 "$rootfs/app"
  exists_in_rootfs "$rootfs/usr/bin/python3" || ln -s python3.11 "$rootfs/usr/bin/python3"
  ln -sf python3 "$rootfs/usr/bin/python"
  # Importing what the stub, the netcheck helper and the production healthcheck use leaves
  # their bytecode in __pycache__, so every healthcheck run does not recompile the stdlib.
  in_rootfs "$rootfs" python3 -c 'import asyncio, json, os, signal, socket, sys, time, urllib.request, http.client, http.server, collections, argparse, ipaddress' ||
    e2e_die "python3 cannot import the stub's modules in its rootfs"
  # The launcher's `python -m <module>` of an agent resolves to the stub through the finder.
  in_rootfs "$rootfs" python3 -c 'import importlib.util, os
os.environ.update(GROUP_AGENTS_JSON="[{\"name\": \"A\", \"module\": \"pkg_x.agents.a\"}]", AGENT_NAME="A")
assert importlib.util.find_spec("pkg_x.agents.a").origin == "/opt/ai-system-e2e/stub_agent.py"' ||
    e2e_die "the stub module finder (stub_modules.pth) does not answer in the rootfs"
}

# --- images -----------------------------------------------------------------------------------

inputs_hash() { # inputs_hash NAME "package=version..." : what decides whether to rebuild
  local name="$1" versions="$2" f
  {
    echo "script"
    cat "$E2E_DIR/images.sh"
    echo "context"
    (cd "$E2E_DIR/images/$name" && find . -type f | LC_ALL=C sort | while read -r f; do
      echo "$f $(stat -c %a "$f")"
      cat "$f"
    done)
    for f in $(extra_files_for "$name"); do
      echo "extra ${f#*:}"
      cat "${f%%:*}"
    done
    echo "packages"
    echo "$versions"
  } | sha256sum | cut -c1-64
}

image_label() { # image_label TAG LABEL
  e2e_docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true
}

SUMMARY=()

build_image() {
  local name="$1" tag="ai-system-e2e/$1:local" started closure versions hash
  started="$(e2e_now)"
  [ -f "$E2E_DIR/images/$name/config" ] || e2e_die "no e2e/images/$name/config"
  resolve_image_packages "$name"
  versions="$VERSIONS"
  hash="$(inputs_hash "$name" "$versions")"
  if [ -z "${E2E_REBUILD:-}" ] && [ "$(image_label "$tag" ai-system-e2e.inputs-hash)" = "$hash" ]; then
    SUMMARY+=("$name cached $(e2e_elapsed "$started")s $(image_size "$tag")")
    e2e_log "$tag is up to date (inputs ${hash:0:12})"
    return 0
  fi
  e2e_log "building $tag from $(echo "$versions" | wc -l) Debian packages"
  # shellcheck disable=SC2086
  download_debs $versions
  local work="$BUILD_DIR/$name" debs=() pv
  for pv in $versions; do debs+=("$(deb_file "${pv%%=*}" "${pv#*=}")"); done
  rm -rf "$work"
  mkdir -p "$work"
  base_rootfs "$work/rootfs" "${debs[@]}"
  if [ -d "$E2E_DIR/images/$name/rootfs" ]; then cp -a "$E2E_DIR/images/$name/rootfs/." "$work/rootfs/"; fi
  local f
  for f in $(extra_files_for "$name"); do
    mkdir -p "$work/rootfs$(dirname "${f#*:}")"
    install -m 0755 "${f%%:*}" "$work/rootfs${f#*:}"
  done
  "customize_${name//-/_}" "$work/rootfs"
  tar --numeric-owner -C "$work/rootfs" -cf "$work/rootfs.tar" .
  local changes=() line
  while IFS= read -r line; do changes+=(--change "$line"); done < <(image_changes "$name")
  changes+=(--change "LABEL ai-system-e2e.image=$name ai-system-e2e.inputs-hash=$hash")
  changes+=(--change "LABEL ai-system-e2e.packages=\"$(echo "$versions" | tr '\n' ' ' | sed 's/ $//')\"")
  e2e_docker import "${changes[@]}" --message "ai-system-e2e $name (e2e/images.sh)" "$work/rootfs.tar" "$tag" >/dev/null ||
    e2e_die "docker import of $tag failed"
  rm -rf "$work"
  # The previous build of this tag is now dangling: drop it.
  e2e_docker image prune -f --filter "label=ai-system-e2e.image=$name" >/dev/null 2>&1 || true
  SUMMARY+=("$name built $(e2e_elapsed "$started")s $(image_size "$tag")")
  e2e_log "built $tag in $(e2e_elapsed "$started")s ($(image_size "$tag"))"
}

image_size() {
  e2e_docker image inspect --format '{{.Size}}' "$1" 2>/dev/null | awk '{ printf "%.1fMB", $1 / 1000000 }'
}

# fetch NAME...: the .deb files of the images, into the cache, without building anything.
fetch() {
  local started name count=0
  started="$(e2e_now)"
  ensure_apt_lists
  for name in "$@"; do
    packages_for "$name" >/dev/null
    resolve_image_packages "$name"
    # shellcheck disable=SC2086
    download_debs $VERSIONS
    count=$((count + $(echo "$VERSIONS" | wc -l)))
  done
  e2e_log "the .deb files of ${*} ($count packages) are in $DEB_DIR ($(e2e_elapsed "$started")s)"
}

main() {
  [ "$(id -u)" = 0 ] || e2e_die "images.sh must run as root (it chroots into the rootfs to test it)"
  if [ "${1:-}" = --fetch ]; then
    shift
    if [ "$#" -gt 0 ]; then fetch "$@"; else fetch "${FETCH_NAMES[@]}"; fi
    return
  fi
  local names=("$@")
  [ "${#names[@]}" -gt 0 ] || names=("${IMAGE_NAMES[@]}")
  "$E2E_DIR/engine.sh" start
  ensure_apt_lists
  local started name
  started="$(e2e_now)"
  for name in "${names[@]}"; do build_image "$name"; done
  printf '%-12s %-7s %8s %9s\n' image result seconds size
  local line
  for line in "${SUMMARY[@]}"; do
    # shellcheck disable=SC2086
    printf '%-12s %-7s %8s %9s\n' $line
  done
  e2e_log "images ready in $(e2e_elapsed "$started")s"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; fi
