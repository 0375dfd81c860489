#!/usr/bin/env python3
"""Entrypoint of an agent-group container: runs every agent of the group, supervises them,
observes where they really listen and whether they are healthy, and relays their credential-less
NATS and Redis connections. See launcher/README.md for the whole contract.

    group_launcher.py               run the group (the image's entrypoint)
    group_launcher.py status [--json]   print the running launcher's status document
    group_launcher.py healthcheck   exit 0 exactly when every gating agent is healthy

Input: GROUP_NAME and GROUP_AGENTS_JSON, a JSON array of
{"name", "module", "required", "gates", "port", "healthCheckPort"}. Each agent runs as
`python -m <module>` with the container's environment plus AGENT_NAME, AGENT_PORT and
HEALTH_CHECK_PORT; its stdout and stderr lines are prefixed with "[AgentName] ".

- A required agent that exits, for any reason, stops the others and the launcher exits 1, so
  the container stops and Docker's restart policy restarts the whole group.
- An optional agent (required: false) is restarted after 1 s, 2 s, 4 s ... capped at 60 s; the
  delay starts over once a run has lasted 5 minutes.
- SIGTERM or SIGINT: every agent gets SIGTERM, the launcher waits LAUNCHER_GRACE_SECONDS
  (default 20) for them, SIGKILLs the rest and exits 0. A second signal kills at once.

Exit status: 0 stopped on request, 1 a required agent exited, 2 bad input.
Python 3.11 standard library only: it runs before (and independently of) any requirements.
"""

from __future__ import annotations

import collections
import http.server
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import IO, Callable

AGENTS_VARIABLE = "GROUP_AGENTS_JSON"
GROUP_VARIABLE = "GROUP_NAME"
STATUS_PORT_VARIABLE = "LAUNCHER_STATUS_PORT"
DEFAULT_STATUS_PORT = 9990
MODULE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
# How often the supervisor looks at its children; small enough that stops feel immediate.
POLL_SECONDS = 0.05
# Consecutive failed runs after which an agent is reported as crash-looping, not just exited.
CRASH_LOOP_RUNS = 3
# An HTTP proxy from the image must never capture the probes of 127.0.0.1.
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ContractError(Exception):
    """The container's environment does not describe a runnable group."""


@dataclass(frozen=True)
class AgentSpec:
    name: str
    module: str
    required: bool
    gates: bool
    port: int
    health_check_port: int

    def declared_ports(self) -> dict[str, int]:
        """The config's ports: hints for where to look, not facts (base_agent.py serves HTTP on
        health_check_port + 1, and most scripts ignore the configured ports)."""
        return {"port": self.port, "healthCheckPort": self.health_check_port, "httpHealthPort": self.health_check_port + 1}


@dataclass(frozen=True)
class Settings:
    grace_seconds: float
    backoff_initial_seconds: float
    backoff_max_seconds: float
    backoff_reset_seconds: float
    observe_seconds: float
    start_seconds: float
    probe_timeout_seconds: float
    log_lines: int


def _port(entry: dict, key: str, where: str) -> int:
    value = entry.get(key)
    # bool is an int in Python; a port of `true` is a mistake, not 1.
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 65535:
        raise ContractError(f"{where}: {key} must be a port number (1-65535), got {json.dumps(value)}")
    return value


def _flag(entry: dict, key: str, default: bool, where: str) -> bool:
    value = entry.get(key, default)
    if not isinstance(value, bool):
        raise ContractError(f"{where}: {key} must be true or false, got {json.dumps(value)}")
    return value


def parse_agents(text: str | None) -> list[AgentSpec]:
    if text is None or text.strip() == "":
        raise ContractError(f"{AGENTS_VARIABLE} is not set: it must hold the group's agents as a JSON array")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ContractError(f"{AGENTS_VARIABLE} is not valid JSON: {error}") from None
    if not isinstance(data, list) or len(data) == 0:
        raise ContractError(f"{AGENTS_VARIABLE} must be a non-empty JSON array of agents")
    agents: list[AgentSpec] = []
    for index, entry in enumerate(data):
        where = f"{AGENTS_VARIABLE}[{index}]"
        if not isinstance(entry, dict):
            raise ContractError(f"{where} must be an object")
        name = entry.get("name")
        if not isinstance(name, str) or name.strip() == "":
            raise ContractError(f"{where}: name must be a non-empty string")
        where = f"{where} ({name})"
        module = entry.get("module")
        if not isinstance(module, str) or not MODULE_NAME.match(module):
            raise ContractError(f"{where}: module must be a dotted Python module name, got {json.dumps(module)}")
        # As the monorepo's own normaliser (common/config_manager.py:41,65): not required unless said.
        required = _flag(entry, "required", False, where)
        gates = _flag(entry, "gates", required, where)
        agents.append(AgentSpec(name, module, required, gates, _port(entry, "port", where), _port(entry, "healthCheckPort", where)))
    names = [a.name for a in agents]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ContractError(f"{AGENTS_VARIABLE} names an agent more than once: {', '.join(duplicates)}")
    return agents


