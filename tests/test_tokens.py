"""Bearer tokens: sign in once with the password (POST /tokens), then send the token; log out."""

import base64
import hashlib
import logging
from datetime import datetime, timedelta

import pytest
import requests

import auth
import board_routes
from app_process import serve_py_process
from core import db
from core.db import utc_now
from helpers import all_at_once
from live_server import serving
from token_routes import LIVE_TOKEN_LIMIT

TOKEN_UNAUTHORIZED_BODY = {"code": 401, "status": "Unauthorized",
                           "message": "Wrong, expired or revoked token (HTTP Bearer)."}
BASIC_UNAUTHORIZED_BODY = {"code": 401, "status": "Unauthorized",
                           "message": "Wrong or missing email and password (HTTP Basic)."}
FAILED_LOGINS_ALLOWED = 10


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def mint(client, account, **body):
    """A new token for the account, through POST /tokens with its password."""
    response = client.post("/tokens", auth=account.auth, **({"json": body} if body else {}))
    assert response.status_code == 201, response.json
    return response.json["token"]


def parse_time(text):
    return datetime.fromisoformat(text.removesuffix("Z"))


# --- signing in ---------------------------------------------------------------------------

def test_signing_in_answers_201_with_the_token_its_id_expiry_and_user(client, accounts, sql):
    alice = accounts.member()
    response = client.post("/tokens", auth=alice.auth)
    assert response.status_code == 201
    body = response.json
    assert set(body) == {"token", "id", "expires_at", "user"}
    assert body["user"] == client.get("/users/me", auth=alice.auth).json
    lives = parse_time(body["expires_at"]) - utc_now()
    assert timedelta(minutes=59) < lives <= timedelta(hours=1)
    assert sql("SELECT id FROM tokens WHERE user_id = %s", alice.id) == [{"id": body["id"]}]


def test_a_new_token_is_never_cached(client, accounts):
    response = client.post("/tokens", auth=accounts.member().auth)
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"


def test_a_token_has_at_least_256_random_bits(client, accounts):
    alice = accounts.member()
    tokens = {mint(client, alice) for _ in range(5)}
    assert len(tokens) == 5
    for token in tokens:
        # token_urlsafe: 6 bits per character, 43 characters for 32 bytes.
        assert len(token) >= 43 and token.replace("-", "").replace("_", "").isalnum()


def test_only_the_tokens_sha256_is_stored(client, accounts, sql):
    alice = accounts.member()
    token = mint(client, alice)
    rows = sql("SELECT * FROM tokens WHERE user_id = %s", alice.id)
    assert [row["token_hash"] for row in rows] == [hashlib.sha256(token.encode()).digest()]
    assert all(token.encode() not in repr(value).encode() for row in rows for value in row.values())


@pytest.mark.parametrize("seconds", [60, 2_592_000])
def test_expires_in_sets_the_lifetime_from_a_minute_to_thirty_days(client, accounts, seconds):
    alice = accounts.member()
    response = client.post("/tokens", auth=alice.auth, json={"expires_in": seconds})
    assert response.status_code == 201
    lives = parse_time(response.json["expires_at"]) - utc_now()
    assert timedelta(seconds=seconds - 60) < lives <= timedelta(seconds=seconds)


@pytest.mark.parametrize("body", [{"expires_in": 59}, {"expires_in": 2_592_001}, {"expires_in": "soon"},
                                  {"expires_in": 3600, "scope": "all"}, {"user_id": 1}])
def test_a_lifetime_out_of_range_or_an_unknown_field_is_422(client, accounts, sql, body):
    alice = accounts.member()
    response = client.post("/tokens", auth=alice.auth, json=body)
    assert response.status_code == 422
    assert response.json["errors"]["json"]
    assert sql("SELECT id FROM tokens WHERE user_id = %s", alice.id) == []


def test_a_wrong_password_mints_nothing(client, accounts, sql):
    alice = accounts.member()
    response = client.post("/tokens", auth=(alice.email, "not the password"))
    assert response.status_code == 401
    assert response.json == BASIC_UNAUTHORIZED_BODY
    assert response.headers["WWW-Authenticate"] == 'Basic realm="oz"'
    assert sql("SELECT id FROM tokens") == []


