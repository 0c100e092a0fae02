"""Failed-login throttling: 10 failures for one email from one address within 5 minutes lock
that address out (429); 100 from all addresses within 15 minutes lock the account.

Every rule runs on both storages: memory (the default) and Redis (RATELIMIT_STORAGE_URI), in
the test client with the client address set. The last ones run real servers (serve.py, and
three processes sharing Redis) and connect from several loopback addresses.
"""

import secrets
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from requests.adapters import HTTPAdapter

import auth
from app import create_app
from app_process import AppProcess, serve_py_process
from conftest import next_link
from helpers import all_at_once, free_port

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


def test_failed_logins_count_and_lock_out_wherever_the_request_signs_in(client, accounts, signed_in_path):
    alice = accounts.member()
    for _ in range(FAILED_LOGINS_ALLOWED):
        assert client.get(signed_in_path, auth=(alice.email, "wrong password")).status_code == 401
    assert_throttled(client.get(signed_in_path, auth=alice.auth))
    assert_throttled(client.get("/users/me", auth=alice.auth))


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


def slow_password_checks(monkeypatch, seconds):
    """Make every password check take this long, as scrypt does, so that guesses overlap."""
    check = auth.check_password_hash

    def check_slowly(*args):
        time.sleep(seconds)
        return check(*args)

    monkeypatch.setattr(auth, "check_password_hash", check_slowly)


@pytest.mark.parametrize("known", [True, False], ids=["known email", "unknown email"])
def test_guesses_sent_at_once_get_ten_password_checks(app, accounts, monkeypatch, known):
    """Thirty wrong guesses at the same moment, each check as slow as scrypt: each failure is
    counted before the next guess is checked, so ten are checked and twenty refused."""
    email = accounts.member().email if known else "nobody@example.com"
    slow_password_checks(monkeypatch, seconds=0.05)

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


# --- per client address -------------------------------------------------------------------------

def from_address(address, **headers):
    """Request options for a request from this client address (127/8 is all local)."""
    return {"environ_base": {"REMOTE_ADDR": address}, "headers": headers}


