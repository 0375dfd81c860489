#!/bin/sh
# As in the official redis image: a first argument that is a flag or a .conf file means
# "arguments for redis-server"; as root, own /data and drop to the redis user.
set -e
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi
if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
  find . \! -user redis -exec chown redis:redis '{}' +
  exec gosu redis "$0" "$@"
fi
umask 0077
exec "$@"