def test_a_token_cannot_mint_tokens(client, accounts, sql):
    alice = accounts.member()
    token = mint(client, alice)
    response = client.post("/tokens", headers=bearer(token))
    assert response.status_code == 401
    assert response.json == BASIC_UNAUTHORIZED_BODY
    assert response.headers["WWW-Authenticate"] == 'Basic realm="oz"'
    assert len(sql("SELECT id FROM tokens WHERE user_id = %s", alice.id)) == 1


def test_failed_sign_ins_on_post_tokens_count_toward_the_throttle(client, accounts):
    alice = accounts.member()
    for _ in range(FAILED_LOGINS_ALLOWED):
        assert client.post("/tokens", auth=(alice.email, "wrong password")).status_code == 401
    for response in (client.post("/tokens", auth=alice.auth), client.get("/users/me", auth=alice.auth)):
        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) >= 1


# --- using a token ------------------------------------------------------------------------

def test_a_token_is_taken_wherever_basic_is(client, accounts):
    alice = accounts.member()
    headers = bearer(mint(client, alice))
    assert client.get("/users/me", headers=headers).json == client.get("/users/me", auth=alice.auth).json
    board = client.post("/boards", json={"title": "t", "content": "c"}, headers=headers)
    assert board.status_code == 201 and board.json["user_id"] == alice.id
    board_url = f"/boards/{board.json['id']}"
    assert client.get(board_url, headers=headers).status_code == 200
    assert client.patch(board_url, json={"title": "new"}, headers=headers).json["title"] == "new"
    assert client.get("/users", headers=headers).status_code == 200
    assert client.delete(board_url, headers=headers).status_code == 204


def test_the_scheme_name_is_case_insensitive(client, accounts):
    alice = accounts.member()
    token = mint(client, alice)
    assert client.get("/users/me", headers={"Authorization": f"bearer {token}"}).status_code == 200


def test_a_token_request_costs_one_sql_statement_and_no_password_hash(client, accounts, monkeypatch):
    alice = accounts.member()
    headers = bearer(mint(client, alice))
    board_url = f"/boards/{client.post('/boards', json={'title': 't'}, headers=headers).json['id']}"
    statements = []
    run = db.PersistentMySQL._run
    monkeypatch.setattr(db.PersistentMySQL, "_run", lambda self, query, params: statements.append(query) or run(self, query, params))
    monkeypatch.setattr(auth, "check_password_hash", lambda *args: pytest.fail("a password hash was checked"))
    assert client.get("/users/me", headers=headers).status_code == 200
    assert statements == [auth.USER_BY_TOKEN]
    assert client.get(board_url, headers=headers).status_code == 200
    # The token and the board, read together.
    assert statements[1:] == [board_routes.BOARD_BY_ID_AND_CALLER.by_token]


def test_the_token_lookup_is_one_row_by_the_primary_key(client, accounts, sql):
    token = mint(client, accounts.member())
    plan = sql("EXPLAIN " + auth.USER_BY_TOKEN.replace("%(token_hash)s", "%s").replace("%(now)s", "%s"),
               auth.token_digest(token), utc_now())
    tokens = next(row for row in plan if row["table"] == "t")
    assert tokens["key"] == "PRIMARY"
    assert tokens["type"] in ("const", "eq_ref")


def test_a_token_and_a_password_give_the_routes_the_same_user_row(client, accounts, sql):
    alice = accounts.member()
    token = mint(client, alice)
    by_password = sql(auth.CREDENTIALS_BY_EMAIL.replace("%(email)s", "%s"), alice.email)[0]
    by_token = sql(auth.USER_BY_TOKEN.replace("%(token_hash)s", "%s").replace("%(now)s", "%s"),
                   auth.token_digest(token), utc_now())[0]
    del by_password["password_hash"]
    assert by_token == by_password


# --- the one 401 for every bad token --------------------------------------------------------

