"""Failed-login throttling: 10 failures for one email within 5 minutes lock it out (429).

Every rule runs on both storages: memory (the default) and Redis (RATELIMIT_STORAGE_URI).
"""

import secrets
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import auth
from app import create_app
from redis_server import free_port

FAILED_LOGINS_ALLOWED = 10


@pytest.fixture(params=["memory", "redis"])
def storage(request):
    """Throttle settings for one storage; Redis keys get a prefix of their own per test."""
    if request.param == "memory":
        return {"RATELIMIT_STORAGE_URI": "memory://"}
    return {"RATELIMIT_STORAGE_URI": request.getfixturevalue("redis_uri"),
            "RATELIMIT_KEY_PREFIX": f"oz-test-{secrets.token_hex(6)}"}


@pytest.fixture
def app(app_config, sql, storage):
    sql("DELETE FROM boards")
    sql("DELETE FROM users")
    return create_app({**app_config, **storage})


def sign_up(client):
    """A new member through the app's own client (sign-up needs no credentials)."""
    name = f"throttled-{secrets.token_hex(4)}"
    credentials = (f"{name}@example.com", "correct horse")
    response = client.post("/users", json={"name": name, "email": credentials[0], "password": credentials[1]})
    assert response.status_code == 201
    return credentials


def fail_logins(client, email, times):
    for _ in range(times):
        response = client.get("/users/me", auth=(email, "wrong password"))
        assert response.status_code == 401


def assert_throttled(response, window_seconds=300):
    assert response.status_code == 429
    assert response.json["code"] == 429
    assert response.json["status"] == "Too Many Requests"
    assert 1 <= int(response.headers["Retry-After"]) <= window_seconds


def test_ten_failed_logins_lock_the_email_out_whatever_the_password(client, accounts):
    alice = accounts.member()
    fail_logins(client, alice.email, FAILED_LOGINS_ALLOWED)
    assert_throttled(client.get("/users/me", auth=(alice.email, "wrong password")))
    assert_throttled(client.get("/users/me", auth=alice.auth))
    assert_throttled(client.get("/boards", auth=(alice.email.upper(), alice.password)))


def test_nine_failed_logins_still_let_the_owner_in(client, accounts):
    alice = accounts.member()
    fail_logins(client, alice.email, FAILED_LOGINS_ALLOWED - 1)
    assert client.get("/users/me", auth=alice.auth).status_code == 200


def test_emails_count_whatever_their_case(client, accounts):
    alice = accounts.member()
    fail_logins(client, alice.email.upper(), FAILED_LOGINS_ALLOWED)
    assert_throttled(client.get("/users/me", auth=alice.auth))


def test_a_success_does_not_reset_the_count(client, accounts):
    alice = accounts.member()
    fail_logins(client, alice.email, FAILED_LOGINS_ALLOWED - 1)
    assert client.get("/users/me", auth=alice.auth).status_code == 200
    fail_logins(client, alice.email, 1)
    assert_throttled(client.get("/users/me", auth=alice.auth))


def test_a_locked_out_email_does_not_lock_out_others(client, accounts):
    alice, bob = accounts.member(), accounts.member()
    fail_logins(client, alice.email, FAILED_LOGINS_ALLOWED)
    assert client.get("/users/me", auth=bob.auth).status_code == 200


def test_unknown_emails_are_throttled_like_known_ones(client):
    # Otherwise a 429 would tell which emails have accounts.
    fail_logins(client, "nobody@example.com", FAILED_LOGINS_ALLOWED)
    assert_throttled(client.get("/users/me", auth=("nobody@example.com", "a password")))


def test_a_locked_out_login_costs_no_password_hash(client, accounts, monkeypatch):
    alice = accounts.member()
    fail_logins(client, alice.email, FAILED_LOGINS_ALLOWED)
    hashes_checked = []
    check = auth.check_password_hash
    monkeypatch.setattr(auth, "check_password_hash", lambda *args: hashes_checked.append(1) or check(*args))
    assert_throttled(client.get("/users/me", auth=(alice.email, "another guess")))
    assert hashes_checked == []


@pytest.mark.parametrize("known", [True, False], ids=["known email", "unknown email"])
def test_guesses_sent_at_once_get_ten_password_checks(app, accounts, monkeypatch, known):
    """Thirty wrong guesses at the same moment, each check as slow as scrypt: each failure is
    counted before the next guess is checked, so ten are checked and twenty refused."""
    email = accounts.member().email if known else "nobody@example.com"
    check = auth.check_password_hash

    def check_slowly(*args):
        time.sleep(0.05)
        return check(*args)

    monkeypatch.setattr(auth, "check_password_hash", check_slowly)

    def guess(number):
        return app.test_client().get("/users/me", auth=(email, f"guess {number}")).status_code

    with ThreadPoolExecutor(max_workers=30) as pool:
        statuses = list(pool.map(guess, range(30)))
    assert statuses.count(401) == FAILED_LOGINS_ALLOWED
    assert statuses.count(429) == 30 - FAILED_LOGINS_ALLOWED


def test_the_lock_out_ends_when_the_window_passes(app_config, storage, accounts):
    app = create_app({**app_config, **storage, "FAILED_LOGIN_LIMIT": "10 per 2 seconds"})
    client = app.test_client()
    alice = accounts.member()
    fail_logins(client, alice.email, FAILED_LOGINS_ALLOWED)
    assert_throttled(client.get("/users/me", auth=alice.auth), window_seconds=2)
    time.sleep(2.2)
    assert client.get("/users/me", auth=alice.auth).status_code == 200


def test_workers_sharing_redis_share_the_count(app_config, redis_uri):
    settings = {**app_config, "RATELIMIT_STORAGE_URI": redis_uri,
                "RATELIMIT_KEY_PREFIX": f"oz-test-{secrets.token_hex(6)}"}
    first_worker, second_worker = create_app(settings).test_client(), create_app(settings).test_client()
    email, password = sign_up(first_worker)
    fail_logins(first_worker, email, FAILED_LOGINS_ALLOWED // 2)
    fail_logins(second_worker, email, FAILED_LOGINS_ALLOWED // 2)
    assert_throttled(first_worker.get("/users/me", auth=(email, password)))
    assert_throttled(second_worker.get("/users/me", auth=(email, password)))


def test_an_unreachable_redis_answers_503_not_500(app_config):
    client = create_app({**app_config, "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}"}).test_client()
    response = client.get("/users/me", auth=sign_up(client))
    assert response.status_code == 503
    assert response.json["code"] == 503
    assert response.headers["Retry-After"]
