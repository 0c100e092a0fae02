"""The Errors table of API.md: every status is JSON and says nothing about the internals."""

import io
import json

import pytest

from app import create_app
from helpers import free_port

FORBIDDEN_WORDS = ("Traceback", "SELECT", "INSERT", "MySQLdb", "OperationalError", "mariadb", "mysql")


def assert_error(response, code):
    assert response.status_code == code
    assert response.mimetype == "application/json"
    body = response.json
    assert body["code"] == code
    assert body["status"] and body["message"]
    text = json.dumps(body)
    assert not any(word.lower() in text.lower() for word in FORBIDDEN_WORDS), text
    return body


def test_a_body_that_is_not_json_is_400(client):
    assert_error(client.post("/users", data="{not json", content_type="application/json"), 400)


def test_a_body_that_is_not_utf8_json_is_400(client):
    assert_error(client.post("/users", data=b"\xff\xfe\xfd", content_type="application/json"), 400)


# Python's json module reads all three; none is text MySQL can store or JSON can carry
# (a lone surrogate once got as far as the INSERT and answered 500).
@pytest.mark.parametrize("name", ['"\\ud800x"', "NaN", "Infinity"])
def test_a_body_with_an_unpaired_surrogate_or_a_non_number_is_400(client, name):
    body = f'{{"name": {name}, "email": "odd@example.com", "password": "password1"}}'
    assert_error(client.post("/users", data=body, content_type="application/json"), 400)


@pytest.mark.parametrize("body", ["[]", "\"text\"", "42", "null", "[{\"name\": \"x\"}]"])
def test_a_json_body_that_is_not_an_object_is_400(client, accounts, body):
    alice = accounts.member()
    assert_error(client.post("/users", data=body, content_type="application/json"), 400)
    assert_error(client.post("/boards", data=body, content_type="application/json", auth=alice.auth), 400)


def test_an_unknown_path_is_404_json(client):
    body = assert_error(client.get("/no/such/path"), 404)
    assert body["message"] == "No such path."


def test_a_path_with_a_non_numeric_id_is_404(client, accounts):
    alice = accounts.member()
    assert_error(client.get("/boards/abc", auth=alice.auth), 404)


@pytest.mark.parametrize("method, path", [("delete", "/boards"), ("put", "/users"), ("post", "/health"),
                                          ("patch", "/users/me"), ("post", "/boards/1")])
def test_a_wrong_method_is_405_json_with_allow(client, method, path):
    response = getattr(client, method)(path)
    assert_error(response, 405)
    assert "GET" in response.headers["Allow"]


def test_a_body_over_one_mib_is_413(client, accounts):
    alice = accounts.member()
    big = json.dumps({"title": "t", "content": "x" * (1024 * 1024)})
    assert_error(client.post("/boards", data=big, content_type="application/json", auth=alice.auth), 413)


def post_chunked(client, path, body, auth):
    """POST a chunked body (no length), as it reaches the app from a server that ends the
    stream itself (wsgi.input_terminated, as Granian sets)."""
    return client.post(path, input_stream=io.BytesIO(body.encode()), content_type="application/json",
                       headers={"Transfer-Encoding": "chunked"},
                       environ_overrides={"wsgi.input_terminated": True}, auth=auth)


def test_a_body_without_a_length_is_read_to_its_end(client, accounts):
    alice = accounts.member()
    content = "\N{SLIGHTLY SMILING FACE}" * 19_000  # within 20,000 characters, over 64 KiB as JSON
    response = post_chunked(client, "/boards", json.dumps({"title": "chunked", "content": content}), alice.auth)
    assert response.status_code == 201
    assert response.json["content"] == content


def test_a_body_without_a_length_over_one_mib_is_413(client, accounts):
    alice = accounts.member()
    big = json.dumps({"title": "t", "content": "x" * (1024 * 1024)})
    assert_error(post_chunked(client, "/boards", big, alice.auth), 413)


def test_a_body_without_a_length_of_exactly_one_mib_is_read(client, accounts):
    alice = accounts.member()
    body = json.dumps({"title": "t", "content": ""})
    body = body[:-1] + " " * (1024 * 1024 - len(body)) + "}"  # valid JSON, 1 MiB to the byte
    assert len(body) == 1024 * 1024
    assert post_chunked(client, "/boards", body, alice.auth).status_code == 201


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_a_body_that_is_not_json_typed_is_415(client, content_type):
    response = client.post("/users", data='{"name": "a"}', content_type=content_type)
    assert_error(response, 415)


def test_field_errors_are_422_with_the_fields(client):
    body = assert_error(client.post("/users", json={"email": "nope"}), 422)
    assert set(body["errors"]["json"]) == {"name", "email", "password"}


def test_a_missing_body_is_422(client):
    assert_error(client.post("/users"), 422)


def test_a_taken_value_is_409_json(client):
    user = {"name": "a", "email": "a@example.com", "password": "password1"}
    client.post("/users", json=user)
    assert_error(client.post("/users", json=user), 409)


def test_an_unreachable_database_is_503_with_retry_after_then_recovers(app_config, accounts):
    alice = accounts.member()
    app = create_app({**app_config, "MYSQL_PORT": free_port(), "MYSQL_CONNECT_TIMEOUT": 2})
    client = app.test_client()
    for response in (client.get("/health"), client.get("/users/me", auth=alice.auth),
                     client.post("/users", json={"name": "b", "email": "b@example.com", "password": "password1"})):
        assert_error(response, 503)
        assert int(response.headers["Retry-After"]) > 0
    app.config["MYSQL_PORT"] = app_config["MYSQL_PORT"]
    assert client.get("/health").status_code == 200
    assert client.get("/users/me", auth=alice.auth).status_code == 200


def kill_the_apps_connections(sql):
    """Close every connection the app holds, as a server restart would."""
    app_connections = sql("SELECT ID AS id FROM information_schema.PROCESSLIST "
                          "WHERE ID <> CONNECTION_ID() AND DB = DATABASE()")
    assert app_connections
    for row in app_connections:
        sql(f"KILL {int(row['id'])}")


def test_a_closed_connection_is_replaced_before_a_read(client, accounts, sql):
    alice = accounts.member()
    assert client.get("/users/me", auth=alice.auth).status_code == 200
    kill_the_apps_connections(sql)
    assert client.get("/users/me", auth=alice.auth).status_code == 200


def test_a_closed_connection_is_replaced_before_a_write(client, accounts, sql):
    accounts.member()
    kill_the_apps_connections(sql)
    # Sign-up's first statement is its INSERT: no read goes first to find the dead connection.
    response = client.post("/users", json={"name": "w", "email": "w@example.com", "password": "password1"})
    assert response.status_code == 201
