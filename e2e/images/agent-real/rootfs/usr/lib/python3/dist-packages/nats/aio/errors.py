"""nats-py's legacy names (nats/aio/errors.py), which the user's error bus imports."""

from ..errors import ConnectionClosedError as ErrConnectionClosed  # noqa: F401
from ..errors import Error as NatsError  # noqa: F401
from ..errors import NoServersError as ErrNoServers  # noqa: F401
from ..errors import TimeoutError as ErrTimeout  # noqa: F401
