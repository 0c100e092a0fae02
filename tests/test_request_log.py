"""Request logs: one line per request with method, path, status, duration and request id."""

import base64
import logging
import re

import pytest

LINE = re.compile(r"request_id=(\S+) method=(\S+) path=(\S+) status=(\d{3}) duration_ms=\d+\.\d")


@pytest.fixture
def request_lines(caplog):
    """The request log lines written so far, parsed."""
    caplog.set_level(logging.INFO, logger="oz.requests")

    def lines():
        return [LINE.fullmatch(record.getMessage()).groups()
                for record in caplog.records if record.name == "oz.requests"]

    return lines


def test_each_request_logs_one_line_and_returns_its_id(client, accounts, request_lines):
    alice = accounts.member()
    response = client.get(f"/users/{alice.id}", auth=alice.auth)
    request_id, method, path, status = request_lines()[-1]
    assert (method, path, status) == ("GET", f"/users/{alice.id}", "200")
    assert response.headers["X-Request-ID"] == request_id
    assert len(request_lines()) == 2  # the sign-up and the GET


def test_errors_are_logged_too(client, request_lines):
    client.get("/no/such/path")
    client.post("/users", data="name=x", content_type="text/plain")
    assert [line[1:] for line in request_lines()] == [
        ("GET", "/no/such/path", "404"), ("POST", "/users", "415")]


def test_request_ids_differ_between_requests(client, request_lines):
    first, second = client.get("/health"), client.get("/health")
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


def test_a_plain_request_id_from_the_client_is_kept(client, request_lines):
    response = client.get("/health", headers={"X-Request-ID": "proxy-1234.abc"})
    assert response.headers["X-Request-ID"] == "proxy-1234.abc"
    assert request_lines()[-1][0] == "proxy-1234.abc"


def test_a_request_id_that_is_not_a_plain_token_is_replaced(client, request_lines):
    response = client.get("/health", headers={"X-Request-ID": "evil id\tstatus=200"})
    assert response.headers["X-Request-ID"] != "evil id\tstatus=200"
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


def test_a_path_with_control_characters_stays_on_one_line(client, request_lines):
    client.get("/users/%0A%20status=200")
    assert request_lines()[-1][2:] == ("/users/%0A%20status=200", "404")


def test_credentials_passwords_and_bodies_are_never_logged(client, caplog, request_lines):
    password = "s3cret-horse-battery"
    client.post("/users", json={"name": "secretive", "email": "secretive@example.com", "password": password})
    client.get("/users/me", auth=("secretive@example.com", password))
    client.get("/users/me", auth=("secretive@example.com", "wrong " + password))
    token = base64.b64encode(f"secretive@example.com:{password}".encode()).decode()
    assert len(request_lines()) == 3
    for secret in (password, token, "secretive@example.com", "Authorization", "Basic "):
        assert secret not in caplog.text