def read_seconds(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ContractError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not value > 0:
        raise ContractError(f"{name} must be more than 0 seconds, got {raw!r}")
    return value


def read_port(env: dict[str, str], name: str, default: int, allow_zero: bool = True) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    if not raw.strip().isdigit() or not (0 if allow_zero else 1) <= int(raw) <= 65535:
        raise ContractError(f"{name} must be a port number (0 picks a free one), got {raw!r}")
    return int(raw)


def read_settings(env: dict[str, str]) -> Settings:
    lines = env.get("LAUNCHER_LOG_LINES", "").strip()
    if lines != "" and (not lines.isdigit() or int(lines) < 1):
        raise ContractError(f"LAUNCHER_LOG_LINES must be a whole number above 0, got {lines!r}")
    return Settings(
        grace_seconds=read_seconds(env, "LAUNCHER_GRACE_SECONDS", 20.0),
        backoff_initial_seconds=read_seconds(env, "LAUNCHER_BACKOFF_INITIAL_SECONDS", 1.0),
        backoff_max_seconds=read_seconds(env, "LAUNCHER_BACKOFF_MAX_SECONDS", 60.0),
        backoff_reset_seconds=read_seconds(env, "LAUNCHER_BACKOFF_RESET_SECONDS", 300.0),
        observe_seconds=read_seconds(env, "LAUNCHER_OBSERVE_SECONDS", 2.0),
        # The real agents wait ~19 s for SystemDigitalTwin at start; give them time before "unhealthy".
        start_seconds=read_seconds(env, "LAUNCHER_START_SECONDS", 120.0),
        probe_timeout_seconds=read_seconds(env, "LAUNCHER_PROBE_TIMEOUT_SECONDS", 2.0),
        log_lines=int(lines) if lines != "" else 20,
    )


# --- What the agents really listen on, from /proc ---------------------------------------------


def _address(hex_address: str) -> str:
    """/proc/net/tcp* addresses: 32-bit words in host (little-endian) order."""
    raw = bytes.fromhex(hex_address)
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    return socket.inet_ntop(socket.AF_INET if len(raw) == 4 else socket.AF_INET6, words)


def listening_sockets(proc: str = "/proc") -> dict[int, tuple[str, int]]:
    """inode -> (address, port) of every TCP socket in LISTEN state (0A) in this network namespace."""
    found: dict[int, tuple[str, int]] = {}
    for table in ("tcp", "tcp6"):
        try:
            with open(f"{proc}/net/{table}") as handle:
                rows = handle.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) < 10 or fields[3] != "0A":
                continue
            address, port = fields[1].split(":")
            found[int(fields[9])] = (_address(address), int(port, 16))
    return found


def process_tree(root: int, proc: str = "/proc") -> list[int]:
    """The pid and every descendant (an agent's workers and subprocesses), from /proc/<pid>/stat."""
    children: dict[int, list[int]] = collections.defaultdict(list)
    for entry in os.listdir(proc):
        if not entry.isdigit():
            continue
        try:
            with open(f"{proc}/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name (field 2) may hold spaces and parentheses: parse after the last ")".
        fields = stat[stat.rindex(")") + 2 :].split()
        children[int(fields[1])].append(int(entry))
    tree, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        tree.append(pid)
        frontier.extend(children.get(pid, []))
    return sorted(tree)


