#!/bin/sh
# As in the official nats alpine image: no arguments or a first argument that is a flag
# means "arguments for nats-server".
set -e
if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then
  set -- nats-server "$@"
fi
exec "$@"
