from .aio.client import Client as NATS  # noqa: F401
async def connect(*args, **kwargs):
    from .aio.client import Client
    c = Client(); await c.connect(*args, **kwargs); return c
