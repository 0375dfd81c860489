#!/usr/bin/env bash
# Runs the user's real agents under the group launcher, as a deployed container would, inside a
# network namespace of its own (only loopback) and a mount namespace: the fixture tree read-only
# at /tmp/ai-system-real-agents/app through an overlay, with writable logs/data/cache/models, the
# launcher as uid 10001, a nats-server and a redis-server that both require credentials, and the
# launcher's relays to them. Prints the launcher's status JSON once no agent is starting any more.
#   e2e/real-agents.sh TREE GROUP_AGENTS_JSON
# Needs root and the Debian packages of the test (test/e2e/realAgents.e2e.ts installs them).
set -uo pipefail
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"
E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TREE="$1"
AGENTS="$2"
ROOT=/tmp/ai-system-real-agents
if [ "${AI_SYSTEM_IN_NS:-}" != 1 ]; then
  rm -rf "$ROOT" && mkdir -p "$ROOT/upper" "$ROOT/work" "$ROOT/app" "$ROOT/redis"
  AI_SYSTEM_IN_NS=1 exec unshare --net --mount --propagation private "$0" "$@"
fi
ip link set lo up
mount -t overlay overlay -o "lowerdir=$TREE,upperdir=$ROOT/upper,workdir=$ROOT/work" "$ROOT/app"
for d in logs data cache models; do install -d -o 10001 -g 10001 "$ROOT/app/$d"; done
chmod a+rX "$E2E_DIR/real-agents" "$E2E_DIR/../launcher"
printf 'listen: 127.0.0.1:14222\nauthorization { users: [ { user: "group-learning", password: "nats-Real-Agents-1" } ] }\n' >"$ROOT/nats.conf"
nats-server --config "$ROOT/nats.conf" >"$ROOT/nats.log" 2>&1 &
redis-server --port 16379 --bind 127.0.0.1 --save "" --appendonly no --dir "$ROOT/redis" \
  --user default off --user group-learning on '>redis-Real-Agents-1' '~*' '&*' +@all -@dangerous >"$ROOT/redis.log" 2>&1 &
as_agent() { setpriv --reuid=10001 --regid=10001 --clear-groups "$@"; }
cd "$ROOT/app"
export PYTHONPATH="$ROOT/app:$E2E_DIR/real-agents" GROUP_NAME=real-agents GROUP_AGENTS_JSON="$AGENTS" \
  MACHINE_TYPE=mainpc LAUNCHER_OBSERVE_SECONDS=1 REDIS_HOST=127.0.0.1 REDIS_PORT=6379 \
  NATS_USER=group-learning NATS_PASSWORD=nats-Real-Agents-1 REDIS_USERNAME=group-learning REDIS_PASSWORD=redis-Real-Agents-1 \
  LAUNCHER_NATS_RELAY_UPSTREAM=127.0.0.1:14222 LAUNCHER_REDIS_RELAY_UPSTREAM=127.0.0.1:16379
as_agent /usr/bin/python3 "$E2E_DIR/../launcher/group_launcher.py" >"$ROOT/launcher.log" 2>&1 &
launcher=$!
for _ in $(seq 1 120); do
  sleep 1
  status="$(as_agent /usr/bin/python3 "$E2E_DIR/../launcher/group_launcher.py" status --json 2>/dev/null)"
  if [ -n "$status" ] && ! grep -q '"state": "starting"' <<<"$status"; then break; fi
done
# What the real agents did with Redis through the relay, read as the group's user.
keys="$(redis-cli -p 16379 --user group-learning --pass redis-Real-Agents-1 --no-auth-warning DBSIZE)"
printf '%s\n' "$status" | python3 -c 'import json, sys; d = json.load(sys.stdin); d["redisKeys"] = int(sys.argv[1]); print(json.dumps(d))' "$keys"
kill "$launcher" 2>/dev/null
wait "$launcher" 2>/dev/null
kill %1 %2 2>/dev/null
wait 2>/dev/null
cp "$ROOT/launcher.log" "$ROOT/../ai-system-real-agents.launcher.log" 2>/dev/null
umount -l "$ROOT/app"