def socket_inodes(pids: list[int], proc: str = "/proc") -> set[int]:
    inodes: set[int] = set()
    for pid in pids:
        try:
            fds = os.listdir(f"{proc}/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"{proc}/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(int(target[len("socket:[") : -1]))
    return inodes


def observed_listeners(pid: int) -> dict[int, str]:
    """port -> address for every TCP port the process tree of `pid` listens on."""
    sockets = listening_sockets()
    mine = socket_inodes(process_tree(pid))
    return {port: address for inode, (address, port) in sockets.items() if inode in mine}


@dataclass(frozen=True)
class Probe:
    port: int
    status: int | None
    body: str
    error: str | None

    @property
    def healthy(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def as_json(self) -> dict:
        return {"port": self.port, "status": self.status, "body": self.body, "error": self.error}


def probe_address(address: str) -> str:
    """Where to reach a listener from inside the container: loopback for a wildcard bind."""
    if address in ("0.0.0.0", "::", "::ffff:0.0.0.0"):
        return "127.0.0.1"
    return f"[{address}]" if ":" in address else address


def probe_health(address: str, port: int, timeout: float) -> Probe:
    """GET /health; keeps the status and the first 200 characters of the body."""
    url = f"http://{probe_address(address)}:{port}/health"
    try:
        with NO_PROXY.open(url, timeout=timeout) as response:
            return Probe(port, response.status, _excerpt(response.read(4096)), None)
    except urllib.error.HTTPError as error:
        return Probe(port, error.code, _excerpt(error.read(4096)), None)
    except Exception as error:  # a ZMQ port answers with its greeting, which is no HTTP
        return Probe(port, None, "", f"{type(error).__name__}: {error}")


def _excerpt(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace").strip()
    return text if len(text) <= 200 else text[:197] + "..."


class Output:
    """Line-prefixed writing to the launcher's stdout/stderr; one lock keeps lines whole."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def write(self, stream: IO[bytes], line: bytes) -> None:
        if not line.endswith(b"\n"):
            line += b"\n"
        with self._lock:
            stream.write(line)
            stream.flush()

    def log(self, message: str) -> None:
        self.write(sys.stderr.buffer, f"[launcher] {message}".encode())

    def pump(self, source: IO[bytes], target: IO[bytes], prefix: bytes, keep: Callable[[bytes], None]) -> threading.Thread:
        def run() -> None:
            with source:
                for line in iter(source.readline, b""):
                    keep(line)
                    self.write(target, prefix + line)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"code {code}"


class Agent:
    """One agent's process, its restart state and what the observer last saw of it."""

    def __init__(self, spec: AgentSpec, settings: Settings) -> None:
        self.spec = spec
        self.settings = settings
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.next_delay = settings.backoff_initial_seconds
        self.restart_at: float | None = None
        self.readers: list[threading.Thread] = []
        self.starts = 0
        # Runs in a row that ended without turning healthy or lasting the back-off reset time.
        self.failed_runs = 0
        self.last_exit: str | None = None
        self.logs: collections.deque[str] = collections.deque(maxlen=settings.log_lines)
        self.listeners: dict[int, str] = {}
        self.health_port: int | None = None
        self.probe: Probe | None = None
        self.healthy_this_run = False

    def environment(self, base: dict[str, str]) -> dict[str, str]:
        env = dict(base)
        env["AGENT_NAME"] = self.spec.name
        env["AGENT_PORT"] = str(self.spec.port)
        env["HEALTH_CHECK_PORT"] = str(self.spec.health_check_port)
        # Unbuffered output, so log lines reach `docker logs` as they are written.
        env.setdefault("PYTHONUNBUFFERED", "1")
        return env

    def keep_log(self, line: bytes) -> None:
        self.logs.append(line.decode("utf-8", "replace").rstrip("\r\n"))

    def start(self, base_env: dict[str, str], output: Output) -> None:
        # A session of its own: a terminal's Ctrl-C reaches the launcher only, and a stop can
        # signal the agent's whole process group (its own workers included).
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.spec.module],
            env=self.environment(base_env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self.started_at = time.monotonic()
        self.restart_at = None
        self.starts += 1
        self.listeners, self.health_port, self.probe, self.healthy_this_run = {}, None, None, False
        prefix = f"[{self.spec.name}] ".encode()
        assert self.process.stdout is not None and self.process.stderr is not None
        self.readers = [
            output.pump(self.process.stdout, sys.stdout.buffer, prefix, self.keep_log),
            output.pump(self.process.stderr, sys.stderr.buffer, prefix, self.keep_log),
        ]
        output.log(f"started {self.spec.name} (python -m {self.spec.module}) as pid {self.process.pid}")

    def signal(self, signum: int) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass

    def drain(self) -> None:
        """Waits briefly for the last output lines of an exited process."""
        for reader in self.readers:
            reader.join(timeout=1.0)
        self.readers = []

    def state(self, now: float) -> str:
        running = self.process is not None and self.process.poll() is None
        if not running:
            # Ended but not handled yet (process still set), or waiting for its restart.
            unhandled = self.process is not None
            coming_back = self.restart_at is not None or (unhandled and not self.spec.required)
            failed = self.failed_runs + (1 if unhandled and not self.healthy_this_run else 0)
            return "crash-looping" if coming_back and failed >= CRASH_LOOP_RUNS else "exited"
        if self.probe is not None and self.probe.healthy:
            return "healthy"
        if self.healthy_this_run or now - self.started_at > self.settings.start_seconds:
            return "unhealthy"
        return "crash-looping" if self.failed_runs >= CRASH_LOOP_RUNS else "starting"

    def observe(self, lock: threading.Lock) -> None:
        """One look at the agent: its listening ports, then GET /health on the port that serves it.

        The port found last time is asked first; otherwise every listening port is tried, the
        config's HTTP port and the real code's `port + 2` first. Called by the observer thread
        only; the supervisor reads the results under the launcher's lock."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        listeners = observed_listeners(process.pid)
        hints = [self.health_port, self.spec.health_check_port + 1, self.spec.port + 2]
        order = [p for p in dict.fromkeys(hints) if p in listeners] + sorted(p for p in listeners if p not in hints)
        found: Probe | None = None
        tried: list[str] = []
        for port in order:
            result = probe_health(listeners[port], port, self.settings.probe_timeout_seconds)
            if result.status is not None:
                found = result
                break
            tried.append(str(port))
        if found is None:
            why = f"no listening port answers GET /health (tried {', '.join(tried)})" if tried else "listens on no TCP port yet"
            found = Probe(0, None, "", why)
        with lock:
            if self.process is not process:
                return  # restarted meanwhile: this look belongs to the previous run
            self.listeners = listeners
            self.health_port = found.port if found.status is not None else (self.health_port if self.health_port in listeners else None)
            self.probe = found
            if found.healthy:
                self.healthy_this_run = True
                self.failed_runs = 0

    def report(self, now: float, others: list["Agent"]) -> dict:
        declared = self.spec.declared_ports()
        observed = sorted(self.listeners)
        clashes = []
        for other in others:
            if other is self:
                continue
            for port in observed:
                if port in other.listeners:
                    clashes.append({"port": port, "agent": other.spec.name, "why": f"{other.spec.name} listens on it too"})
                elif port in other.spec.declared_ports().values():
                    clashes.append({"port": port, "agent": other.spec.name, "why": f"the config gives it to {other.spec.name}"})
        running = self.process is not None and self.process.poll() is None
        return {
            "name": self.spec.name,
            "module": self.spec.module,
            "required": self.spec.required,
            "gates": self.spec.gates,
            "pid": self.process.pid if running and self.process is not None else None,
            "state": self.state(now),
            "restarts": max(0, self.starts - 1),
            "uptimeSeconds": round(now - self.started_at, 1) if running else None,
            "lastExit": self.last_exit,
            "declaredPorts": declared,
            "ports": observed,
            "undeclaredPorts": [p for p in observed if p not in declared.values()],
            "declaredNotListening": sorted({p for p in declared.values() if p not in self.listeners}) if running else [],
            "clashes": clashes,
            "healthPort": self.health_port,
            "health": self.probe.as_json() if self.probe is not None else None,
            "logs": list(self.logs),
        }


# --- Loopback relays for code that dials localhost:4222 / localhost:6379 without credentials ---


def _read_line(sock: socket.socket, limit: int = 1 << 20) -> tuple[bytes, bytes]:
    """Reads up to and including the first CRLF; returns (line, bytes already read after it)."""
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before a whole line arrived")
        data += chunk
        if len(data) > limit:
            raise ConnectionError(f"no line end within {limit} bytes")
    end = data.index(b"\r\n") + 2
    return data[:end], data[end:]


def _splice(source: socket.socket, target: socket.socket, transform: Callable[[bytes], bytes] | None = None) -> None:
    try:
        while True:
            chunk = source.recv(65536)
            if not chunk:
                break
            chunk = chunk if transform is None else transform(chunk)
            if chunk:
                target.sendall(chunk)
    except (OSError, ValueError):
        pass
    finally:
        for sock in (source, target):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


# A NATS control line is at most 4 KiB by default (max_control_line); far more is not NATS.
MAX_CONTROL_LINE = 1 << 20
INBOX = b"_INBOX."
INBOX_PREFIX = re.compile(r"^_INBOX(\.[A-Za-z0-9_-]+)+$")


def _info_line(payload: bytes) -> bytes:
    """INFO without `connect_urls` (the client must stay on the relay) and without
    `auth_required` (the relay authenticates)."""
    info = json.loads(payload)
    for key in ("connect_urls", "ws_connect_urls", "auth_required"):
        info.pop(key, None)
    return b"INFO " + json.dumps(info, separators=(",", ":")).encode() + b"\r\n"


class NatsInboxRewriter:
    """One direction of a NATS client connection, parsed just enough to move the client's inboxes
    into the group's: `_INBOX.<x>` becomes `<prefix>.<x>` in SUB subjects and PUB/HPUB reply
    subjects (client to server), and back in MSG/HMSG subjects (server to client). Reply subjects
    of delivered messages stay as they are: they are the requester's inbox, where an answer must
    go. Payloads, whose length the control line gives, pass untouched whatever text they hold,
    and frames may arrive split anywhere (https://docs.nats.io/reference/reference-protocols/nats-protocol:
    `PUB <subject> [reply-to] <#bytes>`, `HPUB <subject> [reply-to] <#header bytes> <#total bytes>`,
    `SUB <subject> [queue group] <sid>`, `MSG <subject> <sid> [reply-to] <#bytes>`,
    `HMSG <subject> <sid> [reply-to] <#header bytes> <#total bytes>`, each payload then CRLF)."""

    def __init__(self, prefix: str, to_server: bool) -> None:
        self.group_inbox = prefix.encode() + b"."
        self.to_server = to_server
        self.pending = b""
        self.payload_left = 0

    def feed(self, data: bytes) -> bytes:
        out: list[bytes] = []
        self.pending += data
        while self.pending:
            if self.payload_left > 0:
                chunk = self.pending[: self.payload_left]
                out.append(chunk)
                self.pending = self.pending[len(chunk) :]
                self.payload_left -= len(chunk)
                continue
            end = self.pending.find(b"\n")
            if end < 0:
                if len(self.pending) > MAX_CONTROL_LINE:
                    raise ConnectionError(f"no NATS control line end within {MAX_CONTROL_LINE} bytes")
                break
            line, self.pending = self.pending[: end + 1], self.pending[end + 1 :]
            line, self.payload_left = self._control(line)
            out.append(line)
        return b"".join(out)

    def _up(self, subject: bytes) -> bytes:
        return self.group_inbox + subject[len(INBOX) :] if subject.startswith(INBOX) else subject

    def _down(self, subject: bytes) -> bytes:
        return INBOX + subject[len(self.group_inbox) :] if subject.startswith(self.group_inbox) else subject

    def _control(self, line: bytes) -> tuple[bytes, int]:
        """The line to pass on and the payload bytes (with their CRLF) that follow it."""
        body = line.rstrip(b"\r\n")
        fields = body.split()
        op = fields[0].upper() if fields else b""
        if self.to_server:
            if op == b"SUB" and len(fields) in (3, 4):
                return self._rebuilt(line, body, fields, 1, self._up), 0
            sizes, fixed = {b"PUB": 1, b"HPUB": 2}.get(op), 2  # op subject [reply-to] sizes
        else:
            if op == b"INFO" and len(fields) >= 2:
                return _info_line(body[4:].strip()), 0
            sizes, fixed = {b"MSG": 1, b"HMSG": 2}.get(op), 3  # op subject sid [reply-to] sizes
        if sizes is None or not fields[-1].isdigit() or len(fields) not in (fixed + sizes, fixed + sizes + 1):
            return line, 0  # not a message, or one the server refuses anyway
        payload = int(fields[-1]) + 2
        if not self.to_server:
            return self._rebuilt(line, body, fields, 1, self._down), payload
        if len(fields) == fixed + sizes + 1:
            return self._rebuilt(line, body, fields, 2, self._up), payload
        return line, payload

    @staticmethod
    def _rebuilt(line: bytes, body: bytes, fields: list[bytes], index: int, rewrite: Callable[[bytes], bytes]) -> bytes:
        subject = rewrite(fields[index])
        if subject == fields[index]:
            return line
        return b" ".join([*fields[:index], subject, *fields[index + 1 :]]) + line[len(body) :]


def nats_handshake(client: socket.socket, upstream: socket.socket, user: str, password: str, inbox_prefix: str = "") -> tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]] | None:
    """The server's INFO goes to the client as _info_line says; the client's first CONNECT goes
    upstream with the group's user and password instead of whatever credentials it carried. With
    an inbox prefix, returns the two rewriters (client to server, server to client) the splice
    applies; the bytes read beyond the two lines have passed through them already."""
    line, rest = _read_line(upstream)
    if not line.startswith(b"INFO "):
        raise ConnectionError(f"upstream did not start with INFO: {line[:40]!r}")
    up = NatsInboxRewriter(inbox_prefix, to_server=True) if inbox_prefix else None
    down = NatsInboxRewriter(inbox_prefix, to_server=False) if inbox_prefix else None
    client.sendall(_info_line(line[5:]) + (rest if down is None else down.feed(rest)))
    line, rest = _read_line(client)
    if not line[:8].upper() == b"CONNECT ":
        raise ConnectionError(f"client did not start with CONNECT: {line[:40]!r}")
    connect = json.loads(line[8:])
    for key in ("auth_token", "nkey", "sig", "jwt"):
        connect.pop(key, None)
    connect["user"], connect["pass"] = user, password
    upstream.sendall(b"CONNECT " + json.dumps(connect, separators=(",", ":")).encode() + b"\r\n" + (rest if up is None else up.feed(rest)))
    return None if up is None or down is None else (up.feed, down.feed)


def _resp(*parts: str) -> bytes:
    encoded = [p.encode() for p in parts]
    return b"*%d\r\n" % len(encoded) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in encoded)


def redis_handshake(client: socket.socket, upstream: socket.socket, user: str, password: str, _inbox_prefix: str = "") -> None:
    """AUTH upstream before the client's first byte is forwarded; a refusal closes the client."""
    upstream.sendall(_resp("AUTH", user, password) if user else _resp("AUTH", password))
    line, rest = _read_line(upstream)
    if line != b"+OK\r\n" or rest:
        raise ConnectionError(f"upstream refused AUTH for user {user or 'default'}: {line.decode('utf-8', 'replace').strip()}")


@dataclass(frozen=True)
class RelaySpec:
    name: str
    listen: tuple[str, int]
    upstream: tuple[str, int]
    # Returns the (client to server, server to client) transforms of the splice, or None.
    handshake: Callable[[socket.socket, socket.socket], tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]] | None]


def _host_port(text: str, variable: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if host == "" or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ContractError(f"{variable} must be HOST:PORT, got {text!r}")
    return host.strip("[]"), int(port)


def read_relays(env: dict[str, str]) -> list[RelaySpec]:
    """LAUNCHER_NATS_RELAY_UPSTREAM / LAUNCHER_REDIS_RELAY_UPSTREAM turn the relays on; each listens
    on 127.0.0.1 at its well-known port unless LAUNCHER_*_RELAY_LISTEN says otherwise."""
    relays = []
    for name, port, user_var, password_var, handshake in (
        ("nats", 4222, "NATS_USER", "NATS_PASSWORD", nats_handshake),
        ("redis", 6379, "REDIS_USERNAME", "REDIS_PASSWORD", redis_handshake),
    ):
        prefix = f"LAUNCHER_{name.upper()}_RELAY"
        upstream = env.get(f"{prefix}_UPSTREAM", "").strip()
        if upstream == "":
            continue
        password = env.get(password_var, "")
        if password == "":
            raise ContractError(f"{prefix}_UPSTREAM is set but {password_var} is empty: the relay would have no credentials to add")
        user = env.get(user_var, "")
        if name == "nats" and user == "":
            raise ContractError(f"{prefix}_UPSTREAM is set but {user_var} is empty")
        # NATS: the group's inbox prefix, which the relay maps the client's `_INBOX.` into.
        inbox = env.get("NATS_INBOX_PREFIX", "").strip() if name == "nats" else ""
        if inbox and not INBOX_PREFIX.match(inbox):
            raise ContractError(f"NATS_INBOX_PREFIX must be _INBOX.<token>[.<token>...], got {inbox!r}")
        listen = _host_port(env.get(f"{prefix}_LISTEN", f"127.0.0.1:{port}"), f"{prefix}_LISTEN")
        relays.append(RelaySpec(name, listen, _host_port(upstream, f"{prefix}_UPSTREAM"), lambda c, u, h=handshake, a=user, b=password, i=inbox: h(c, u, a, b, i)))
    return relays


class Relay:
    """A loopback listener that dials the upstream for each client and splices the two."""

    def __init__(self, spec: RelaySpec, output: Output) -> None:
        self.spec = spec
        self.output = output
        self.server = socket.create_server(spec.listen, reuse_port=False)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.failures = 0
        self.last_error: str | None = None

    def serve(self) -> None:
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.spec.upstream, timeout=10)
            upstream.settimeout(10)
            transforms = self.spec.handshake(client, upstream)
            upstream.settimeout(None)
        except (OSError, ValueError, ConnectionError) as error:
            self.failures += 1
            self.last_error = f"{type(error).__name__}: {error}"
            self.output.log(f"{self.spec.name} relay to {self.spec.upstream[0]}:{self.spec.upstream[1]} failed: {self.last_error}")
            client.close()
            return
        self.connections += 1
        to_server, to_client = transforms if transforms is not None else (None, None)
        threading.Thread(target=_splice, args=(upstream, client, to_client), daemon=True).start()
        _splice(client, upstream, to_server)

    def report(self) -> dict:
        return {
            "listen": f"{self.spec.listen[0]}:{self.port}",
            "upstream": f"{self.spec.upstream[0]}:{self.spec.upstream[1]}",
            "connections": self.connections,
            "failures": self.failures,
            "lastError": self.last_error,
        }


# --- The launcher ----------------------------------------------------------------------------


class Launcher:
    def __init__(self, group: str, agents: list[AgentSpec], settings: Settings, env: dict[str, str], output: Output) -> None:
        self.group = group
        self.settings = settings
        self.env = env
        self.output = output
        self.agents = [Agent(spec, settings) for spec in agents]
        self.stop_signal: str | None = None
        self.force = False
        self.lock = threading.Lock()
        self.relays: list[Relay] = []
        self.status_server: http.server.ThreadingHTTPServer | None = None

    def request_stop(self, signum: int, _frame: object) -> None:
        if self.stop_signal is not None:
            self.force = True
            return
        self.stop_signal = signal.Signals(signum).name

    def status(self) -> dict:
        now = time.monotonic()
        with self.lock:
            agents = [a.report(now, self.agents) for a in self.agents]
        gating = [a for a in agents if a["gates"]]
        waiting = [f"{a['name']} {a['state']}" for a in gating if a["state"] != "healthy"]
        return {
            "group": self.group,
            "healthy": not waiting,
            "gating": [a["name"] for a in gating],
            "notHealthy": waiting,
            "agents": agents,
            "relays": {r.spec.name: r.report() for r in self.relays},
        }

    def serve_status(self, port: int) -> None:
        launcher = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                if self.path.split("?")[0] != "/status":
                    self.send_error(404, "only /status is served")
                    return
                document = launcher.status()
                body = json.dumps(document, indent=2).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                pass  # the healthcheck asks every few seconds; its requests are not news

        # Loopback only: the status is for the container's healthcheck and operators (docker exec).
        self.status_server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.status_server.daemon_threads = True
        threading.Thread(target=self.status_server.serve_forever, daemon=True).start()
        self.output.log(f"status at http://127.0.0.1:{self.status_server.server_address[1]}/status")

    def observe_forever(self) -> None:
        while True:
            for agent in self.agents:
                try:
                    before = agent.state(time.monotonic())
                    agent.observe(self.lock)
                    after = agent.state(time.monotonic())
                except Exception as error:  # one odd /proc entry must not end the observation
                    self.output.log(f"observing {agent.spec.name} failed: {type(error).__name__}: {error}")
                    continue
                if after != before and after in ("healthy", "unhealthy"):
                    probe = agent.probe
                    where = f"/health on port {agent.health_port}" if agent.health_port else (probe.error if probe else "")
                    self.output.log(f"{agent.spec.name} is {after} ({where}); listening on {', '.join(map(str, sorted(agent.listeners))) or 'nothing'}")
            # Look more often while an agent is still coming up, so the container turns healthy soon after it.
            now = time.monotonic()
            starting = any(a.state(now) == "starting" for a in self.agents)
            time.sleep(min(self.settings.observe_seconds, 0.5) if starting else self.settings.observe_seconds)

    def run(self, status_port: int) -> int:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self.request_stop)
        try:
            self.serve_status(status_port)
            for spec in read_relays(self.env):
                relay = Relay(spec, self.output)
                relay.serve()
                self.relays.append(relay)
                self.output.log(f"{spec.name} relay 127.0.0.1:{relay.port} -> {spec.upstream[0]}:{spec.upstream[1]}")
        except ContractError as error:
            self.output.log(f"error: {error}")
            return 2
        except OSError as error:
            self.output.log(f"error: cannot listen: {error}")
            return 2
        names = ", ".join(a.spec.name for a in self.agents)
        self.output.log(f"group {self.group}: starting {len(self.agents)} agent(s): {names}")
        for agent in self.agents:
            failed = self._start(agent)
            if failed is not None:
                return failed
        threading.Thread(target=self.observe_forever, daemon=True).start()
        while True:
            if self.stop_signal is not None:
                self.output.log(f"received {self.stop_signal}; stopping {len(self._running())} agent(s)")
                self.stop_all()
                return 0
            now = time.monotonic()
            for agent in self.agents:
                if agent.process is not None and agent.process.poll() is not None:
                    failed = self._exited(agent, agent.process.returncode, now)
                    if failed is not None:
                        return failed
                elif agent.process is None and agent.restart_at is not None and now >= agent.restart_at:
                    failed = self._start(agent)
                    if failed is not None:
                        return failed
            time.sleep(POLL_SECONDS)

    def _start(self, agent: Agent) -> int | None:
        try:
            with self.lock:
                agent.start(self.env, self.output)
        except OSError as error:
            self.output.log(f"cannot start {agent.spec.name}: {error}")
            agent.process = None
            return self._exited(agent, None, time.monotonic())
        return None

    def _exited(self, agent: Agent, code: int | None, now: float) -> int | None:
        """Handles an agent that stopped; returns the launcher's exit status when it must end."""
        uptime = now - agent.started_at if code is not None else 0.0
        with self.lock:
            agent.process = None
            agent.last_exit = "could not start" if code is None else describe_exit(code)
            if agent.healthy_this_run or uptime >= self.settings.backoff_reset_seconds:
                agent.failed_runs = 0
            agent.failed_runs += 1
        agent.drain()
        how = "could not start" if code is None else f"exited with {describe_exit(code)} after {uptime:.1f}s"
        if agent.spec.required:
            self.output.log(f"required agent {agent.spec.name} {how}; stopping the group")
            self.stop_all()
            return 1
        if uptime >= self.settings.backoff_reset_seconds:
            agent.next_delay = self.settings.backoff_initial_seconds
        delay = agent.next_delay
        agent.restart_at = now + delay
        agent.next_delay = min(delay * 2, self.settings.backoff_max_seconds)
        self.output.log(f"optional agent {agent.spec.name} {how}; restarting in {delay:g}s")
        return None

    def _running(self) -> list[Agent]:
        return [a for a in self.agents if a.process is not None and a.process.poll() is None]

    def stop_all(self) -> None:
        """SIGTERM to every running agent, then SIGKILL to those still up after the grace period."""
        for agent in self.agents:
            agent.restart_at = None
            agent.signal(signal.SIGTERM)
        deadline = time.monotonic() + self.settings.grace_seconds
        while self._running() and time.monotonic() < deadline and not self.force:
            time.sleep(POLL_SECONDS)
        for agent in self._running():
            why = "a second stop signal arrived" if self.force else f"it did not stop within {self.settings.grace_seconds:g}s"
            self.output.log(f"sending SIGKILL to {agent.spec.name}: {why}")
            agent.signal(signal.SIGKILL)
        for agent in self.agents:
            if agent.process is not None:
                code = agent.process.wait()
                self.output.log(f"{agent.spec.name} stopped ({describe_exit(code)})")
                agent.process = None
            agent.drain()


