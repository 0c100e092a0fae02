"""One place that turns every failure into the JSON error body of the contract."""

import logging
from http import HTTPStatus

import MySQLdb
from MySQLdb.constants import ER
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = "5"

# Clearer than werkzeug's descriptions for the statuses people meet most.
DEFAULT_MESSAGES = {
    404: "No such path.",
    405: "This path does not accept that method.",
    413: "The body is larger than 1 MiB.",
    422: "Some fields are invalid: see errors.",
}

# The unique keys of schema.sql, and the field each one guards.
UNIQUE_KEY_FIELDS = {"uq_users_name": "name", "uq_users_email": "email"}


def error_body(code, message, errors=None):
    body = {"code": code, "status": HTTP_STATUS_CODES[code], "message": message}
    if errors:
        body["errors"] = errors
    return body


def handle_http_exception(error):
    """Answer every HTTP error (404 for unknown paths and 405 included) as JSON."""
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    headers = dict(data.get("headers") or {})
    if error.code == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    message = data.get("message") or DEFAULT_MESSAGES.get(error.code) or error.description
    return error_body(error.code, message, errors), error.code, headers


def handle_integrity_error(error):
    """A taken unique value, or an author deleted during the write, is a 409."""
    if error.args[0] == ER.NO_REFERENCED_ROW_2:
        return error_body(409, "The account this was written for no longer exists."), 409
    field = next((f for key, f in UNIQUE_KEY_FIELDS.items() if key in error.args[1]), None)
    if error.args[0] != ER.DUP_ENTRY or field is None:
        return handle_unexpected_error(error)
    message = f"That {field} is already taken."
    return error_body(409, message, {"json": {field: [message]}}), 409


def handle_database_unavailable(error):
    """The database is unreachable or lost the connection: ask the client to retry soon.

    A deadlock that outlasted its retries (MySQL.in_transaction) is a conflict with other
    writers, not an outage: 409, and the client may send the request again.
    """
    if error.args[0] == ER.LOCK_DEADLOCK:
        log.warning("write conflict after retries: %s", error)
        body = error_body(409, "This conflicted with other changes made at the same time; try again.")
        return body, 409, {"Retry-After": "1"}
    log.warning("database unavailable: %s", error)
    body = error_body(503, "The database is unavailable; try again shortly.")
    return body, 503, {"Retry-After": RETRY_AFTER_SECONDS}


def handle_unexpected_error(error):
    """Log the fault for us; tell the client nothing about SQL, drivers or tracebacks."""
    log.error("unhandled error", exc_info=error)
    return error_body(500, InternalServerError.description), 500


def error_responses(*codes):
    """The error statuses an operation can answer, each with the JSON error body, for its
    blp.doc(responses=...).

    In the operation's one blp.doc rather than an alt_response each: every flask-smorest
    decorator also wraps the view, and each wrapper reads current_app through its proxy
    on every request (bench/README.md).
    """
    return {code: HTTPStatus(code).name for code in codes}


def register_error_handlers(app):
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(MySQLdb.IntegrityError, handle_integrity_error)
    app.register_error_handler(MySQLdb.OperationalError, handle_database_unavailable)
