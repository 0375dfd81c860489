"""nats-py's Client, as far as the user's error bus uses it (see nats/__init__.py)."""

import asyncio
import json
import secrets
import string
import urllib.parse

from .. import errors
from ..js import JetStreamContext

_NUID_ALPHABET = string.ascii_letters + string.digits
DEFAULT_INBOX_PREFIX = b"_INBOX"
PERMISSIONS_ERR = "permissions violation"


def _nuid(length=22):
    return "".join(secrets.choice(_NUID_ALPHABET) for _ in range(length))


def _encode_headers(headers):
    lines = ["NATS/1.0"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _decode_headers(raw):
    text = raw.decode("utf-8", "replace")
    first, _, rest = text.partition("\r\n")
    headers = {}
    status = first[len("NATS/1.0") :].strip()
    if status:
        code, _, description = status.partition(" ")
        headers["Status"] = code
        if description:
            headers["Description"] = description
    for line in rest.split("\r\n"):
        if ":" in line:
            key, _, value = line.partition(":")
            headers[key.strip()] = value.strip()
    return headers


class Msg:
    def __init__(self, client, subject, reply, data, headers, sid):
        self._client, self.subject, self.reply, self.data, self.headers, self.sid = client, subject, reply, data, headers, sid

    async def respond(self, data):
        await self._client.publish(self.reply, data)

    def __repr__(self):
        return f"<Msg: subject='{self.subject}' reply='{self.reply}' data='{self.data[:10]!r}...'>"


class Subscription:
    def __init__(self, client, sid, subject, queue, cb):
        self._client, self._id, self.subject, self.queue, self._cb = client, sid, subject, queue, cb
        self._pending = asyncio.Queue()
        self._task = asyncio.get_running_loop().create_task(self._deliver()) if cb is not None else None

    async def _deliver(self):
        while True:
            msg = await self._pending.get()
            try:
                await self._cb(msg)
            except Exception as error:  # noqa: BLE001 - nats-py hands callback errors to error_cb
                await self._client._error_cb(error)

    async def next_msg(self, timeout=1.0):
        try:
            return await asyncio.wait_for(self._pending.get(), timeout)
        except asyncio.TimeoutError:
            raise errors.TimeoutError() from None

    async def unsubscribe(self, limit=0):
        await self._client._unsubscribe(self, limit)


class Client:
    DISCONNECTED, CONNECTED, CLOSED, CONNECTING = 0, 1, 2, 4

    def __init__(self):
        self._status = Client.DISCONNECTED
        self._reader = self._writer = None
        self._pending = []
        self._flush_queue = None
        self._reading_task = self._flusher_task = None
        self._subs = {}
        self._ssid = 0
        self._pongs = []
        self._resp_sub_prefix = None
        self._resp_map = {}
        self._inbox_prefix = DEFAULT_INBOX_PREFIX
        self._err = None
        self._error_cb = self._closed_cb = self._disconnected_cb = None
        self.server_info = {}

    @property
    def is_connected(self):
        return self._status == Client.CONNECTED

    @property
    def is_closed(self):
        return self._status == Client.CLOSED

    @property
    def last_error(self):
        return self._err

    async def _default_error_cb(self, error):
        pass

    async def connect(
        self,
        servers=("nats://localhost:4222",),
        error_cb=None,
        disconnected_cb=None,
        closed_cb=None,
        reconnected_cb=None,
        name=None,
        user=None,
        password=None,
        token=None,
        connect_timeout=2,
        inbox_prefix=DEFAULT_INBOX_PREFIX,
        verbose=False,
        pedantic=False,
        **_ignored,  # allow_reconnect, max_reconnect_attempts, reconnect_time_wait, ...: no reconnection here
    ):
        if isinstance(servers, str):
            servers = [servers]
        self._error_cb = error_cb or self._default_error_cb
        self._disconnected_cb, self._closed_cb = disconnected_cb, closed_cb
        self._inbox_prefix = inbox_prefix.encode() if isinstance(inbox_prefix, str) else bytes(inbox_prefix)
        self._status = Client.CONNECTING
        last = None
        for server in servers:
            url = urllib.parse.urlparse(server if "://" in server else f"nats://{server}")
            try:
                await asyncio.wait_for(self._handshake(url, name, user, password, token, verbose, pedantic), connect_timeout)
                break
            except (OSError, asyncio.TimeoutError, errors.Error) as error:
                last = error
                if self._writer is not None:
                    self._writer.close()
                    self._writer = None
                if isinstance(error, errors.AuthorizationError):
                    self._status = Client.CLOSED
                    raise
        else:
            self._status = Client.DISCONNECTED
            raise errors.NoServersError(str(last))
        self._status = Client.CONNECTED
        # As nats-py: the flush queue and both tasks belong to the loop that ran connect().
        self._flush_queue = asyncio.Queue(maxsize=1024)
        loop = asyncio.get_running_loop()
        self._reading_task = loop.create_task(self._read_loop())
        self._flusher_task = loop.create_task(self._flusher())

    async def _handshake(self, url, name, user, password, token, verbose, pedantic):
        self._reader, self._writer = await asyncio.open_connection(url.hostname or "localhost", url.port or 4222)
        line = await self._reader.readline()
        if not line.startswith(b"INFO "):
            raise errors.Error(f"nats: expected INFO, got {line[:60]!r}")
        self.server_info = json.loads(line[5:])
        options = {
            "verbose": verbose,
            "pedantic": pedantic,
            "lang": "python3",
            "version": "2.x-e2e-standin",
            "protocol": 1,
            "headers": True,
            "no_responders": True,
        }
        if name is not None:
            options["name"] = name
        if url.username:
            options["user"], options["pass"] = urllib.parse.unquote(url.username), urllib.parse.unquote(url.password or "")
        elif user is not None:
            options["user"], options["pass"] = user, password or ""
        elif token is not None:
            options["auth_token"] = token
        self._writer.write(b"CONNECT " + json.dumps(options).encode() + b"\r\nPING\r\n")
        await self._writer.drain()
        while True:
            reply = await self._reader.readline()
            if reply == b"PONG\r\n":
                return
            if reply.startswith(b"-ERR"):
                text = reply[4:].decode().strip().strip("'")
                if "authorization violation" in text.lower():
                    raise errors.AuthorizationError()
                raise errors.Error(f"nats: {text}")
            if not reply:
                raise errors.Error("nats: connection closed during the handshake")
            # +OK (verbose) or an INFO update: read on.

    # --- sending -------------------------------------------------------------------------------

    async def _send_command(self, command, priority=False):
        if priority:
            self._pending.insert(0, command)
        else:
            self._pending.append(command)
        if self._flush_queue is not None and self._flush_queue.empty():
            await self._flush_queue.put(None)

    async def _flusher(self):
        while True:
            await self._flush_queue.get()
            if self._pending and self._writer is not None:
                data, self._pending = b"".join(self._pending), []
                try:
                    self._writer.write(data)
                    await self._writer.drain()
                except OSError as error:
                    self._err = error
                    await self._error_cb(error)
                    return

    async def publish(self, subject, payload=b"", reply="", headers=None):
        if self.is_closed:
            raise errors.ConnectionClosedError()
        if isinstance(payload, str):
            payload = payload.encode()
        reply_part = f" {reply}" if reply else ""
        if headers:
            hdr = _encode_headers(headers)
            command = f"HPUB {subject}{reply_part} {len(hdr)} {len(hdr) + len(payload)}\r\n".encode() + hdr + payload + b"\r\n"
        else:
            command = f"PUB {subject}{reply_part} {len(payload)}\r\n".encode() + payload + b"\r\n"
        await self._send_command(command)

    async def subscribe(self, subject, queue="", cb=None, **_ignored):
        if self.is_closed:
            raise errors.ConnectionClosedError()
        self._ssid += 1
        sub = Subscription(self, self._ssid, subject, queue, cb)
        self._subs[self._ssid] = sub
        await self._send_command(f"SUB {subject}{' ' + queue if queue else ''} {self._ssid}\r\n".encode())
        return sub

    async def _unsubscribe(self, sub, limit=0):
        if limit == 0:
            self._subs.pop(sub._id, None)
            if sub._task is not None:
                sub._task.cancel()
        await self._send_command(f"UNSUB {sub._id}{' ' + str(limit) if limit else ''}\r\n".encode())

    def new_inbox(self):
        return f"{self._inbox_prefix.decode()}.{_nuid()}"

    async def _request_sub_callback(self, msg):
        token = msg.subject[len(self._resp_sub_prefix) :]
        future = self._resp_map.pop(token, None)
        if future is not None and not future.done():
            future.set_result(msg)

    async def request(self, subject, payload=b"", timeout=0.5, old_style=False, headers=None):
        """New-style request, as nats-py: one `<prefix>.<nuid>.*` subscription for all replies."""
        if self._resp_sub_prefix is None:
            self._resp_sub_prefix = f"{self._inbox_prefix.decode()}.{_nuid()}."
            await self.subscribe(self._resp_sub_prefix + "*", cb=self._request_sub_callback)
        token = _nuid()
        future = asyncio.get_running_loop().create_future()
        self._resp_map[token] = future
        await self.publish(subject, payload, reply=self._resp_sub_prefix + token, headers=headers)
        try:
            msg = await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            self._resp_map.pop(token, None)
            raise errors.TimeoutError() from None
        if msg.headers and msg.headers.get("Status") == "503" and not msg.data:
            raise errors.NoRespondersError()
        return msg

    async def flush(self, timeout=2):
        future = asyncio.get_running_loop().create_future()
        self._pongs.append(future)
        await self._send_command(b"PING\r\n")
        try:
            await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            raise errors.TimeoutError() from None

    def jetstream(self, prefix="$JS.API", domain=None, timeout=5):
        return JetStreamContext(self, prefix=prefix, domain=domain, timeout=timeout)

    # --- receiving -----------------------------------------------------------------------------

    async def _read_loop(self):
        reader = self._reader
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                if line.startswith(b"MSG ") or line.startswith(b"HMSG "):
                    parts = line.decode().split()
                    headered = parts[0] == "HMSG"
                    subject, sid = parts[1], int(parts[2])
                    reply = parts[3] if len(parts) == (6 if headered else 5) else ""
                    total = int(parts[-1])
                    header_len = int(parts[-2]) if headered else 0
                    body = await reader.readexactly(total + 2)
                    headers = _decode_headers(body[:header_len]) if headered else None
                    sub = self._subs.get(sid)
                    if sub is not None:
                        sub._pending.put_nowait(Msg(self, subject, reply, body[header_len:total], headers, sid))
                elif line.startswith(b"PING"):
                    await self._send_command(b"PONG\r\n", priority=True)
                elif line.startswith(b"PONG"):
                    if self._pongs:
                        future = self._pongs.pop(0)
                        if not future.done():
                            future.set_result(True)
                elif line.startswith(b"-ERR"):
                    text = line[4:].decode().strip().strip("'")
                    error = errors.Error(f"nats: {text}")
                    self._err = error
                    if PERMISSIONS_ERR in text.lower():
                        # nats-py: a permissions violation goes to error_cb; the connection stays.
                        await self._error_cb(error)
                        continue
                    await self._error_cb(error)
                    break
                elif line.startswith(b"INFO "):
                    self.server_info.update(json.loads(line[5:]))
                # +OK: nothing to do
        except (OSError, asyncio.IncompleteReadError) as error:
            self._err = error
        if self._status == Client.CONNECTED:
            self._status = Client.DISCONNECTED
            if self._disconnected_cb is not None:
                await self._disconnected_cb()

    async def close(self):
        if self.is_closed:
            return
        if self._writer is not None and self._status == Client.CONNECTED:
            try:
                await self.flush(timeout=2)
            except errors.Error:
                pass
        self._status = Client.CLOSED
        for task in [self._reading_task, self._flusher_task] + [s._task for s in self._subs.values()]:
            if task is not None:
                task.cancel()
        self._subs.clear()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._closed_cb is not None:
            await self._closed_cb()
