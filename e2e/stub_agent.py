#!/usr/bin/env python3
"""Stub agent group for the ai-system end-to-end tests (the `ai-system-e2e/agent-stub` image).

It stands in for one agent-group container: for every agent it is told about it listens on the
agent's ZMQ `port` and `health_check_port` (plain TCP: a connection is accepted and whatever
arrives is discarded) and serves HTTP on `health_check_port + 1`:

  GET /health   200 {"status": "ok", "agent": NAME} once ready; 503 {"status": "starting"}
                before, 503 {"status": "unhealthy"} for an agent in STUB_UNHEALTHY_AGENTS
  GET /metrics  Prometheus text: stub_agent_up, stub_agent_uptime_seconds, request counters

Which agents (first match wins):
  GROUP_AGENTS_JSON  JSON list of {"name", "module", "required", "port", "healthCheckPort"}
                     (also accepted: health_check_port; optional httpHealthPort /
                     http_health_port, default healthCheckPort + 1)
  AGENT_NAMES        comma-separated names, with <SNAKE_CASE_NAME>_PORT and
                     <SNAKE_CASE_NAME>_HEALTH_PORT for each (the production plan's variables;
                     SNAKE_CASE as src/render/names.ts agentEnvName: NLUAgent -> NLU_AGENT)

Run by the group launcher (AGENT_NAME set, through e2e/stub_modules.py or as a module of the
config root) it serves that one agent;
  STUB_REAL_HTTP_AGENTS       those agents serve HTTP on port + 2, as the user's BaseAgent does
  STUB_AUTO_PORT_AGENTS       those agents take the first port from 5000 that binds on localhost
                              (BaseAgent._find_available_port without a `port=` keyword), its
                              + 1 and HTTP on its + 2, whatever the config says
  STUB_CRASH_AT_START_AGENTS  those agents exit 3 at start, as agents whose imports fail
  STUB_CRASH_LATER_AGENTS     those agents exit 3 STUB_CRASH_AFTER_SECONDS (default 15) after
                              their start, once per STUB_STATE_DIR (default /app/data: a marker
                              file <agent>.crashed there keeps the next run up)

Other settings:
  STUB_HEALTH_DELAY_SECONDS  seconds before /health turns 200 (default 2)
  STUB_UNHEALTHY_AGENTS      comma-separated agents whose /health never turns 200
  BIND_ADDRESS               address to listen on (default 0.0.0.0)

Logs one line per agent, exits 0 on SIGTERM/SIGINT, 2 on a configuration error, 1 when a port
cannot be bound. `stub_agent.py --check` is the healthcheck: exit 0 only when every agent's
/health answers 2xx on 127.0.0.1 (STUB_CHECK_TIMEOUT seconds each, default 3).
`stub_agent.py --print-agents` prints the agents it would run, as JSON.
"""

import asyncio
import json
import os
import re
import signal
import sys
import time

STARTED = time.monotonic()


class ConfigError(Exception):
    pass


def agent_env_name(name):
    """The production rule (src/render/names.ts agentEnvName)."""
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    s = re.sub(r"[^A-Za-z0-9]+", "_", s)
    return s.strip("_").upper()


def _port(value, what):
    if isinstance(value, bool):
        raise ConfigError("%s must be a port number, got %r" % (what, value))
    try:
        port = int(value)
    except (TypeError, ValueError):
        raise ConfigError("%s must be a port number, got %r" % (what, value)) from None
    if not 1 <= port <= 65535:
        raise ConfigError("%s must be within 1-65535, got %d" % (what, port))
    return port


def _agent(name, port, health_check_port, http_health_port=None, module=None, required=True):
    return {
        "name": name,
        "module": module,
        "required": required,
        "port": port,
        "healthCheckPort": health_check_port,
        "httpHealthPort": health_check_port + 1 if http_health_port is None else http_health_port,
    }


