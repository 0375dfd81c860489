"""Stand-in for nats-py's Client (Debian has no `nats` package): only what the user's
common/error_bus/nats_error_bus.py touches at import and start. `connect` opens a real TCP
connection to the first server and does the NATS handshake (INFO, CONNECT, PING/PONG), so a
reachable server (here: the launcher's relay) sees the client; JetStream and subscriptions are
not implemented and raise, which the error bus logs as a warning and survives."""

import asyncio
import json
import urllib.parse

from .errors import ErrNoServers


class Client:
    def __init__(self):
        self._writer = None

    @property
    def is_closed(self):
        return self._writer is None

    async def connect(self, servers=("nats://localhost:4222",), **_options):
        url = urllib.parse.urlparse(list(servers)[0])
        try:
            reader, writer = await asyncio.open_connection(url.hostname or "localhost", url.port or 4222)
            info = await reader.readline()
            if not info.startswith(b"INFO "):
                raise ErrNoServers(f"no INFO from {url.geturl()}: {info[:40]!r}")
            connect = {"verbose": False, "pedantic": False, "name": "nats-standin", "lang": "python3", "version": "0"}
            if url.username:
                connect.update(user=urllib.parse.unquote(url.username), **{"pass": urllib.parse.unquote(url.password or "")})
            writer.write(b"CONNECT " + json.dumps(connect).encode() + b"\r\nPING\r\n")
            await writer.drain()
            reply = await reader.readline()
            if reply != b"PONG\r\n":
                raise ErrNoServers(f"{url.geturl()} answered {reply[:60]!r}")
        except OSError as error:
            raise ErrNoServers(str(error)) from None
        self._reader, self._writer = reader, writer

    def jetstream(self):
        raise NotImplementedError("stand-in nats: no JetStream")

    async def subscribe(self, *args, **kwargs):
        raise NotImplementedError("stand-in nats: no subscriptions")

    async def close(self):
        if self._writer is not None:
            self._writer.close()
            self._writer = None
