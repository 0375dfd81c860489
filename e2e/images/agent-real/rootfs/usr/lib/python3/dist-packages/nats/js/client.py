"""nats-py's JetStreamContext, the calls the user's error bus makes: JSON requests on
`$JS.API` (or `$JS.<domain>.API`) and publishes that wait for the stream's ack."""

import json

from .. import errors
from . import errors as js_errors


class PubAck:
    def __init__(self, stream, seq, domain=None, duplicate=None):
        self.stream, self.seq, self.domain, self.duplicate = stream, seq, domain, duplicate

    def __repr__(self):
        return f"PubAck(stream={self.stream!r}, seq={self.seq!r}, domain={self.domain!r}, duplicate={self.duplicate!r})"


def _nanoseconds(seconds):
    return None if seconds is None else int(seconds * 1_000_000_000)


class JetStreamContext:
    def __init__(self, conn, prefix="$JS.API", domain=None, timeout=5):
        self._nc = conn
        self._prefix = f"$JS.{domain}.API" if domain is not None else prefix
        self._timeout = timeout

    async def _api_request(self, subject, payload=b"", timeout=None):
        msg = await self._nc.request(subject, payload, timeout=timeout or self._timeout)
        answer = json.loads(msg.data)
        if "error" in answer:
            raise js_errors.APIError.from_error(answer["error"])
        return answer

    async def add_stream(self, config=None, **params):
        """As nats-py's StreamConfig.as_dict: unset fields left out, max_age given in seconds."""
        body = dict(config or {}, **params)
        if "max_age" in body:
            body["max_age"] = _nanoseconds(body["max_age"])
        body = {k: getattr(v, "value", v) for k, v in body.items() if v is not None}
        return await self._api_request(f"{self._prefix}.STREAM.CREATE.{body['name']}", json.dumps(body).encode())

    async def stream_info(self, name):
        return await self._api_request(f"{self._prefix}.STREAM.INFO.{name}")

    async def publish(self, subject, payload=b"", timeout=None, stream=None, headers=None):
        hdr = dict(headers or {})
        if stream is not None:
            hdr["Nats-Expected-Stream"] = stream
        try:
            msg = await self._nc.request(subject, payload, timeout=timeout or self._timeout, headers=hdr or None)
        except errors.NoRespondersError:
            raise js_errors.NoStreamResponseError() from None
        answer = json.loads(msg.data)
        if "error" in answer:
            raise js_errors.APIError.from_error(answer["error"])
        return PubAck(answer.get("stream"), answer.get("seq"), answer.get("domain"), answer.get("duplicate"))

    async def subscribe(self, *args, **kwargs):
        raise NotImplementedError("stand-in nats: no JetStream consumers")

    async def pull_subscribe(self, *args, **kwargs):
        raise NotImplementedError("stand-in nats: no JetStream consumers")
