"""The Users section of API.md, one rule per test."""

import pytest

from conftest import next_link

SIGN_UP = {"name": "alice", "email": "Alice@Example.com", "password": "s3cret-pass"}


def sign_up(client, **fields):
    return client.post("/users", json={**SIGN_UP, **fields})


def test_sign_up_creates_a_member_with_location(client):
    response = sign_up(client)
    assert response.status_code == 201
    user = response.json
    assert response.headers["Location"] == f"/users/{user['id']}"
    assert user["name"] == "alice"
    assert user["role"] == "member"
    assert set(user) == {"id", "name", "email", "role", "created_at", "updated_at"}
    assert user["created_at"].endswith("Z")


def test_sign_up_stores_the_email_lowercased(client):
    assert sign_up(client).json["email"] == "alice@example.com"
    me = client.get("/users/me", auth=("ALICE@example.COM", "s3cret-pass"))
    assert me.status_code == 200
    assert me.json["email"] == "alice@example.com"


def test_sign_up_trims_name_and_email(client):
    user = sign_up(client, name="  alice  ", email="  alice@example.com ").json
    assert (user["name"], user["email"]) == ("alice", "alice@example.com")


def test_passwords_are_never_returned_or_stored_in_plain(client, sql):
    user = sign_up(client).json
    assert "password" not in user and "password_hash" not in user
    stored = sql("SELECT password_hash FROM users WHERE id = %s", user["id"])[0]["password_hash"]
    assert "s3cret-pass" not in stored


@pytest.mark.parametrize("field", ["role", "id", "created_at", "nickname"])
def test_sign_up_rejects_any_other_field(client, field):
    response = sign_up(client, **{field: "admin"})
    assert response.status_code == 422
    assert field in response.json["errors"]["json"]


@pytest.mark.parametrize(
    "fields, bad_field",
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": 7}, "name"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a" * 250 + "@example.com"}, "email"),
        ({"password": "short12"}, "password"),
        ({"password": "p" * 129}, "password"),
        ({"password": None}, "password"),
    ],
)
def test_sign_up_rejects_invalid_fields(client, fields, bad_field):
    response = sign_up(client, **fields)
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == [bad_field]


@pytest.mark.parametrize("missing", ["name", "email", "password"])
def test_sign_up_requires_every_field(client, missing):
    body = {key: value for key, value in SIGN_UP.items() if key != missing}
    response = client.post("/users", json=body)
    assert response.status_code == 422
    assert missing in response.json["errors"]["json"]


def test_limits_are_inclusive(client):
    response = sign_up(client, name="n" * 100, password="p" * 128)
    assert response.status_code == 201
    assert sign_up(client, name="m", email="m@example.com", password="p" * 8).status_code == 201


def test_a_taken_name_is_409(client):
    sign_up(client)
    response = sign_up(client, email="other@example.com")
    assert response.status_code == 409
    assert response.json["errors"]["json"] == {"name": ["That name is already taken."]}


def test_names_are_unique_whatever_their_case(client):
    sign_up(client)
    assert sign_up(client, name="ALICE", email="other@example.com").status_code == 409


def test_a_taken_email_is_409_whatever_its_case(client):
    sign_up(client)
    response = sign_up(client, name="alice2", email="ALICE@EXAMPLE.COM")
    assert response.status_code == 409
    assert "email" in response.json["errors"]["json"]


def test_emoji_and_korean_names_round_trip(client, accounts):
    created = sign_up(client, name="김민준 🐱‍👤", email="minjun@example.com").json
    assert created["name"] == "김민준 🐱‍👤"
    other = accounts.member()
    assert client.get(f"/users/{created['id']}", auth=other.auth).json["name"] == "김민준 🐱‍👤"


def test_different_emoji_are_different_names(client):
    assert sign_up(client, name="😀", email="a@example.com").status_code == 201
    assert sign_up(client, name="😎", email="b@example.com").status_code == 201


def test_me_is_the_signed_in_user_with_email(client, accounts):
    alice = accounts.member("alice")
    response = client.get("/users/me", auth=alice.auth)
    assert response.status_code == 200
    assert response.json["id"] == alice.id
    assert response.json["email"] == alice.email
    assert response.headers["ETag"]


def test_get_user_returns_it_with_an_etag(client, accounts):
    alice = accounts.member()
    response = client.get(f"/users/{alice.id}", auth=alice.auth)
    assert response.status_code == 200
    assert response.json["email"] == alice.email
    assert response.headers["ETag"].startswith('"')