def bad_tokens(client, accounts, sql):
    """One token of each kind that must fail, by name."""
    alice = accounts.member()
    expired = mint(client, alice)
    sql("UPDATE tokens SET expires_at = %s WHERE token_hash = %s",
        utc_now() - timedelta(seconds=1), hashlib.sha256(expired.encode()).digest())
    revoked = mint(client, alice)
    assert client.delete("/tokens/current", headers=bearer(revoked)).status_code == 204
    bob = accounts.member()
    deleted_user = mint(client, bob)
    assert client.delete(f"/users/{bob.id}", auth=bob.auth).status_code == 204
    unknown, _ = auth.new_token()
    return {"expired": expired, "revoked": revoked, "deleted user": deleted_user, "unknown": unknown,
            "too short": "abc", "too long": "A" * 5000, "not a token": "a=b", "spaces": "abc def",
            "not url-safe": "+" * 43, "empty": ""}


def test_expired_revoked_malformed_unknown_and_deleted_users_tokens_get_one_401(client, accounts, sql, signed_in_path):
    for kind, token in bad_tokens(client, accounts, sql).items():
        response = client.get(signed_in_path, headers=bearer(token))
        assert response.status_code == 401, kind
        assert response.json == TOKEN_UNAUTHORIZED_BODY, kind
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="oz"', kind


def test_the_pages_requests_get_no_bearer_challenge(client, accounts, sql):
    for kind, token in bad_tokens(client, accounts, sql).items():
        response = client.get("/boards", headers={**bearer(token), "X-Requested-With": "XMLHttpRequest"})
        assert response.status_code == 401, kind
        assert response.json == TOKEN_UNAUTHORIZED_BODY, kind
        assert "WWW-Authenticate" not in response.headers, kind


# --- listing and revoking -----------------------------------------------------------------

def test_get_tokens_lists_my_live_tokens_marking_the_current_one(client, accounts, sql):
    alice = accounts.member()
    first, second = mint(client, alice), mint(client, alice)
    expired = mint(client, alice)
    sql("UPDATE tokens SET expires_at = %s WHERE token_hash = %s",
        utc_now() - timedelta(seconds=1), hashlib.sha256(expired.encode()).digest())
    mint(client, accounts.member())  # someone else's
    listed = client.get("/tokens", headers=bearer(second)).json
    assert [set(token) for token in listed] == [{"id", "created_at", "expires_at", "current"}] * 2
    assert [token["current"] for token in listed] == [True, False]  # newest first
    assert listed[1]["id"] == client.get("/tokens", headers=bearer(first)).json[1]["id"]
    assert [token["current"] for token in client.get("/tokens", auth=alice.auth).json] == [False, False]


def test_deleting_the_current_token_logs_out_that_token_only(client, accounts):
    alice = accounts.member()
    leaving, staying = mint(client, alice), mint(client, alice)
    assert client.delete("/tokens/current", headers=bearer(leaving)).status_code == 204
    assert client.get("/users/me", headers=bearer(leaving)).status_code == 401
    assert client.get("/users/me", headers=bearer(staying)).status_code == 200


@pytest.mark.parametrize("headers", [{"Authorization": "Basic {basic}"}, {}], ids=["password", "nothing"])
def test_deleting_the_current_token_takes_a_token_only(client, accounts, headers):
    alice = accounts.member()
    token = mint(client, alice)
    basic = base64.b64encode(f"{alice.email}:{alice.password}".encode()).decode()
    response = client.delete("/tokens/current", headers={k: v.format(basic=basic) for k, v in headers.items()})
    assert response.status_code == 401
    assert response.json == {"code": 401, "status": "Unauthorized",
                             "message": "This operation takes a token (Authorization: Bearer), not a password."}
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="oz"'
    assert client.get("/users/me", headers=bearer(token)).status_code == 200


def test_an_owner_deletes_their_token_by_id(client, accounts):
    alice = accounts.member()
    token, other = mint(client, alice), mint(client, alice)
    token_id = client.get("/tokens", headers=bearer(token)).json[1]["id"]
    assert client.delete(f"/tokens/{token_id}", headers=bearer(other)).status_code == 204
    assert client.get("/users/me", headers=bearer(token)).status_code == 401
    assert client.delete(f"/tokens/{token_id}", headers=bearer(other)).status_code == 404


