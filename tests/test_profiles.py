"""GET /profiles/{name} (API.md, Profiles), one rule per test."""

from urllib.parse import quote

import pytest


def profile(client, viewer, name):
    return client.get(f"/profiles/{quote(name, safe='')}", auth=viewer.auth)


def test_a_profile_has_the_users_name_and_counts(client, accounts, alice):
    bob, carol = accounts.member("bob"), accounts.member("carol")
    for _ in range(2):
        client.post("/boards", json={"title": "t"}, auth=alice.auth)
    client.post(f"/users/{alice.id}/follow", auth=bob.auth)
    client.post(f"/users/{alice.id}/follow", auth=carol.auth)
    client.post(f"/users/{bob.id}/follow", auth=alice.auth)
    response = profile(client, bob, "alice")
    assert response.status_code == 200
    body = response.json
    assert set(body) == {"id", "name", "created_at", "boards", "followers", "following", "followed_by_me"}
    assert (body["id"], body["name"]) == (alice.id, "alice")
    assert (body["boards"], body["followers"], body["following"]) == (2, 2, 1)


def test_followed_by_me_says_whether_the_viewer_follows_them(client, accounts, alice):
    bob = accounts.member("bob")
    assert profile(client, bob, "alice").json["followed_by_me"] is False
    client.post(f"/users/{alice.id}/follow", auth=bob.auth)
    assert profile(client, bob, "alice").json["followed_by_me"] is True
    assert profile(client, alice, "alice").json["followed_by_me"] is False


def test_the_counts_are_what_the_lists_return(client, accounts, alice):
    fans = [accounts.member() for _ in range(3)]
    for fan in fans:
        client.post(f"/users/{alice.id}/follow", auth=fan.auth)
    client.delete(f"/users/{alice.id}/follow", auth=fans[0].auth)
    client.post(f"/users/{fans[1].id}/follow", auth=alice.auth)
    body = profile(client, alice, "alice").json
    assert body["followers"] == len(client.get(f"/users/{alice.id}/followers", auth=alice.auth).json) == 2
    assert body["following"] == len(client.get(f"/users/{alice.id}/following", auth=alice.auth).json) == 1
    assert body["boards"] == len(client.get(f"/users/{alice.id}/boards", auth=alice.auth).json) == 0


def test_names_match_in_any_case_and_accents(client, accounts):
    zoe = accounts.member("Zoë")
    for name in ("Zoë", "zoë", "ZOE", "zoe"):
        response = profile(client, zoe, name)
        assert (response.status_code, response.json["id"]) == (200, zoe.id), name


@pytest.mark.parametrize("name", ["엘리스 🙂", "a/b", "50% off?", "dot.name", "#1 & co"])
def test_url_encoded_names_with_any_characters_are_found(client, alice, name):
    signed_up = client.post("/users", json={"name": name, "email": "odd.name@example.com", "password": "long enough"})
    assert signed_up.status_code == 201
    response = profile(client, alice, name)
    assert (response.status_code, response.json["id"]) == (200, signed_up.json["id"])


def test_an_unknown_name_is_404(client, alice):
    response = profile(client, alice, "nobody-has-this")
    assert response.status_code == 404
    assert response.json["message"] == "Nobody has that name."


def test_profiles_need_credentials(client, alice):
    assert client.get("/profiles/alice").status_code == 401


def test_a_profile_holds_no_email_or_role(client, accounts, alice):
    admin = accounts.admin()
    body = profile(client, admin, "alice").json
    assert "email" not in body and "role" not in body
