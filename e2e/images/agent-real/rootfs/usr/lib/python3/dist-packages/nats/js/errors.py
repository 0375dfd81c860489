"""nats-py's nats.js.errors: an API error as the server describes it."""

from ..errors import Error


class APIError(Error):
    def __init__(self, code=None, err_code=None, description=None, stream=None, seq=None):
        super().__init__(description)
        self.code, self.err_code, self.description, self.stream, self.seq = code, err_code, description, stream, seq

    @classmethod
    def from_error(cls, err):
        kind = {400: BadRequestError, 404: NotFoundError, 503: ServiceUnavailableError}.get(err.get("code"), APIError)
        return kind(code=err.get("code"), err_code=err.get("err_code"), description=err.get("description"))

    def __str__(self):
        return f"nats: {type(self).__name__}: code={self.code} err_code={self.err_code} description='{self.description}'"


class BadRequestError(APIError):
    pass


class NotFoundError(APIError):
    pass


class ServiceUnavailableError(APIError):
    pass


class NoStreamResponseError(Error):
    def __str__(self):
        return "nats: no response from stream"
