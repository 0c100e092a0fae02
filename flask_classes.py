"""oz's Flask, Request and Response classes: Flask's own, minus per-request costs oz measured.

Each override keeps Flask's behaviour and answers a common case more cheaply (the numbers
are in bench/README.md: callgrind instructions per request, and wrk under Granian). One
adds what werkzeug leaves out: a 413 for a chunked body over the maximum (BodyOverMaximum).
"""

from inspect import CO_COROUTINE
from types import FunctionType, MethodType

import flask
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream, get_content_length, get_input_stream

from json_provider import OrjsonProvider


class BodyOverMaximum(LimitedStream):
    """werkzeug's stream for a body without a Content-Length, answering 413 past the maximum.

    werkzeug reads such a body (chunked) up to MAX_CONTENT_LENGTH and stops there without a
    word, so a body over 1 MiB arrived cut short and failed as invalid JSON (400). Here one
    more byte is asked for after the maximum: if the body has it, the answer is 413.
    """

    def __init__(self, stream, maximum):
        super().__init__(stream, maximum, is_max=True)
        self.source = stream

    def readall(self):
        body = super().readall()
        if self.is_exhausted and self.source.read(1):
            raise RequestEntityTooLarge()
        return body


class Request(flask.Request):
    """Flask's request, reading a body whose length is known straight from the server.

    With MAX_CONTENT_LENGTH set, under a server that ends the input stream itself (Granian
    says so), werkzeug reads every body through a stream limited only by the maximum, in
    64 KiB reads until the server's stream runs dry: 6-10% of POST /boards's throughput.
    A body with a Content-Length is checked against the maximum (413) and then read the way
    werkzeug reads one when no maximum is set; a body without one (chunked) is read through
    werkzeug's limited stream, with a 413 past the maximum (BodyOverMaximum).
    """

    @cached_property
    def stream(self):
        length, maximum = get_content_length(self.environ), self.max_content_length
        if maximum is None:
            return super().stream
        if length is None:
            if "wsgi.input_terminated" not in self.environ:
                return super().stream  # werkzeug's safe choice: no length, no end, no body
            return BodyOverMaximum(self.environ["wsgi.input"], maximum)
        if length > maximum:
            raise RequestEntityTooLarge()
        return get_input_stream(self.environ)


class Response(flask.Response):
    """Flask's response, with nosniff, handing a body it holds in memory to the server as a list.

    X-Content-Type-Options: nosniff is on every response, set here rather than in an
    after-request hook that every request would call: a JSON body holding user text must
    never be read as HTML or script, and the pages' .js and .css must be what their
    Content-Type says.

    werkzeug returns every body as an iterator (a generator inside a ClosingIterator).
    Granian sends a list in one call, but steps through any other iterable from its own
    threads, taking the GIL for each step: about 4% of GET /users/me's CPU time under load.
    A body that streams (a file, a generator) or that has close callbacks keeps werkzeug's
    iterator, which the server closes after sending.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers["X-Content-Type-Options"] = "nosniff"

    def get_app_iter(self, environ):
        status = self.status_code
        held_in_memory = self.is_sequence and not self.direct_passthrough and not self._on_close
        has_body = environ["REQUEST_METHOD"] != "HEAD" and status >= 200 and status not in (204, 304)
        if held_in_memory and has_body:
            return [self.get_data()]
        return super().get_app_iter(environ)


class Flask(flask.Flask):
    request_class = Request
    response_class = Response
    json_provider_class = OrjsonProvider

    def ensure_sync(self, func):
        """Flask's ensure_sync, answered at once for a plain function or method.

        Flask and its extensions ask this of the view, each hook and each decorator's
        wrapper, about ten times per request, and inspect's general check cost 5% of
        GET /users/me's instructions. A function's code flags say whether it is
        `async def`; anything else (a partial, a callable object) gets Flask's own check.
        """
        if type(func) in (FunctionType, MethodType) and not func.__code__.co_flags & CO_COROUTINE:
            return func
        return super().ensure_sync(func)
