"""One log line per request (method, path, status, duration and a request id), and the
headers every response carries: X-Request-ID and X-Content-Type-Options: nosniff.

The id comes from the client's X-Request-ID when it is a plain token (a proxy's id carries
through), else a new one; it is returned as X-Request-ID so a client can quote it. Headers
(Authorization above all), query strings and bodies are never logged.

It is WSGI middleware around the Flask app rather than a pair of request hooks: it reads
what it needs straight from the WSGI environ and status line, which costs a fraction of
the hooks' context look-ups and header objects (bench/README.md has the measurement).

nosniff: a JSON body holding user text must never be read as HTML or script, and the pages'
.js and .css must be what their Content-Type says. It joins the headers here, as the
server is handed them, on every response (errors and files included): one more pair in a
list, where setting it on each response's werkzeug Headers cost 15k instructions a request.
"""

import logging
import random
import re
import time
from urllib.parse import quote

log = logging.getLogger("oz.requests")

ACCEPTED_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
LINE_FORMAT = "request_id=%s method=%s path=%s status=%s duration_ms=%.1f"
NOSNIFF = ("X-Content-Type-Options", "nosniff")


def init_request_log(app):
    """Log every request the app answers, errors included."""
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)
    if not log.hasHandlers():
        log.addHandler(logging.StreamHandler())
    app.wsgi_app = RequestLog(app.wsgi_app)


def lean_log_records():
    """Leave out of every log record what oz's log lines never show, for production servers.

    Thread and process names are looked up for each record. These are the public switches
    of the logging HOWTO's "Optimization" section; they apply to the whole process.
    """
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


def new_request_id():
    # Unique, not secret: Python's generator (reseeded in each forked worker) needs no system
    # call, where os.urandom would let go of the GIL in the middle of every request.
    return f"{random.getrandbits(128):032x}"


def logged_path(environ):
    """The path as the client sent it, percent-encoded so that it stays on one line."""
    # WSGI hands the raw path over as latin-1; its bytes are what the client sent.
    raw_path = environ.get("PATH_INFO", "").encode("latin-1")
    return quote(raw_path, safe="/:@!$&'()*+,;=-._~")


class RequestLog:
    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        given = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = given if ACCEPTED_REQUEST_ID.fullmatch(given) else new_request_id()
        status_line = ""

        def start_response_with_headers(status, headers, exc_info=None):
            nonlocal status_line
            status_line = status
            headers.extend((("X-Request-ID", request_id), NOSNIFF))
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, start_response_with_headers)
        if log.isEnabledFor(logging.INFO):
            write_line(request_id, environ["REQUEST_METHOD"], logged_path(environ), status_line[:3],
                       (time.perf_counter() - started) * 1000)
        return body


def write_line(*values):
    """Hand the request's line to the log's handlers, as log.info() would.

    log.info() also looks up the file and line it was called from, walking the stack for
    every record; this line never shows them. Logger.makeRecord and Logger.handle are the
    public steps info() takes after that (what it saves: bench/README.md).
    """
    record = log.makeRecord(log.name, logging.INFO, __file__, 0, LINE_FORMAT, values, None)
    log.handle(record)