def test_another_members_token_is_404_and_keeps_working(client, accounts):
    alice, mallory = accounts.member(), accounts.member()
    token = mint(client, alice)
    token_id = client.get("/tokens", headers=bearer(token)).json[0]["id"]
    response = client.delete(f"/tokens/{token_id}", auth=mallory.auth)
    assert response.status_code == 404
    assert response.json["message"] == "No such token."
    assert client.get("/users/me", headers=bearer(token)).status_code == 200


def test_an_admin_deletes_anyones_token(client, accounts):
    alice, admin = accounts.member(), accounts.admin()
    token = mint(client, alice)
    token_id = client.get("/tokens", headers=bearer(token)).json[0]["id"]
    assert client.delete(f"/tokens/{token_id}", auth=admin.auth).status_code == 204
    assert client.get("/users/me", headers=bearer(token)).status_code == 401
    assert client.delete("/tokens/999999", auth=admin.auth).status_code == 404


def test_deleting_all_tokens_logs_out_everywhere(client, accounts):
    alice, bob = accounts.member(), accounts.member()
    mine = [mint(client, alice) for _ in range(3)]
    bobs = mint(client, bob)
    assert client.delete("/tokens", headers=bearer(mine[0])).status_code == 204
    assert [client.get("/users/me", headers=bearer(token)).status_code for token in mine] == [401] * 3
    assert client.get("/users/me", headers=bearer(bobs)).status_code == 200
    assert client.get("/users/me", auth=alice.auth).status_code == 200


# --- account changes ------------------------------------------------------------------------

@pytest.mark.parametrize("method, body", [
    ("put", {"name": "alice2", "email": "alice2@example.com", "password": "a new password"}),
    ("patch", {"password": "a new password"}),
])
def test_a_password_change_revokes_every_token_including_the_one_sent(client, accounts, sql, method, body):
    alice = accounts.member()
    sending, other = mint(client, alice), mint(client, alice)
    response = getattr(client, method)(f"/users/{alice.id}", json=body, headers=bearer(sending))
    assert response.status_code == 200
    for token in (sending, other):
        assert client.get("/users/me", headers=bearer(token)).json == TOKEN_UNAUTHORIZED_BODY
    assert sql("SELECT id FROM tokens WHERE user_id = %s", alice.id) == []
    email = body.get("email", alice.email)
    assert client.post("/tokens", auth=(email, "a new password")).status_code == 201


def test_a_password_change_that_fails_revokes_nothing(client, accounts):
    alice, bob = accounts.member(), accounts.member()
    token = mint(client, alice)
    response = client.patch(f"/users/{alice.id}", json={"password": "a new password", "email": bob.email},
                            headers=bearer(token))
    assert response.status_code == 409
    assert client.get("/users/me", headers=bearer(token)).status_code == 200


def test_changing_only_the_name_keeps_the_tokens(client, accounts):
    alice = accounts.member()
    token = mint(client, alice)
    assert client.patch(f"/users/{alice.id}", json={"name": "renamed"}, headers=bearer(token)).status_code == 200
    assert client.get("/users/me", headers=bearer(token)).json["name"] == "renamed"


def test_a_role_change_applies_on_the_next_request(client, accounts):
    alice, bob, admin = accounts.member(), accounts.member(), accounts.admin()
    board = client.post("/boards", json={"title": "Bob's"}, auth=bob.auth).json
    token = mint(client, alice)
    assert client.delete(f"/boards/{board['id']}", headers=bearer(token)).status_code == 403
    assert client.patch(f"/users/{alice.id}", json={"role": "admin"}, auth=admin.auth).status_code == 200
    assert client.get("/users/me", headers=bearer(token)).json["role"] == "admin"
    assert client.delete(f"/boards/{board['id']}", headers=bearer(token)).status_code == 204


def test_deleting_the_account_deletes_its_tokens(client, accounts, sql):
    alice = accounts.member()
    token = mint(client, alice)
    assert client.delete(f"/users/{alice.id}", headers=bearer(token)).status_code == 204
    assert client.get("/users", headers=bearer(token)).json == TOKEN_UNAUTHORIZED_BODY
    assert sql("SELECT id FROM tokens WHERE user_id = %s", alice.id) == []


