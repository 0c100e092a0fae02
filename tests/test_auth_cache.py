"""The verified-credentials cache: the slow hash runs once, and it never outlives the account.

Each case signs in first, so the credentials are cached, then changes the account and checks
the very next request. The changes are made both through the API and straight in the database
(as another worker or host would), since the cache is bound to the stored hash, not to this
process's own writes.
"""

import auth
from werkzeug.security import generate_password_hash


def count_hash_checks(monkeypatch):
    calls = []
    real_check = auth.check_password_hash

    def counting_check(password_hash, password):
        calls.append(password_hash)
        return real_check(password_hash, password)

    monkeypatch.setattr(auth, "check_password_hash", counting_check)
    return calls


def test_the_password_hash_is_checked_once_then_cached(client, accounts, signed_in_path, monkeypatch):
    alice = accounts.member()
    checks = count_hash_checks(monkeypatch)
    for _ in range(3):
        assert client.get(signed_in_path, auth=alice.auth).status_code == 200
    assert len(checks) == 1


def test_the_cache_keeps_no_plaintext_password(client, accounts):
    alice = accounts.member(password="a very findable password")
    assert client.get("/users/me", auth=alice.auth).status_code == 200
    stored = repr(auth.verified_credentials._entries)
    assert alice.password not in stored
    assert alice.password.encode().hex() not in stored


def test_a_password_change_takes_effect_on_the_next_request(client, accounts, signed_in_path):
    alice = accounts.member()
    assert client.get(signed_in_path, auth=alice.auth).status_code == 200
    response = client.patch(f"/users/{alice.id}", json={"password": "a new password"}, auth=alice.auth)
    assert response.status_code == 200
    assert client.get(signed_in_path, auth=alice.auth).status_code == 401
    assert client.get(signed_in_path, auth=(alice.email, "a new password")).status_code == 200


def test_a_password_changed_elsewhere_takes_effect_on_the_next_request(client, accounts, signed_in_path, sql):
    alice = accounts.member()
    assert client.get(signed_in_path, auth=alice.auth).status_code == 200
    sql("UPDATE users SET password_hash = %s WHERE id = %s",
        generate_password_hash("changed elsewhere", method="pbkdf2:sha256:1000"), alice.id)
    assert client.get(signed_in_path, auth=alice.auth).status_code == 401
    assert client.get(signed_in_path, auth=(alice.email, "changed elsewhere")).status_code == 200


def test_a_deleted_account_is_refused_on_the_next_request(client, accounts, signed_in_path):
    alice = accounts.member()
    assert client.get(signed_in_path, auth=alice.auth).status_code == 200
    assert client.delete(f"/users/{alice.id}", auth=alice.auth).status_code == 204
    assert client.get(signed_in_path, auth=alice.auth).status_code == 401


def test_an_account_deleted_elsewhere_is_refused_on_the_next_request(client, accounts, signed_in_path, sql):
    alice = accounts.member()
    assert client.get(signed_in_path, auth=alice.auth).status_code == 200
    sql("DELETE FROM users WHERE id = %s", alice.id)
    assert client.get(signed_in_path, auth=alice.auth).status_code == 401


def test_an_account_recreated_with_the_same_password_needs_a_fresh_check(client, accounts, sql, monkeypatch):
    alice = accounts.member()
    assert client.get("/users/me", auth=alice.auth).status_code == 200
    sql("DELETE FROM users WHERE id = %s", alice.id)
    again = client.post("/users", json={"name": alice.name, "email": alice.email, "password": alice.password})
    assert again.status_code == 201
    checks = count_hash_checks(monkeypatch)
    me = client.get("/users/me", auth=alice.auth)
    assert me.status_code == 200 and me.json["id"] == again.json["id"]
    assert len(checks) == 1