# --- Subcommands that ask a running launcher -----------------------------------------------


def fetch_status(env: dict[str, str], timeout: float) -> dict:
    port = read_port(env, STATUS_PORT_VARIABLE, DEFAULT_STATUS_PORT, allow_zero=False)
    with NO_PROXY.open(f"http://127.0.0.1:{port}/status", timeout=timeout) as response:
        return json.loads(response.read())


def format_status(document: dict) -> list[str]:
    verdict = "healthy" if document["healthy"] else "NOT healthy: " + ", ".join(document["notHealthy"])
    lines = [f"group {document['group']}: {verdict} (gating: {', '.join(document['gating']) or 'none'})"]
    for a in document["agents"]:
        health = a["health"] or {}
        answer = f"/health on {a['healthPort']}: {health.get('status')}" if a["healthPort"] else (health.get("error") or "not looked at yet")
        lines.append(
            f"  {a['name']:<32} {a['state']:<13} {'gates' if a['gates'] else 'optional':<8} restarts {a['restarts']:<3} "
            f"ports {','.join(map(str, a['ports'])) or '-'} (declared {a['declaredPorts']['port']},{a['declaredPorts']['healthCheckPort']},{a['declaredPorts']['httpHealthPort']}); {answer}"
        )
        for clash in a["clashes"]:
            lines.append(f"    clash: port {clash['port']}: {clash['why']}")
        if a["state"] not in ("healthy", "starting"):
            lines.extend(f"    | {line}" for line in a["logs"][-5:])
    for name, relay in sorted(document["relays"].items()):
        lines.append(f"  relay {name} {relay['listen']} -> {relay['upstream']}: {relay['connections']} connection(s), {relay['failures']} failure(s)")
    return lines


