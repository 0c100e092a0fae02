"""The framework hooks oz sets: its Flask app class, JSON through orjson, JSON-object bodies.

Each is a documented extension point (a class attribute Flask or flask-smorest reads, or a
method their documentation says to override); none reaches into a private method.
"""

from datetime import datetime
from inspect import CO_COROUTINE
from types import FunctionType, MethodType

import flask
import flask_smorest
import orjson
from apispec import BasePlugin
from flask.json.provider import DefaultJSONProvider
from flask_smorest import abort
from webargs import missing
from webargs.flaskparser import FlaskParser

from core.pagination import LINK_HEADER

# Datetimes go to Flask's default function (an HTTP date), as with Flask's own provider;
# integer keys (marshmallow's error messages for list items) become strings, as with json.
ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS

# A naive datetime (UTC, as MySQL hands them back) as RFC 3339 with a Z.
UTC_TEXT_OPTIONS = orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z


def utc_text(value):
    """A naive UTC datetime as the API writes it: 2026-11-24T22:31:46.123456Z, the same text
    as value.isoformat() + "Z" (no fraction when the microseconds are zero).

    orjson writes it, as a JSON string whose quotes are cut off: datetime.isoformat formats
    each field through C's printf, which made it the largest cost of a page of boards
    (bench/README.md).
    """
    if not isinstance(value, datetime):
        # orjson would write it too (None as null): a row without its time is a fault.
        raise TypeError(f"not a datetime: {value!r}")
    return orjson.dumps(value, option=UTC_TEXT_OPTIONS)[1:-1].decode()


class OrjsonProvider(DefaultJSONProvider):
    """The JSON Flask's provider writes (compact, UTF-8, keys in their order), made by orjson.

    orjson writes a page of boards in a fraction of what the json module spends on it.
    """

    def dumps(self, obj, **kwargs):
        return orjson.dumps(obj, default=self.default, option=ORJSON_OPTIONS).decode()

    def loads(self, s, **kwargs):
        return orjson.loads(s)

    def response(self, *args, **kwargs):
        """jsonify(): one positional argument, or several (a list), or keyword arguments (a dict)."""
        if args and kwargs:
            raise TypeError("jsonify() takes positional or keyword arguments, not both")
        obj = args[0] if len(args) == 1 else (args or kwargs)
        body = orjson.dumps(obj, default=self.default, option=ORJSON_OPTIONS | orjson.OPT_APPEND_NEWLINE)
        # The provider's own app (JSONProvider keeps it on _app, as its documentation says),
        # not current_app: every attribute read through one of Flask's proxies costs about
        # 9k instructions (bench/README.md). application/json takes no charset, so the
        # mimetype is the whole Content-Type, given as it is rather than worked out again
        # by werkzeug for every response (4k instructions).
        return self._app.response_class(body, content_type=self.mimetype)


class BodyInOnePiece(list):
    """A body held in memory, as a one-item list: Granian sends a list in one call, where it
    steps through any other iterable from its own threads, taking the GIL for each step.

    The server closes it, as WSGI asks of any body, which runs the response's close
    callbacks as werkzeug's own iterator would.
    """

    def __init__(self, body, close):
        super().__init__((body,))
        self.close = close


class OzResponse(flask.Response):
    """Flask's response, with a body in memory sent whole."""

    def get_app_iter(self, environ):
        """werkzeug's body for the server; one held in memory goes as BodyInOnePiece."""
        status = self.status_code
        has_body = environ["REQUEST_METHOD"] != "HEAD" and status >= 200 and status not in (204, 304)
        if has_body and self.is_sequence and not self.direct_passthrough:
            return BodyInOnePiece(self.get_data(), self.close)
        return super().get_app_iter(environ)


class OzFlask(flask.Flask):
    """Flask, with orjson, oz's response class and a cheaper answer to "is this view async?"."""

    response_class = OzResponse
    json_provider_class = OrjsonProvider

    def ensure_sync(self, func):
        """Flask's ensure_sync (documented as the method to override), answered at once for a
        plain function or method.

        Flask and its extensions ask this of the view, each hook and each decorator's wrapper,
        about ten times per request, and inspect's general check is costly (bench/README.md).
        A function's code flags say whether it is `async def`; anything else
        (a partial, a callable object) gets Flask's own check.
        """
        if is_plain_function(func):
            return func
        return super().ensure_sync(func)