def test_other_members_do_not_see_the_email(client, accounts):
    alice, bob = accounts.member(), accounts.member()
    user = client.get(f"/users/{alice.id}", auth=bob.auth).json
    assert "email" not in user
    assert user["name"] == alice.name


def test_admins_see_every_email(client, accounts):
    alice, admin = accounts.member(), accounts.admin()
    assert client.get(f"/users/{alice.id}", auth=admin.auth).json["email"] == alice.email
    listed = client.get("/users", auth=admin.auth).json
    assert all("email" in user for user in listed)


def test_the_list_shows_only_my_own_email(client, accounts):
    alice, bob = accounts.member(), accounts.member()
    listed = {user["id"]: user for user in client.get("/users", auth=alice.auth).json}
    assert listed[alice.id]["email"] == alice.email
    assert "email" not in listed[bob.id]


def test_get_an_unknown_user_is_404(client, accounts):
    alice = accounts.member()
    response = client.get("/users/999999", auth=alice.auth)
    assert response.status_code == 404
    assert response.json["message"] == "No such user."


def test_users_are_listed_newest_first(client, accounts):
    made = [accounts.member() for _ in range(3)]
    listed = client.get("/users", auth=made[0].auth).json
    assert [user["id"] for user in listed] == sorted((user.id for user in made), reverse=True)


def test_the_list_pages_with_link_next_until_the_end(client, accounts):
    made = [accounts.member() for _ in range(5)]
    seen, url = [], "/users?limit=2"
    while url:
        response = client.get(url, auth=made[0].auth)
        assert response.status_code == 200
        assert len(response.json) <= 2
        seen += [user["id"] for user in response.json]
        url = next_link(response)
    assert seen == sorted((user.id for user in made), reverse=True)


def test_the_last_page_has_no_link(client, accounts):
    alice = accounts.member()
    response = client.get("/users?limit=5", auth=alice.auth)
    assert "Link" not in response.headers


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=abc", "limit=1.5", "cursor=nope",
                                   "cursor=%%%", "cursor=YmVmb3JlOjA=", "cursor=YmVmb3JlOi0x"])
def test_bad_limit_or_cursor_is_422(client, accounts, query):
    alice = accounts.member()
    response = client.get(f"/users?{query}", auth=alice.auth)
    assert response.status_code == 422
    assert response.json["errors"]["query"]


def test_put_replaces_name_and_email(client, accounts):
    alice = accounts.member()
    response = client.put(f"/users/{alice.id}", json={"name": "alicia", "email": "Alicia@Example.com"},
                          auth=alice.auth)
    assert response.status_code == 200
    assert (response.json["name"], response.json["email"]) == ("alicia", "alicia@example.com")
    assert client.get("/users/me", auth=("alicia@example.com", alice.password)).json["name"] == "alicia"


def test_put_requires_name_and_email(client, accounts):
    alice = accounts.member()
    response = client.put(f"/users/{alice.id}", json={"name": "alicia"}, auth=alice.auth)
    assert response.status_code == 422
    assert "email" in response.json["errors"]["json"]


def test_put_rejects_role(client, accounts):
    alice = accounts.member()
    body = {"name": "alicia", "email": alice.email, "role": "admin"}
    assert client.put(f"/users/{alice.id}", json=body, auth=alice.auth).status_code == 422


def test_put_can_change_the_password(client, accounts):
    alice = accounts.member()
    body = {"name": alice.name, "email": alice.email, "password": "a new password"}
    assert client.put(f"/users/{alice.id}", json=body, auth=alice.auth).status_code == 200
    assert client.get("/users/me", auth=alice.auth).status_code == 401
    assert client.get("/users/me", auth=(alice.email, "a new password")).status_code == 200


def test_patch_changes_only_what_is_sent(client, accounts):
    alice = accounts.member()
    response = client.patch(f"/users/{alice.id}", json={"name": "alicia"}, auth=alice.auth)
    assert response.status_code == 200
    assert (response.json["name"], response.json["email"]) == ("alicia", alice.email)
    assert response.json["updated_at"] > response.json["created_at"]


def test_patch_with_nothing_to_change_is_422(client, accounts):
    alice = accounts.member()
    assert client.patch(f"/users/{alice.id}", json={}, auth=alice.auth).status_code == 422


@pytest.mark.parametrize("body", [{"name": ""}, {"email": "nope"}, {"password": "short"},
                                  {"role": "owner"}, {"id": 5}])
