"""nats-py's nats.errors, the classes the stand-in raises."""

import asyncio


class Error(Exception):
    def __str__(self):
        return self.args[0] if self.args else "nats: error"


class TimeoutError(Error, asyncio.TimeoutError):  # noqa: A001 (nats-py's name)
    def __str__(self):
        return "nats: timeout"


class NoRespondersError(Error):
    def __str__(self):
        return "nats: no responders available for request"


class NoServersError(Error):
    def __str__(self):
        return "nats: no servers available for connection" + (f" ({self.args[0]})" if self.args else "")


class ConnectionClosedError(Error):
    def __str__(self):
        return "nats: connection closed"


class AuthorizationError(Error):
    def __str__(self):
        return "nats: authorization failed"
