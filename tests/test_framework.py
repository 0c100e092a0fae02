"""core/framework.py: oz's app class keeps Flask's behaviour where it cuts costs."""

import functools

import pytest
from flask_smorest import Api
from werkzeug.datastructures import Headers
from werkzeug.test import EnvironBuilder

from auth import BasicAuth, TokenAuth
from core.framework import ApiBlueprint, OperationIds, OzFlask


def wsgi_answer(app, path, method="GET", **kwargs):
    """The status, headers and body iterable exactly as the server receives them."""
    environ = EnvironBuilder(path=path, method=method, **kwargs).get_environ()
    started = {}

    def start_response(status, headers, exc_info=None):
        started.update(status=status, headers=Headers(headers))

    body = app.wsgi_app(environ, start_response)
    return started["status"], started["headers"], body


def test_a_json_body_reaches_the_server_in_one_piece(app, accounts):
    alice = accounts.member()
    status, headers, body = wsgi_answer(app, "/users/me", auth=alice.auth)
    assert status.startswith("200")
    assert isinstance(body, list) and len(body) == 1
    assert int(headers["Content-Length"]) == len(body[0])


def test_an_error_body_reaches_the_server_in_one_piece(app):
    status, headers, body = wsgi_answer(app, "/no/such/path")
    assert status.startswith("404") and isinstance(body, list)


@pytest.mark.parametrize("method", ["HEAD", "DELETE"])
def test_a_response_without_a_body_sends_none(app, accounts, method):
    alice = accounts.member()
    path = "/users/me" if method == "HEAD" else f"/users/{alice.id}"
    status, headers, body = wsgi_answer(app, path, method, auth=alice.auth)
    assert status[:3] in ("200", "204")
    assert b"".join(body) == b""


def test_a_file_still_streams_and_is_closed(app):
    status, headers, body = wsgi_answer(app, "/swagger-ui/swagger-ui-bundle.js")
    assert status.startswith("200")
    assert not isinstance(body, list)
    first_chunk = next(iter(body))
    assert first_chunk
    body.close()


def test_a_body_with_close_callbacks_keeps_its_closing_iterator(app):
    closed = []

    @app.get("/closing")
    def closing():
        response = app.response_class("text")
        response.call_on_close(lambda: closed.append(True))
        return response

    status, headers, body = wsgi_answer(app, "/closing")
    assert b"".join(body) == b"text"
    body.close()
    assert closed == [True]


@pytest.mark.parametrize("path", ["/users/me", "/no/such/path", "/health", "/openapi.json"])
def test_json_is_sent_as_application_json_without_a_charset(client, path):
    assert client.get(path).headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("path", ["/users/me", "/no/such/path", "/health", "/openapi.json"])
def test_every_response_says_nosniff(client, path):
    assert client.get(path).headers.getlist("X-Content-Type-Options") == ["nosniff"]


def test_plain_functions_and_methods_are_called_as_they_are(app):
    class View:
        def get(self):
            return "method"

    def view():
        return "function"

    bound_method = View().get
    assert app.ensure_sync(view) is view
    assert app.ensure_sync(bound_method) is bound_method


def test_async_functions_and_other_callables_still_get_flasks_check(app, monkeypatch):
    async def async_view():
        return "async"

    checked = []
    monkeypatch.setattr(app, "async_to_sync", lambda func: checked.append(func) or func)
    assert app.ensure_sync(async_view) is async_view and checked == [async_view]
    partial = functools.partial(print, "x")
    assert app.ensure_sync(partial) is partial


@pytest.mark.parametrize("scheme", ["Basic", "Bearer"])
def test_sign_in_asks_the_app_nothing_about_its_plain_callbacks(app, client, accounts, monkeypatch, scheme):
    alice = accounts.member()
    headers = {}
    if scheme == "Bearer":
        token = client.post("/tokens", auth=alice.auth, json={}).json["token"]
        headers = {"Authorization": f"Bearer {token}"}
    asked = []
    ask_the_app = app.ensure_sync
    monkeypatch.setattr(app, "ensure_sync", lambda func: asked.append(func.__name__) or ask_the_app(func))
    # A path behind login_required (GET /users/me signs in without it: Auth.signed_in_user).
    response = client.get(f"/users/{alice.id}", auth=None if headers else alice.auth, headers=headers)
    assert response.status_code == 200
    # Flask's own dispatch still asks about the view; Flask-HTTPAuth's callbacks never do.
    assert asked and not {"verify_password", "verify_token", "default_get_password"} & set(asked)


@pytest.mark.parametrize("auth_class", [BasicAuth, TokenAuth])
def test_async_sign_in_callbacks_still_get_the_apps_check(app, monkeypatch, auth_class):
    async def async_callback():
        return "async"

    checked = []
    monkeypatch.setattr(app, "async_to_sync", lambda func: checked.append(func) or func)
    with app.app_context():
        assert auth_class().ensure_sync(async_callback) is async_callback
    assert checked == [async_callback]


def test_an_operation_is_named_for_its_view_unless_its_doc_names_it():
    app = OzFlask(__name__)
    app.config.update(API_TITLE="t", API_VERSION="1", OPENAPI_VERSION="3.0.3")
    api = Api(app, spec_kwargs={"extra_plugins": [OperationIds()]})
    blp = ApiBlueprint("things", __name__)

    @blp.route("/things", methods=["GET"])
    def list_shared_things():
        return "named for its view"

    @blp.route("/named", methods=["GET"])
    @blp.doc(operationId="givenName")
    def named_in_its_doc():
        return "named in its doc"

    api.register_blueprint(blp)
    paths = api.spec.to_dict()["paths"]
    assert paths["/things"]["get"]["operationId"] == "listSharedThings"
    assert paths["/named"]["get"]["operationId"] == "givenName"