def test_patch_validates_fields(client, accounts, body):
    alice = accounts.admin()
    assert client.patch(f"/users/{alice.id}", json=body, auth=alice.auth).status_code == 422


def test_a_member_who_sends_role_gets_403(client, accounts):
    alice = accounts.member()
    response = client.patch(f"/users/{alice.id}", json={"role": "admin"}, auth=alice.auth)
    assert response.status_code == 403
    assert client.get("/users/me", auth=alice.auth).json["role"] == "member"


def test_an_admin_can_promote_a_member(client, accounts):
    alice, admin = accounts.member(), accounts.admin()
    response = client.patch(f"/users/{alice.id}", json={"role": "admin"}, auth=admin.auth)
    assert response.status_code == 200
    assert response.json["role"] == "admin"
    assert client.get("/users/me", auth=alice.auth).json["role"] == "admin"


def test_a_member_cannot_change_someone_else(client, accounts):
    alice, bob = accounts.member(), accounts.member()
    assert client.patch(f"/users/{bob.id}", json={"name": "x"}, auth=alice.auth).status_code == 403
    body = {"name": "x", "email": "x@example.com"}
    assert client.put(f"/users/{bob.id}", json=body, auth=alice.auth).status_code == 403
    assert client.delete(f"/users/{bob.id}", auth=alice.auth).status_code == 403


def test_an_admin_can_change_anyone(client, accounts):
    bob, admin = accounts.member(), accounts.admin()
    response = client.patch(f"/users/{bob.id}", json={"name": "robert"}, auth=admin.auth)
    assert response.status_code == 200
    assert response.json["name"] == "robert"


def test_changing_to_a_taken_name_or_email_is_409(client, accounts):
    alice, bob = accounts.member(), accounts.member()
    assert client.patch(f"/users/{alice.id}", json={"name": bob.name}, auth=alice.auth).status_code == 409
    response = client.patch(f"/users/{alice.id}", json={"email": bob.email.upper()}, auth=alice.auth)
    assert response.status_code == 409


def test_writes_to_an_unknown_user_are_404(client, accounts):
    admin = accounts.admin()
    assert client.patch("/users/999999", json={"name": "x"}, auth=admin.auth).status_code == 404
    assert client.delete("/users/999999", auth=admin.auth).status_code == 404


def test_delete_removes_the_user_and_their_sign_in(client, accounts):
    alice, bob = accounts.member(), accounts.member()
    assert client.delete(f"/users/{alice.id}", auth=alice.auth).status_code == 204
    assert client.get(f"/users/{alice.id}", auth=bob.auth).status_code == 404
    assert client.get("/users/me", auth=alice.auth).status_code == 401


def test_an_admin_can_delete_anyone(client, accounts):
    alice, admin = accounts.member(), accounts.admin()
    assert client.delete(f"/users/{alice.id}", auth=admin.auth).status_code == 204


def test_deleting_a_user_deletes_their_boards(client, accounts, sql):
    alice, bob = accounts.member(), accounts.member()
    client.post("/boards", json={"title": "mine"}, auth=alice.auth)
    client.post("/boards", json={"title": "his"}, auth=bob.auth)
    client.delete(f"/users/{alice.id}", auth=alice.auth)
    titles = [row["title"] for row in sql("SELECT title FROM boards")]
    assert titles == ["his"]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_stale_if_match_is_412(client, accounts, method):
    alice = accounts.member()
    etag = client.get(f"/users/{alice.id}", auth=alice.auth).headers["ETag"]
    client.patch(f"/users/{alice.id}", json={"name": "changed"}, auth=alice.auth)
    body = {"name": "again", "email": alice.email} if method != "delete" else None
    response = getattr(client, method)(f"/users/{alice.id}", json=body, auth=alice.auth,
                                       headers={"If-Match": etag})
    assert response.status_code == 412
    assert client.get("/users/me", auth=alice.auth).json["name"] == "changed"


def test_a_current_if_match_lets_the_write_through(client, accounts):
    alice = accounts.member()
    etag = client.get(f"/users/{alice.id}", auth=alice.auth).headers["ETag"]
    response = client.patch(f"/users/{alice.id}", json={"name": "changed"}, auth=alice.auth,
                            headers={"If-Match": etag})
    assert response.status_code == 200
    assert client.get(f"/users/{alice.id}", auth=alice.auth).headers["ETag"] != etag


def test_the_list_needs_credentials(client):
    assert client.get("/users").status_code == 401