def agents_from_json(text):
    try:
        items = json.loads(text)
    except ValueError as error:
        raise ConfigError("GROUP_AGENTS_JSON is not valid JSON: %s" % error) from None
    if not isinstance(items, list) or not items:
        raise ConfigError("GROUP_AGENTS_JSON must be a non-empty JSON list of agents")
    agents = []
    for index, item in enumerate(items):
        where = "GROUP_AGENTS_JSON[%d]" % index
        if not isinstance(item, dict):
            raise ConfigError("%s must be an object" % where)
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError("%s.name must be a non-empty string" % where)
        hc = item.get("healthCheckPort", item.get("health_check_port"))
        if hc is None:
            raise ConfigError("%s (%s) has no healthCheckPort" % (where, name))
        http = item.get("httpHealthPort", item.get("http_health_port"))
        required = item.get("required", True)
        if not isinstance(required, bool):
            raise ConfigError("%s.required must be true or false" % where)
        module = item.get("module")
        if module is not None and not isinstance(module, str):
            raise ConfigError("%s.module must be a string" % where)
        agents.append(
            _agent(
                name.strip(),
                _port(item.get("port"), where + ".port"),
                _port(hc, where + ".healthCheckPort"),
                None if http is None else _port(http, where + ".httpHealthPort"),
                module,
                required,
            )
        )
    return agents


def agents_from_names(names_text, environ):
    names = [n.strip() for n in names_text.split(",") if n.strip()]
    if not names:
        raise ConfigError("AGENT_NAMES names no agent")
    agents = []
    for name in names:
        base = agent_env_name(name)
        missing = [v for v in (base + "_PORT", base + "_HEALTH_PORT") if not environ.get(v)]
        if missing:
            raise ConfigError("agent %s: %s not set" % (name, " and ".join(missing)))
        agents.append(
            _agent(name, _port(environ[base + "_PORT"], base + "_PORT"), _port(environ[base + "_HEALTH_PORT"], base + "_HEALTH_PORT"))
        )
    return agents


def find_available_port(start=5000, attempts=100):
    """The user's BaseAgent._find_available_port (common/core/base_agent.py:239-265)."""
    import socket

    for port in range(start, start + attempts):
        try:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("localhost", port))
            sock.close()
            return port
        except OSError:
            continue
    raise OSError("no available port in %d-%d" % (start, start + attempts))


def _names(environ, variable):
    return {n.strip() for n in environ.get(variable, "").split(",") if n.strip()}


def load_agents(environ):
    if environ.get("GROUP_AGENTS_JSON", "").strip():
        agents = agents_from_json(environ["GROUP_AGENTS_JSON"])
    elif environ.get("AGENT_NAMES", "").strip():
        agents = agents_from_names(environ["AGENT_NAMES"], environ)
    else:
        raise ConfigError("set GROUP_AGENTS_JSON (JSON list of agents) or AGENT_NAMES with <AGENT>_PORT/<AGENT>_HEALTH_PORT")
    # Started by the group launcher as one agent's module (e2e/stub_modules.py): serve that agent only,
    # optionally the way the user's BaseAgent really does (agent-runtime-contract.md): HTTP on
    # port + 2 whatever the config says (STUB_REAL_HTTP_AGENTS).
    only = environ.get("AGENT_NAME", "").strip()
    if only:
        agents = [a for a in agents if a["name"] == only]
        if not agents:
            raise ConfigError("AGENT_NAME %s is not among the agents" % only)
        if only in _names(environ, "STUB_AUTO_PORT_AGENTS"):
            port = find_available_port()
            agents[0].update(port=port, healthCheckPort=port + 1, httpHealthPort=port + 2)
        elif only in _names(environ, "STUB_REAL_HTTP_AGENTS"):
            agents[0]["httpHealthPort"] = agents[0]["port"] + 2
    names, owners = set(), {}
    for agent in agents:
        if agent["name"] in names:
            raise ConfigError("agent %s is listed twice" % agent["name"])
        names.add(agent["name"])
        for role in ("port", "healthCheckPort", "httpHealthPort"):
            port = agent[role]
            if port in owners:
                raise ConfigError("port %d is both %s and %s's %s" % (port, owners[port], agent["name"], role))
            owners[port] = "%s's %s" % (agent["name"], role)
    return agents


