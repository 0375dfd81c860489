class ErrConnectionClosed(Exception): pass
class ErrTimeout(Exception): pass
class ErrNoServers(Exception): pass
