#!/usr/bin/env python3
"""Entrypoint of an agent-group container: runs every agent of the group and supervises them.

Input (see launcher/README.md): GROUP_NAME and GROUP_AGENTS_JSON, a JSON array of
{"name", "module", "required", "port", "healthCheckPort"}. Each agent runs as
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

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import IO

AGENTS_VARIABLE = "GROUP_AGENTS_JSON"
GROUP_VARIABLE = "GROUP_NAME"
MODULE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
# How often the supervisor looks at its children; small enough that stops feel immediate.
POLL_SECONDS = 0.05


class ContractError(Exception):
    """The container's environment does not describe a runnable group."""


@dataclass(frozen=True)
class AgentSpec:
    name: str
    module: str
    required: bool
    port: int
    health_check_port: int


@dataclass(frozen=True)
class Settings:
    grace_seconds: float
    backoff_initial_seconds: float
    backoff_max_seconds: float
    backoff_reset_seconds: float


def _port(entry: dict, key: str, where: str) -> int:
    value = entry.get(key)
    # bool is an int in Python; a port of `true` is a mistake, not 1.
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 65535:
        raise ContractError(f"{where}: {key} must be a port number (1-65535), got {json.dumps(value)}")
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
        required = entry.get("required", True)
        if not isinstance(required, bool):
            raise ContractError(f"{where}: required must be true or false, got {json.dumps(required)}")
        agents.append(AgentSpec(name, module, required, _port(entry, "port", where), _port(entry, "healthCheckPort", where)))
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


def read_settings(env: dict[str, str]) -> Settings:
    return Settings(
        grace_seconds=read_seconds(env, "LAUNCHER_GRACE_SECONDS", 20.0),
        backoff_initial_seconds=read_seconds(env, "LAUNCHER_BACKOFF_INITIAL_SECONDS", 1.0),
        backoff_max_seconds=read_seconds(env, "LAUNCHER_BACKOFF_MAX_SECONDS", 60.0),
        backoff_reset_seconds=read_seconds(env, "LAUNCHER_BACKOFF_RESET_SECONDS", 300.0),
    )


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

    def pump(self, source: IO[bytes], target: IO[bytes], prefix: bytes) -> threading.Thread:
        def run() -> None:
            with source:
                for line in iter(source.readline, b""):
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
    """One agent's process and its restart state."""

    def __init__(self, spec: AgentSpec, settings: Settings) -> None:
        self.spec = spec
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.next_delay = settings.backoff_initial_seconds
        self.restart_at: float | None = None
        self.readers: list[threading.Thread] = []

    def environment(self, base: dict[str, str]) -> dict[str, str]:
        env = dict(base)
        env["AGENT_NAME"] = self.spec.name
        env["AGENT_PORT"] = str(self.spec.port)
        env["HEALTH_CHECK_PORT"] = str(self.spec.health_check_port)
        # Unbuffered output, so log lines reach `docker logs` as they are written.
        env.setdefault("PYTHONUNBUFFERED", "1")
        return env

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
        prefix = f"[{self.spec.name}] ".encode()
        assert self.process.stdout is not None and self.process.stderr is not None
        self.readers = [
            output.pump(self.process.stdout, sys.stdout.buffer, prefix),
            output.pump(self.process.stderr, sys.stderr.buffer, prefix),
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


class Launcher:
    def __init__(self, group: str, agents: list[AgentSpec], settings: Settings, env: dict[str, str], output: Output) -> None:
        self.group = group
        self.settings = settings
        self.env = env
        self.output = output
        self.agents = [Agent(spec, settings) for spec in agents]
        self.stop_signal: str | None = None
        self.force = False

    def request_stop(self, signum: int, _frame: object) -> None:
        if self.stop_signal is not None:
            self.force = True
            return
        self.stop_signal = signal.Signals(signum).name

    def run(self) -> int:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self.request_stop)
        names = ", ".join(a.spec.name for a in self.agents)
        self.output.log(f"group {self.group}: starting {len(self.agents)} agent(s): {names}")
        for agent in self.agents:
            failed = self._start(agent)
            if failed is not None:
                return failed
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
            agent.start(self.env, self.output)
        except OSError as error:
            self.output.log(f"cannot start {agent.spec.name}: {error}")
            agent.process = None
            return self._exited(agent, None, time.monotonic())
        return None

    def _exited(self, agent: Agent, code: int | None, now: float) -> int | None:
        """Handles an agent that stopped; returns the launcher's exit status when it must end."""
        uptime = now - agent.started_at if code is not None else 0.0
        agent.process = None
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


def main(argv: list[str], env: dict[str, str]) -> int:
    output = Output()
    if argv:
        output.log(f"takes no arguments (got {' '.join(argv)}); the agents come from {AGENTS_VARIABLE}")
        return 2
    try:
        group = env.get(GROUP_VARIABLE, "").strip()
        if group == "":
            raise ContractError(f"{GROUP_VARIABLE} is not set")
        agents = parse_agents(env.get(AGENTS_VARIABLE))
        settings = read_settings(env)
    except ContractError as error:
        output.log(f"error: {error}")
        return 2
    return Launcher(group, agents, settings, env, output).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], dict(os.environ)))
