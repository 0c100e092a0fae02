"""One log line per request: method, path, status, duration and a request id.

The id comes from the client's X-Request-ID when it is a plain token (a proxy's id carries
through), else a new one; it is returned as X-Request-ID so a client can quote it. Headers
(Authorization above all), query strings and bodies are never logged.
"""

import logging
import re
import time
import uuid
from urllib.parse import quote

from flask import g, request

log = logging.getLogger("oz.requests")

REQUEST_ID_HEADER = "X-Request-ID"
ACCEPTED_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def init_request_log(app):
    """Log every request of the app; call it before other before_request hooks are added."""
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)
    if not log.hasHandlers():
        log.addHandler(logging.StreamHandler())
    app.before_request(start_request)
    app.after_request(log_request)


def start_request():
    given = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = given if ACCEPTED_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def log_request(response):
    duration_ms = (time.perf_counter() - g.request_started) * 1000
    response.headers[REQUEST_ID_HEADER] = g.request_id
    # Quoted, so that a path with a newline or other control characters stays one line.
    path = quote(request.path, safe="/:@!$&'()*+,;=-._~")
    log.info("request_id=%s method=%s path=%s status=%d duration_ms=%.1f",
             g.request_id, request.method, path, response.status_code, duration_ms)
    return response