def test_a_guesser_locks_out_only_their_own_address(client, accounts):
    alice = accounts.member()
    token = client.post("/tokens", auth=alice.auth, **from_address("127.0.0.77")).json["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    statuses = []
    for _ in range(15):
        statuses.append(client.get("/users/me", auth=(alice.email, "wrong password"),
                                   **from_address("127.0.0.66")).status_code)
        assert client.get("/users/me", **from_address("127.0.0.66", **bearer)).status_code == 200
    assert statuses == [401] * FAILED_LOGINS_ALLOWED + [429] * 5
    assert_throttled(client.get("/users/me", auth=alice.auth, **from_address("127.0.0.66")))
    assert client.get("/users/me", auth=alice.auth, **from_address("127.0.0.77")).status_code == 200
    assert client.get("/users/me", **from_address("127.0.0.77", **bearer)).status_code == 200


def test_guesses_from_many_addresses_lock_the_account_at_its_ceiling(app_config, storage, accounts):
    ceiling = 3 * FAILED_LOGINS_ALLOWED
    client = create_app({**app_config, **storage,
                         "FAILED_LOGIN_ACCOUNT_LIMIT": f"{ceiling} per 15 minutes"}).test_client()
    alice = accounts.member()
    token = client.post("/tokens", auth=alice.auth).json["token"]
    for number in range(ceiling):
        address = f"127.0.1.{number // (FAILED_LOGINS_ALLOWED - 1) + 1}"  # below each address's limit
        response = client.get("/users/me", auth=(alice.email, "wrong password"), **from_address(address))
        assert response.status_code == 401, (number, address)
    assert_throttled(client.get("/users/me", auth=alice.auth, **from_address("127.0.2.1")), window_seconds=900)
    assert client.get("/users/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_forwarded_addresses_are_ignored_unless_the_proxy_is_trusted(client, accounts):
    alice = accounts.member()
    for number in range(FAILED_LOGINS_ALLOWED):
        response = client.get("/users/me", auth=(alice.email, "wrong password"),
                              headers={"X-Forwarded-For": f"203.0.113.{number}"})
        assert response.status_code == 401
    assert_throttled(client.get("/users/me", auth=alice.auth, headers={"X-Forwarded-For": "203.0.113.99"}))


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(app_config, storage, accounts):
    client = create_app({**app_config, **storage, "OZ_TRUST_PROXY": True}).test_client()
    alice = accounts.member()
    guesser, owner = {"X-Forwarded-For": "203.0.113.5"}, {"X-Forwarded-For": "203.0.113.6"}
    for _ in range(FAILED_LOGINS_ALLOWED):
        assert client.get("/users/me", auth=(alice.email, "wrong password"), headers=guesser).status_code == 401
    assert_throttled(client.get("/users/me", auth=alice.auth, headers=guesser))
    assert client.get("/users/me", auth=alice.auth, headers=owner).status_code == 200


def test_behind_a_trusted_proxy_addresses_a_client_puts_before_its_own_are_not_counted(app_config, storage, accounts):
    # The proxy appends the address it saw to whatever X-Forwarded-For the client sent;
    # only that last one is the proxy's word.
    client = create_app({**app_config, **storage, "OZ_TRUST_PROXY": True}).test_client()
    alice = accounts.member()
    for number in range(FAILED_LOGINS_ALLOWED):
        forwarded = {"X-Forwarded-For": f"198.51.100.{number}, 203.0.113.5"}
        assert client.get("/users/me", auth=(alice.email, "wrong password"), headers=forwarded).status_code == 401
    forged = {"X-Forwarded-For": "198.51.100.99, 203.0.113.5"}
    assert_throttled(client.get("/users/me", auth=alice.auth, headers=forged))


def test_guesses_sent_at_once_from_many_addresses_are_held_to_the_accounts_ceiling(app_config, storage, accounts,
                                                                                  monkeypatch):
    """Thirty guesses at once from three addresses, each below its own limit, against a
    ceiling of twenty: twenty are checked, ten refused."""
    ceiling = 2 * FAILED_LOGINS_ALLOWED
    app = create_app({**app_config, **storage, "FAILED_LOGIN_ACCOUNT_LIMIT": f"{ceiling} per 15 minutes"})
    email = accounts.member().email
    slow_password_checks(monkeypatch, seconds=0.02)

    def guess(number):
        response = app.test_client().get("/users/me", auth=(email, f"guess {number}"),
                                         **from_address(f"127.0.3.{number % 3 + 1}"))
        return response.status_code

    statuses = all_at_once([lambda number=number: guess(number) for number in range(30)])
    assert statuses.count(401) == ceiling
    assert statuses.count(429) == 30 - ceiling


# --- real servers: the address is the connection's --------------------------------------------

class LeavingFrom(HTTPAdapter):
    """Connections that leave from this local address."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs, source_address=(self.address, 0))


def session_from(address):
    """A requests session whose connections come from this address (127/8 is all local)."""
    session = requests.Session()
    session.mount("http://", LeavingFrom(address))
    return session


def sign_up_at(url):
    """A new member through a running server; returns the email and password."""
    name = f"throttled-{secrets.token_hex(4)}"
    email, password = f"{name}@example.com", "correct horse"
    response = requests.post(f"{url}/users", json={"name": name, "email": email, "password": password}, timeout=10)
    assert response.status_code == 201
    return email, password


def test_the_production_server_counts_the_connections_address_not_a_forged_header(app_config, tmp_path):
    with serve_py_process(app_config, tmp_path / "serve.log") as url:
        email, password = sign_up_at(url)
        guesser, owner = session_from("127.0.0.66"), session_from("127.0.0.77")
        token = owner.post(f"{url}/tokens", auth=(email, password), timeout=10).json()["token"]
        bearer = {"Authorization": f"Bearer {token}"}
        statuses = []
        for number in range(15):
            response = guesser.get(f"{url}/users/me", auth=(email, "wrong password"), timeout=10,
                                   headers={"X-Forwarded-For": f"203.0.113.{number}"})
            statuses.append(response.status_code)
            assert guesser.get(f"{url}/users/me", headers=bearer, timeout=10).status_code == 200
        assert statuses == [401] * FAILED_LOGINS_ALLOWED + [429] * 5
        assert int(response.headers["Retry-After"]) >= 1
        assert owner.get(f"{url}/users/me", auth=(email, password), timeout=10).status_code == 200
        assert owner.get(f"{url}/users/me", headers=bearer, timeout=10).status_code == 200


def test_behind_a_trusted_proxy_the_production_server_counts_the_forwarded_address(app_config, monkeypatch,
                                                                                   tmp_path):
    monkeypatch.setenv("OZ_TRUST_PROXY", "1")  # the server's environment, read by config_from_env
    with serve_py_process(app_config, tmp_path / "serve.log") as url:
        email, password = sign_up_at(url)
        sign_up_at(url)  # two users: a page of one has a next link
        guesser = {"X-Forwarded-For": "203.0.113.5"}
        for _ in range(FAILED_LOGINS_ALLOWED):
            response = requests.get(f"{url}/users/me", auth=(email, "wrong password"), headers=guesser, timeout=10)
            assert response.status_code == 401
        assert requests.get(f"{url}/users/me", auth=(email, password), headers=guesser, timeout=10).status_code == 429
        owner = {"X-Forwarded-For": "203.0.113.6", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "oz.example.org"}
        response = requests.get(f"{url}/users?limit=1", auth=(email, password), headers=owner, timeout=10)
        assert response.status_code == 200
        assert next_link(response).startswith("https://oz.example.org/users?")


def test_guesses_sent_at_once_to_three_processes_lock_out_only_the_guessers_address(app_config, redis_uri, tmp_path):
    # scrypt, the production hash: each guess takes long enough for the processes' checks to
    # overlap unless the lock in Redis holds them to one at a time.
    config = {**app_config, "PASSWORD_HASH_METHOD": "scrypt", "RATELIMIT_STORAGE_URI": redis_uri,
              "RATELIMIT_KEY_PREFIX": f"oz-test-{secrets.token_hex(6)}"}
    processes = [AppProcess(config, tmp_path / f"app-{number}.log") for number in range(3)]
    try:
        for process in processes:
            process.wait_ready()
        email, password = sign_up_at(processes[0].url)

        def guess(number):
            return session_from("127.0.0.66").get(f"{processes[number % 3].url}/users/me",
                                                  auth=(email, f"wrong {number}"), timeout=30).status_code

        statuses = all_at_once([lambda number=number: guess(number) for number in range(3 * FAILED_LOGINS_ALLOWED)])
        assert statuses.count(401) == FAILED_LOGINS_ALLOWED
        assert statuses.count(429) == 2 * FAILED_LOGINS_ALLOWED
        owner = session_from("127.0.0.77")
        assert [owner.get(f"{process.url}/users/me", auth=(email, password), timeout=10).status_code
                for process in processes] == [200] * 3
    finally:
        for process in processes:
            process.stop()
