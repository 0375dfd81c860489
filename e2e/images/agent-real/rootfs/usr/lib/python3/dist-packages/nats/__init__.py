"""Stand-in for nats-py 2.x (Debian packages no `nats`), for the e2e image ai-system-e2e/agent-real.

It speaks the real NATS client protocol (INFO, CONNECT, PING/PONG, SUB, UNSUB, PUB, HPUB, MSG,
HMSG, +OK, -ERR) to a real nats-server and offers the part of nats-py's API that the user's
error bus calls (common/error_bus/nats_error_bus.py, nats_client.py of the 2025-07-26 tree):
`nats.connect`, `Client.connect/subscribe/publish/request/flush/close/jetstream`,
`JetStreamContext.add_stream/stream_info/publish`. Its structure follows nats-py's where that
changes what the calling code sees: one reading task and one flushing task on the event loop
that ran `connect`, a flush queue bound to that loop, new-style requests on one muxed inbox
subscription `<inbox_prefix>.<nuid>.*` (default prefix `_INBOX`), `-ERR 'Permissions
Violation ...'` reported to `error_cb` with the connection kept, any other -ERR closing it.
Not implemented (raise NotImplementedError): reconnection, TLS, JetStream consumers.
"""

from . import errors  # noqa: F401
from .aio.client import Client
from .aio.client import Client as NATS  # noqa: F401


async def connect(servers=("nats://localhost:4222",), **options):
    """nats-py's module-level connect: a new Client, connected."""
    client = Client()
    await client.connect(servers, **options)
    return client