def is_plain_function(func):
    """Is this a function or method that is not `async def`? Flask's ensure_sync hands such
    a one back unchanged, after a general check that costs more than its code flags."""
    return type(func) in (FunctionType, MethodType) and not func.__code__.co_flags & CO_COROUTINE


class PlainCallbacks:
    """For Flask-HTTPAuth's auth classes: its ensure_sync, answered at once for a plain
    function or method, as the app answers it (OzFlask.ensure_sync).

    Flask-HTTPAuth's login_required asks current_app.ensure_sync about the view and each
    callback, three times per signed-in request, and every read through Flask's current_app
    proxy costs about 9k instructions (bench/README.md). Anything else still asks the app.
    """

    def ensure_sync(self, f):
        if is_plain_function(f):
            return f
        return super().ensure_sync(f)


class JsonObjectParser(FlaskParser):
    """webargs' Flask parser, with clear errors for a body that is not a JSON object.

    Only a body that a schema is about to load is read, and it is parsed once: 415 for a
    content type other than JSON, 400 for text that is not JSON or not an object, 413 for a
    body over MAX_CONTENT_LENGTH. No body at all loads as {}, so the schema names the
    required fields (422).
    """

    def get_default_request(self):
        """The request itself rather than Flask's proxy to it (the hook webargs documents for
        this): each attribute the parser reads through the proxy costs about 9k instructions
        (bench/README.md), and it reads several."""
        return flask.request._get_current_object()

    def load_json(self, req, schema):
        body = read_body(req)
        if not body:
            return missing
        if not req.is_json:
            abort(415, message="Send the body as JSON (Content-Type: application/json).")
        try:
            data = orjson.loads(body)  # as the app's OrjsonProvider reads JSON, without current_app
        except orjson.JSONDecodeError:
            abort(400, message="The body is not valid JSON.")
        if not isinstance(data, dict):
            abort(400, message="The body must be a JSON object.")
        return data


def read_body(req):
    """The request's body, read once; 413 when it is longer than MAX_CONTENT_LENGTH.

    A body of known length is read in one call from the server's stream, after its length
    is checked (WSGI allows reading CONTENT_LENGTH bytes, never more): werkzeug's own stream,
    under a server that ends the input itself (Granian), reads every body through a stream
    limited only by the maximum, 64 KiB at a time until the server's stream runs dry.
    A body without a length (chunked) goes through werkzeug's stream, which stops at the
    maximum without a word: one more byte from the server tells a body cut short (413) from
    one that ended there.
    """
    length, maximum = req.content_length, req.max_content_length
    if length is None:
        body = req.get_data()
        if maximum is not None and len(body) == maximum and req.input_stream.read(1):
            abort(413)
        return body
    if maximum is not None and length > maximum:
        abort(413)
    return req.input_stream.read(length)


class ApiBlueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint whose request bodies must be JSON objects (JsonObjectParser)."""

    ARGUMENTS_PARSER = JsonObjectParser()

    def keyset_list(self, page_args, item_schema):
        """A list operation: page_args loaded from the query string, 200 with a page of
        item_schema and, while there is more, the Link to the next page (fetch_page)."""

        def decorate(view):
            view = self.response(200, item_schema(many=True), headers=LINK_HEADER)(view)
            return self.arguments(page_args(), location="query")(view)

        return decorate


class OperationIds(BasePlugin):
    """An apispec plugin: each operation's operationId is its view function's name in
    camelCase (get_board is getBoard), unless the view's blp.doc gives one.

    Each operation is one view function, so its name is already the operation's name;
    setting it again in a blp.doc would also wrap the view in one more function that reads
    current_app on every request (bench/README.md).
    """

    def operation_helper(self, path=None, operations=None, rule=None, **kwargs):
        first_word, *other_words = rule.endpoint.rpartition(".")[2].split("_")
        operation_id = first_word + "".join(word.capitalize() for word in other_words)
        for operation in operations.values():
            operation.setdefault("operationId", operation_id)
