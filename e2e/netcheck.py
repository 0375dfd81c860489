#!/usr/bin/env python3
"""Network checks from inside a container (installed as /usr/local/bin/netcheck in the
agent-stub image).

  netcheck resolve NAME                     print NAME's addresses; exit 0 when it resolves
  netcheck tcp HOST PORT [--timeout S]      exit 0 when a TCP connection opens (default 3 s)
  netcheck http URL [--timeout S]           print the body; exit 0 on a 2xx answer
  netcheck wait-tcp HOST PORT --timeout S   retry `tcp` until it succeeds or S seconds pass

Exit 1 when the check fails (the reason goes to stderr), 2 on bad usage.
"""

import socket
import sys
import time


def resolve(name):
    try:
        infos = socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror as error:
        print("netcheck: %s does not resolve: %s" % (name, error), file=sys.stderr)
        return 1
    for address in sorted({info[4][0] for info in infos}):
        print(address)
    return 0


def tcp(host, port, timeout):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return 0
    except OSError as error:
        print("netcheck: %s:%d: %s" % (host, port, error), file=sys.stderr)
        return 1


def http(url, timeout):
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            sys.stdout.write(response.read().decode("utf-8", "replace"))
            return 0
    except Exception as error:  # noqa: BLE001 - HTTP errors and network errors alike
        print("netcheck: %s: %s" % (url, error), file=sys.stderr)
        return 1


def wait_tcp(host, port, timeout):
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        try:
            with socket.create_connection((host, port), timeout=max(0.1, min(2.0, left))):
                return 0
        except OSError as error:
            if time.monotonic() >= deadline:
                print("netcheck: %s:%d not reachable within %gs: %s" % (host, port, timeout, error), file=sys.stderr)
                return 1
            time.sleep(0.2)


def main(argv):
    timeout = 3.0
    if "--timeout" in argv:
        i = argv.index("--timeout")
        try:
            timeout = float(argv[i + 1])
        except (IndexError, ValueError):
            print(__doc__, file=sys.stderr)
            return 2
        argv = argv[:i] + argv[i + 2 :]
    try:
        if len(argv) == 2 and argv[0] == "resolve":
            return resolve(argv[1])
        if len(argv) == 3 and argv[0] == "tcp":
            return tcp(argv[1], int(argv[2]), timeout)
        if len(argv) == 2 and argv[0] == "http":
            return http(argv[1], timeout)
        if len(argv) == 3 and argv[0] == "wait-tcp":
            return wait_tcp(argv[1], int(argv[2]), timeout)
    except ValueError:
        pass
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