def log(message):
    print("[stub-agent] %s" % message, flush=True)


class Group:
    def __init__(self, agents, delay, unhealthy, bind):
        self.agents = agents
        self.delay = delay
        self.unhealthy = unhealthy
        self.bind = bind
        self.ready = False
        self.requests = {a["name"]: {"health": 0, "metrics": 0, "tcp": 0} for a in agents}
        self.servers = []

    def status(self, agent):
        if agent["name"] in self.unhealthy:
            return 503, "unhealthy"
        if not self.ready:
            return 503, "starting"
        return 200, "ok"

    def metrics(self, agent):
        name = agent["name"].replace("\\", "\\\\").replace('"', '\\"')
        counts = self.requests[agent["name"]]
        lines = [
            "# TYPE stub_agent_up gauge",
            'stub_agent_up{agent="%s"} %d' % (name, 1 if self.status(agent)[0] == 200 else 0),
            "# TYPE stub_agent_uptime_seconds gauge",
            'stub_agent_uptime_seconds{agent="%s"} %.3f' % (name, time.monotonic() - STARTED),
            "# TYPE stub_agent_requests_total counter",
        ]
        for kind in ("health", "metrics", "tcp"):
            lines.append('stub_agent_requests_total{agent="%s",kind="%s"} %d' % (name, kind, counts[kind]))
        return "\n".join(lines) + "\n"

    async def tcp(self, agent, reader, writer):
        self.requests[agent["name"]]["tcp"] += 1
        try:
            while True:
                data = await asyncio.wait_for(reader.read(65536), timeout=300)
                if not data:
                    break
        except (asyncio.TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()

    async def http(self, agent, reader, writer):
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
            request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
            parts = request_line.split()
            method, path = (parts[0], parts[1].split("?", 1)[0]) if len(parts) >= 2 else ("", "")
            if method not in ("GET", "HEAD"):
                code, ctype, body = 405, "application/json", json.dumps({"error": "method not allowed"})
            elif path == "/health":
                self.requests[agent["name"]]["health"] += 1
                code, state = self.status(agent)
                ctype, body = "application/json", json.dumps({"status": state, "agent": agent["name"]})
            elif path == "/metrics":
                self.requests[agent["name"]]["metrics"] += 1
                code, ctype, body = 200, "text/plain; version=0.0.4", self.metrics(agent)
            else:
                code, ctype, body = 404, "application/json", json.dumps({"error": "not found", "path": path})
            payload = body.encode()
            reason = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"}[code]
            header = "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % (code, reason, ctype, len(payload))
            writer.write(header.encode() + (b"" if method == "HEAD" else payload))
            await writer.drain()
        except (asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()

    async def start(self):
        for agent in self.agents:
            for role, handler in (("port", self.tcp), ("healthCheckPort", self.tcp), ("httpHealthPort", self.http)):
                port = agent[role]
                try:
                    server = await asyncio.start_server(
                        lambda r, w, a=agent, h=handler: h(a, r, w), self.bind, port, reuse_address=True
                    )
                except OSError as error:
                    raise OSError("agent %s: cannot listen on %s:%d (%s): %s" % (agent["name"], self.bind, port, role, error)) from None
                self.servers.append(server)
            log(
                "agent %s: port %d, health_check_port %d, http health %d/health, module %s, required %s, healthy in %gs%s"
                % (
                    agent["name"],
                    agent["port"],
                    agent["healthCheckPort"],
                    agent["httpHealthPort"],
                    agent["module"] or "-",
                    str(agent["required"]).lower(),
                    self.delay,
                    " (held unhealthy by STUB_UNHEALTHY_AGENTS)" if agent["name"] in self.unhealthy else "",
                )
            )

    def mark_ready(self):
        self.ready = True
        held = [a["name"] for a in self.agents if a["name"] in self.unhealthy]
        log(
            "group ready after %.1fs: %d of %d agent(s) answer /health with 200%s"
            % (time.monotonic() - STARTED, len(self.agents) - len(held), len(self.agents), " (held unhealthy: %s)" % ", ".join(held) if held else "")
        )

    async def close(self):
        for server in self.servers:
            server.close()
        try:
            await asyncio.wait_for(asyncio.gather(*(s.wait_closed() for s in self.servers)), timeout=2)
        except asyncio.TimeoutError:
            pass


def float_env(environ, name, default):
    try:
        value = float(environ.get(name, default))
    except ValueError:
        raise ConfigError("%s must be a number of seconds, got %r" % (name, environ.get(name))) from None
    if value < 0:
        raise ConfigError("%s must not be negative" % name)
    return value


def crash_later(environ):
    """(marker file, seconds) when this agent is to crash later in this run, else None."""
    name = environ.get("AGENT_NAME", "").strip()
    if name not in _names(environ, "STUB_CRASH_LATER_AGENTS"):
        return None
    marker = os.path.join(environ.get("STUB_STATE_DIR", "/app/data"), "%s.crashed" % name)
    if os.path.exists(marker):
        log("agent %s: crashed once already (%s): staying up" % (name, marker))
        return None
    return marker, float_env(environ, "STUB_CRASH_AFTER_SECONDS", "15")


async def serve(environ):
    agents = load_agents(environ)
    if environ.get("AGENT_NAME", "").strip() in _names(environ, "STUB_CRASH_AT_START_AGENTS"):
        # Like the 32 agents of the real tree that cannot even be imported.
        print("ModuleNotFoundError: No module named 'torch' (stub: STUB_CRASH_AT_START_AGENTS)", file=sys.stderr, flush=True)
        raise SystemExit(3)
    delay = float_env(environ, "STUB_HEALTH_DELAY_SECONDS", "2")
    unhealthy = {n.strip() for n in environ.get("STUB_UNHEALTHY_AGENTS", "").split(",") if n.strip()}
    group = Group(agents, delay, unhealthy, environ.get("BIND_ADDRESS", "0.0.0.0") or "0.0.0.0")
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda s=sig: (log("received %s: stopping" % signal.Signals(s).name), stop.set()))
    log("starting %d agent(s) from %s" % (len(agents), "GROUP_AGENTS_JSON" if environ.get("GROUP_AGENTS_JSON", "").strip() else "AGENT_NAMES"))
    await group.start()
    loop.call_later(delay, group.mark_ready)
    crash = crash_later(environ)
    if crash is not None:
        marker, after = crash

        def crash_now():
            group.crash_marker = marker
            stop.set()

        loop.call_later(after, crash_now)
    await stop.wait()
    marker = getattr(group, "crash_marker", None)
    if marker is not None:
        with open(marker, "w") as handle:
            handle.write("crashed once\n")
        print("RuntimeError: stub crash %gs after start (STUB_CRASH_LATER_AGENTS)" % crash[1], file=sys.stderr, flush=True)
        raise SystemExit(3)
    await group.close()
    log("stopped")


def check(environ):
    import urllib.request

    agents = load_agents(environ)
    timeout = float_env(environ, "STUB_CHECK_TIMEOUT", "3")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    failed = []
    for agent in agents:
        try:
            opener.open("http://127.0.0.1:%d/health" % agent["httpHealthPort"], timeout=timeout).close()
        except Exception as error:  # noqa: BLE001 - every failure is reported
            failed.append("%s (%d): %s" % (agent["name"], agent["httpHealthPort"], error))
    print("; ".join(failed) or "ok")
    return 1 if failed else 0


def main(argv):
    try:
        if "--check" in argv:
            return check(os.environ)
        if "--print-agents" in argv:
            print(json.dumps(load_agents(os.environ), indent=2))
            return 0
        asyncio.run(serve(os.environ))
        return 0
    except ConfigError as error:
        log("configuration error: %s" % error)
        return 2
    except OSError as error:
        log("error: %s" % error)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
