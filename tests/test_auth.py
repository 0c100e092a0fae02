"""Authentication: HTTP Basic with email and password, and its 401."""

import base64
import time

import pytest

from app import create_app

UNAUTHORIZED_BODY = {"code": 401, "status": "Unauthorized",
                     "message": "Wrong or missing email and password (HTTP Basic)."}


def basic(text):
    return {"Authorization": "Basic " + base64.b64encode(text.encode()).decode()}


def test_no_credentials_is_401_with_a_challenge_and_json(client, signed_in_path):
    response = client.get(signed_in_path)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Basic realm="oz"'
    assert response.json == UNAUTHORIZED_BODY


def test_wrong_password_and_unknown_email_answer_the_same(client, signed_in_path, accounts):
    alice = accounts.member()
    wrong_password = client.get(signed_in_path, auth=(alice.email, "not the password"))
    unknown_email = client.get(signed_in_path, auth=("nobody@example.com", alice.password))
    for response in (wrong_password, unknown_email):
        assert response.status_code == 401
        assert response.json == UNAUTHORIZED_BODY
        assert response.headers["WWW-Authenticate"] == 'Basic realm="oz"'


def test_wrong_password_and_unknown_email_take_about_the_same_time(app_config, accounts):
    # The production hash, so the comparison is the one an attacker would time.
    app = create_app({**app_config, "PASSWORD_HASH_METHOD": "scrypt"})
    client = app.test_client()
    client.post("/users", json={"name": "timed", "email": "timed@example.com", "password": "right password"})

    def seconds(credentials):
        started = time.perf_counter()
        assert client.get("/users/me", auth=credentials).status_code == 401
        return time.perf_counter() - started

    # Interleaved, and the fastest of each: load on the machine only ever adds time.
    samples = [(seconds(("timed@example.com", "wrong password")),
                seconds(("nobody@example.com", "wrong password"))) for _ in range(7)]
    wrong_password = min(pair[0] for pair in samples)
    unknown_email = min(pair[1] for pair in samples)
    assert 0.5 < unknown_email / wrong_password < 2


def test_the_email_is_case_insensitive_and_trimmed(client, accounts):
    alice = accounts.member()
    assert client.get("/users/me", auth=(alice.email.upper(), alice.password)).status_code == 200
    assert client.get("/users/me", auth=(f" {alice.email} ", alice.password)).status_code == 200


def test_the_password_is_case_sensitive(client, accounts):
    alice = accounts.member(password="Correct Horse")
    assert client.get("/users/me", auth=(alice.email, "correct horse")).status_code == 401


@pytest.mark.parametrize("header", [
    "Basic", "Basic ", "Basic !!!notbase64", "Basic " + base64.b64encode(b"no-colon").decode(),
    "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode(), "Bearer abc", "Digest username=x",
    "Basic " + base64.b64encode(b":").decode(), "garbage", "Basic " + "A" * 5000,
])
def test_malformed_authorization_headers_are_401(client, signed_in_path, header):
    response = client.get(signed_in_path, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json["code"] == 401


def test_non_ascii_credentials_work(client):
    client.post("/users", json={"name": "지민", "email": "jimin@example.com", "password": "비밀번호비밀번호"})
    assert client.get("/users/me", headers=basic("jimin@example.com:비밀번호비밀번호")).status_code == 200


def test_a_colon_in_the_password_is_kept(client):
    client.post("/users", json={"name": "c", "email": "c@example.com", "password": "pass:word:1"})
    assert client.get("/users/me", auth=("c@example.com", "pass:word:1")).status_code == 200


def test_the_pages_requests_get_no_browser_challenge(client, signed_in_path):
    response = client.get(signed_in_path, headers={"X-Requested-With": "XMLHttpRequest"})
    assert response.status_code == 401
    assert "WWW-Authenticate" not in response.headers
    assert response.json == UNAUTHORIZED_BODY


def test_public_endpoints_need_no_credentials(client):
    assert client.get("/health").status_code == 200
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/swagger-ui").status_code == 200
    assert client.post("/users", json={"name": "n", "email": "n@example.com",
                                       "password": "password1"}).status_code == 201


def test_passwords_are_stored_with_the_default_strong_hash(app_config, sql):
    client = create_app({**app_config, "PASSWORD_HASH_METHOD": "scrypt"}).test_client()
    client.post("/users", json={"name": "s", "email": "s@example.com", "password": "password1"})
    stored = sql("SELECT password_hash FROM users WHERE email = 's@example.com'")[0]["password_hash"]
    assert stored.startswith("scrypt:32768:8:1$")
    assert create_app().config["PASSWORD_HASH_METHOD"] == "scrypt"