# --- bounded growth -----------------------------------------------------------------------

def test_minting_beyond_the_limit_deletes_the_oldest(client, accounts):
    alice = accounts.member()
    tokens = [mint(client, alice) for _ in range(LIVE_TOKEN_LIMIT + 2)]
    statuses = [client.get("/users/me", headers=bearer(token)).status_code for token in tokens]
    assert statuses == [401, 401] + [200] * LIVE_TOKEN_LIMIT
    assert len(client.get("/tokens", auth=alice.auth).json) == LIVE_TOKEN_LIMIT


def test_minting_deletes_the_users_expired_tokens(client, accounts, sql):
    alice, bob = accounts.member(), accounts.member()
    mint(client, alice)
    mint(client, bob)
    sql("UPDATE tokens SET expires_at = %s", utc_now() - timedelta(seconds=1))
    mint(client, alice)
    assert len(sql("SELECT id FROM tokens WHERE user_id = %s", alice.id)) == 1
    # Bob's expired token goes when Bob mints one, not before.
    assert len(sql("SELECT id FROM tokens WHERE user_id = %s", bob.id)) == 1


def test_twenty_mints_at_once_leave_at_most_the_limit_alive(app, accounts, sql):
    alice = accounts.member()
    with serving(app) as base_url:
        responses = all_at_once([lambda: requests.post(f"{base_url}/tokens", auth=alice.auth, timeout=30)] * 20)
        assert [response.status_code for response in responses] == [201] * 20
        alive = [response.json()["token"] for response in responses
                 if requests.get(f"{base_url}/users/me", headers=bearer(response.json()["token"]),
                                 timeout=30).status_code == 200]
    assert len(alive) == LIVE_TOKEN_LIMIT
    assert len(sql("SELECT id FROM tokens WHERE user_id = %s", alice.id)) == LIVE_TOKEN_LIMIT


# --- many processes, and the logs -------------------------------------------------------------

def test_revocation_takes_effect_at_once_in_every_process(app_config, client, accounts, tmp_path):
    alice = accounts.member()
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    with serve_py_process(app_config, logs[0]) as first, serve_py_process(app_config, logs[1]) as second:
        for revoke in ("DELETE /tokens/current", "DELETE /tokens", "password change"):
            token = mint(client, alice)
            for url in (first, second):  # each process has seen the token work
                assert requests.get(f"{url}/users/me", headers=bearer(token), timeout=10).status_code == 200
            if revoke == "DELETE /tokens/current":
                assert requests.delete(f"{first}/tokens/current", headers=bearer(token), timeout=10).status_code == 204
            elif revoke == "DELETE /tokens":
                assert requests.delete(f"{first}/tokens", headers=bearer(token), timeout=10).status_code == 204
            else:
                alice.password = f"new password {token[:4]}"
                response = requests.patch(f"{first}/users/{alice.id}", json={"password": alice.password},
                                          headers=bearer(token), timeout=10)
                assert response.status_code == 200
            for url in (second, first):
                response = requests.get(f"{url}/users/me", headers=bearer(token), timeout=10)
                assert response.status_code == 401, (revoke, url)
        written = "".join(log.read_text() for log in logs)
    assert "request_id=" in written and "/users/me" in written
    assert token not in written and "Bearer" not in written


def test_a_token_never_appears_in_a_log_line(client, accounts, caplog):
    caplog.set_level(logging.DEBUG)
    alice = accounts.member()
    token = mint(client, alice)
    client.get("/users/me", headers=bearer(token))
    client.get(f"/users/me?token={token[:10]}", headers=bearer(token[::-1]))
    client.delete("/tokens/current", headers=bearer(token))
    lines = [record.getMessage() for record in caplog.records if record.name == "oz.requests"]
    assert len(lines) >= 5
    for secret in (token, hashlib.sha256(token.encode()).hexdigest(), token[::-1], token[:10], "Bearer"):
        assert secret not in caplog.text
