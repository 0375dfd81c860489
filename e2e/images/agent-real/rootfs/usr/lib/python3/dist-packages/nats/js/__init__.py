from .client import JetStreamContext  # noqa: F401
from . import errors  # noqa: F401