def ask(command: str, argv: list[str], env: dict[str, str], output: Output) -> int:
    """`status [--json]`: the document (exit 0 healthy, 1 not); `healthcheck`: one line, same exit."""
    if (command == "healthcheck" and argv) or (command == "status" and argv not in ([], ["--json"])):
        output.log(f"usage: group_launcher.py status [--json] | healthcheck (got {' '.join([command, *argv])})")
        return 2
    try:
        document = fetch_status(env, timeout=read_seconds(env, "LAUNCHER_PROBE_TIMEOUT_SECONDS", 2.0) + 3)
    except ContractError as error:
        output.log(f"error: {error}")
        return 2
    except Exception as error:
        print(f"the launcher does not answer on its status port: {type(error).__name__}: {error}")
        return 1
    if command == "healthcheck":
        # Docker keeps this line in the container's health log.
        print("healthy: " + (", ".join(document["gating"]) or "no gating agents") if document["healthy"] else "not healthy: " + ", ".join(document["notHealthy"]))
    elif argv == ["--json"]:
        print(json.dumps(document, indent=2))
    else:
        print("\n".join(format_status(document)))
    return 0 if document["healthy"] else 1


def main(argv: list[str], env: dict[str, str]) -> int:
    output = Output()
    if argv and argv[0] in ("status", "healthcheck"):
        return ask(argv[0], argv[1:], env, output)
    if argv:
        output.log(f"unknown arguments {' '.join(argv)}: run without arguments (the agents come from {AGENTS_VARIABLE}), or with status [--json] or healthcheck")
        return 2
    try:
        group = env.get(GROUP_VARIABLE, "").strip()
        if group == "":
            raise ContractError(f"{GROUP_VARIABLE} is not set")
        agents = parse_agents(env.get(AGENTS_VARIABLE))
        settings = read_settings(env)
        status_port = read_port(env, STATUS_PORT_VARIABLE, DEFAULT_STATUS_PORT)
    except ContractError as error:
        output.log(f"error: {error}")
        return 2
    return Launcher(group, agents, settings, env, output).run(status_port)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], dict(os.environ)))
