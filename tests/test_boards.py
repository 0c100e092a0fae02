"""The Boards section of API.md, one rule per test."""

import pytest

from conftest import next_link
from helpers import StatementCounter


@pytest.fixture
def write(client):
    def write(account, title="Hello", content="First post"):
        response = client.post("/boards", json={"title": title, "content": content}, auth=account.auth)
        assert response.status_code == 201, response.json
        return response.json

    return write


def test_posting_returns_the_board_with_its_author(client, alice):
    response = client.post("/boards", json={"title": "Hello", "content": "First post"}, auth=alice.auth)
    assert response.status_code == 201
    board = response.json
    assert response.headers["Location"] == f"/boards/{board['id']}"
    assert board["title"] == "Hello" and board["content"] == "First post"
    assert (board["user_id"], board["author"]) == (alice.id, "alice")
    assert board["created_at"] == board["updated_at"]


def test_content_may_be_empty_or_left_out(client, alice):
    assert client.post("/boards", json={"title": "t", "content": ""}, auth=alice.auth).json["content"] == ""
    assert client.post("/boards", json={"title": "t"}, auth=alice.auth).json["content"] == ""


def test_title_and_content_are_trimmed(client, alice):
    board = client.post("/boards", json={"title": "  Hi  ", "content": " body "}, auth=alice.auth).json
    assert (board["title"], board["content"]) == ("Hi", "body")


@pytest.mark.parametrize("field", ["user_id", "author", "id", "created_at", "colour"])
def test_nobody_posts_as_someone_else_or_sends_other_fields(client, alice, field):
    response = client.post("/boards", json={"title": "t", field: 1}, auth=alice.auth)
    assert response.status_code == 422
    assert field in response.json["errors"]["json"]


@pytest.mark.parametrize(
    "body, bad_field",
    [
        ({"content": "no title"}, "title"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "t" * 201}, "title"),
        ({"title": "t", "content": "c" * 20_001}, "content"),
        ({"title": 5}, "title"),
        ({"title": "t", "content": ["list"]}, "content"),
        ({"title": None}, "title"),
    ],
)
def test_invalid_boards_are_422(client, alice, body, bad_field):
    response = client.post("/boards", json=body, auth=alice.auth)
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == [bad_field]


def test_the_longest_title_and_content_are_kept_whole(client, alice):
    board = client.post("/boards", json={"title": "t" * 200, "content": "😀" * 20_000}, auth=alice.auth).json
    stored = client.get(f"/boards/{board['id']}", auth=alice.auth).json
    assert stored["title"] == "t" * 200 and stored["content"] == "😀" * 20_000


def test_emoji_and_korean_round_trip(client, alice, write, sql):
    board = write(alice, title="안녕하세요 👋🏽", content="게시판 🇰🇷 and 𝄞")
    fetched = client.get(f"/boards/{board['id']}", auth=alice.auth).json
    assert (fetched["title"], fetched["content"]) == ("안녕하세요 👋🏽", "게시판 🇰🇷 and 𝄞")
    assert sql("SELECT title FROM boards WHERE id = %s", board["id"])[0]["title"] == "안녕하세요 👋🏽"


@pytest.mark.parametrize("text", ["' OR '1'='1", "1; DROP TABLE users; --", "%s %(id)s \\ \" `x`"])
def test_injection_shaped_text_is_plain_data(client, alice, write, sql, text):
    board = write(alice, title=text, content=text)
    assert client.get(f"/boards/{board['id']}", auth=alice.auth).json["title"] == text
    assert sql("SELECT COUNT(*) AS n FROM users")[0]["n"] == 1
    listed = client.get("/boards", auth=alice.auth).json
    assert [b["title"] for b in listed] == [text]


def test_get_returns_the_board_with_an_etag(client, alice, accounts, write):
    board = write(alice)
    bob = accounts.member()
    response = client.get(f"/boards/{board['id']}", auth=bob.auth)
    assert response.status_code == 200
    assert response.json == board
    assert response.headers["ETag"]


def test_an_unknown_board_is_404_whoever_asks(client, alice, accounts):
    admin = accounts.admin()
    for account in (alice, admin):
        assert client.get("/boards/999999", auth=account.auth).status_code == 404
        assert client.put("/boards/999999", json={"title": "t", "content": ""},
                          auth=account.auth).status_code == 404
        assert client.patch("/boards/999999", json={"title": "t"}, auth=account.auth).status_code == 404
        assert client.delete("/boards/999999", auth=account.auth).status_code == 404


def test_put_replaces_title_and_content(client, alice, write):
    board = write(alice)
    response = client.put(f"/boards/{board['id']}", json={"title": "New", "content": "Body"}, auth=alice.auth)
    assert response.status_code == 200
    assert (response.json["title"], response.json["content"]) == ("New", "Body")
    assert response.json["updated_at"] > board["updated_at"]
    assert client.get(f"/boards/{board['id']}", auth=alice.auth).json == response.json


def test_put_needs_both_fields(client, alice, write):
    board = write(alice)
    assert client.put(f"/boards/{board['id']}", json={"title": "New"}, auth=alice.auth).status_code == 422


def test_patch_changes_only_what_is_sent(client, alice, write):
    board = write(alice, content="keep me")
    response = client.patch(f"/boards/{board['id']}", json={"title": "New"}, auth=alice.auth)
    assert response.status_code == 200
    assert (response.json["title"], response.json["content"]) == ("New", "keep me")
    assert client.get(f"/boards/{board['id']}", auth=alice.auth).json == response.json


@pytest.mark.parametrize("body", [{}, {"title": ""}, {"user_id": 1}, {"author": "bob"}, {"content": 3}])
def test_patch_validates_fields(client, alice, write, body):
    board = write(alice)
    assert client.patch(f"/boards/{board['id']}", json=body, auth=alice.auth).status_code == 422


def test_another_member_gets_403_on_every_write(client, alice, accounts, write):
    board = write(alice)
    bob = accounts.member()
    url = f"/boards/{board['id']}"
    assert client.put(url, json={"title": "x", "content": "y"}, auth=bob.auth).status_code == 403
    assert client.patch(url, json={"title": "x"}, auth=bob.auth).status_code == 403
    assert client.delete(url, auth=bob.auth).status_code == 403
    assert client.get(url, auth=alice.auth).json == board


def test_an_admin_may_change_and_delete_any_board(client, alice, accounts, write):
    board = write(alice)
    admin = accounts.admin()
    url = f"/boards/{board['id']}"
    assert client.put(url, json={"title": "x", "content": "y"}, auth=admin.auth).status_code == 200
    patched = client.patch(url, json={"title": "z"}, auth=admin.auth)
    assert patched.status_code == 200
    assert patched.json["author"] == "alice"
    assert client.delete(url, auth=admin.auth).status_code == 204
    assert client.get(url, auth=alice.auth).status_code == 404


def test_the_author_deletes_their_board(client, alice, write):
    board = write(alice)
    assert client.delete(f"/boards/{board['id']}", auth=alice.auth).status_code == 204
    assert client.get(f"/boards/{board['id']}", auth=alice.auth).status_code == 404


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_stale_if_match_is_412(client, alice, write, method):
    board = write(alice)
    url = f"/boards/{board['id']}"
    etag = client.get(url, auth=alice.auth).headers["ETag"]
    client.patch(url, json={"title": "changed"}, auth=alice.auth)
    body = {"title": "again", "content": ""} if method != "delete" else None
    response = getattr(client, method)(url, json=body, auth=alice.auth, headers={"If-Match": etag})
    assert response.status_code == 412
    assert client.get(url, auth=alice.auth).json["title"] == "changed"


def test_a_current_if_match_lets_the_write_through(client, alice, write):
    board = write(alice)
    url = f"/boards/{board['id']}"
    etag = client.get(url, auth=alice.auth).headers["ETag"]
    assert client.patch(url, json={"title": "x"}, auth=alice.auth, headers={"If-Match": etag}).status_code == 200
    assert client.delete(url, auth=alice.auth, headers={"If-Match": "*"}).status_code == 204


def test_boards_are_listed_newest_first(client, alice, write):
    made = [write(alice, title=f"b{i}") for i in range(3)]
    listed = client.get("/boards", auth=alice.auth).json
    assert [b["id"] for b in listed] == [b["id"] for b in reversed(made)]
    assert listed[0] == made[-1]


def test_user_id_filters_by_author(client, alice, accounts, write):
    bob = accounts.member()
    write(alice)
    bobs = write(bob)
    listed = client.get(f"/boards?user_id={bob.id}", auth=alice.auth).json
    assert listed == [bobs]


def test_a_users_boards_are_listed_under_the_user(client, alice, accounts, write):
    bob = accounts.member()
    mine = [write(alice, title=f"a{i}") for i in range(3)]
    write(bob)
    response = client.get(f"/users/{alice.id}/boards?limit=2", auth=bob.auth)
    assert response.status_code == 200
    assert [b["id"] for b in response.json] == [mine[2]["id"], mine[1]["id"]]
    rest = client.get(next_link(response), auth=bob.auth).json
    assert [b["id"] for b in rest] == [mine[0]["id"]]


def test_boards_of_a_user_without_boards_is_empty_and_of_no_user_404(client, alice):
    assert client.get(f"/users/{alice.id}/boards", auth=alice.auth).json == []
    assert client.get("/users/999999/boards", auth=alice.auth).status_code == 404


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x", "cursor=bad!", "cursor=YWJj",
                                   "user_id=abc", "user_id=0"])
def test_bad_list_parameters_are_422(client, alice, query):
    response = client.get(f"/boards?{query}", auth=alice.auth)
    assert response.status_code == 422


def test_walking_next_links_yields_every_board_once_while_boards_are_added(client, alice, write):
    existing = [write(alice, title=f"b{i}")["id"] for i in range(10)]
    seen, url = [], "/boards?limit=3"
    while url:
        response = client.get(url, auth=alice.auth)
        seen += [b["id"] for b in response.json]
        write(alice, title="added during the walk")
        url = next_link(response)
    assert seen == sorted(existing, reverse=True)


def test_the_link_keeps_the_author_filter(client, alice, accounts, write):
    bob = accounts.member()
    for i in range(3):
        write(alice, title=f"a{i}")
        write(bob, title=f"b{i}")
    response = client.get(f"/boards?user_id={bob.id}&limit=2", auth=alice.auth)
    assert f"user_id={bob.id}" in response.headers["Link"]
    rest = client.get(next_link(response), auth=alice.auth).json
    assert [b["author"] for b in rest] == [bob.name]


def test_deleting_a_user_removes_their_boards(client, alice, accounts, write, sql):
    bob = accounts.member()
    board = write(alice)
    write(bob)
    assert client.delete(f"/users/{alice.id}", auth=alice.auth).status_code == 204
    assert client.get(f"/boards/{board['id']}", auth=bob.auth).status_code == 404
    assert sql("SELECT COUNT(*) AS n FROM boards WHERE user_id = %s", alice.id)[0]["n"] == 0


def test_boards_need_credentials(client):
    assert client.get("/boards").status_code == 401
    assert client.post("/boards", json={"title": "t"}).status_code == 401


def test_a_board_and_its_readers_sign_in_are_one_statement(client, alice, bob, write, monkeypatch):
    board = write(alice)
    counter = StatementCounter(monkeypatch)
    assert client.get(f"/boards/{board['id']}", auth=bob.auth).status_code == 200
    assert client.get("/boards/999999", auth=bob.auth).status_code == 404
    assert counter.count == 2


def test_an_unknown_board_is_401_not_404_without_the_right_credentials(client, alice):
    assert client.get("/boards/999999").status_code == 401
    assert client.get("/boards/999999", auth=(alice.email, "not the password")).status_code == 401
    assert client.get("/boards/999999", auth=("nobody@example.com", alice.password)).status_code == 401
    assert client.get("/boards/999999", headers={"Authorization": "Bearer " + "A" * 43}).status_code == 401


def test_a_list_page_is_one_statement_whatever_its_size(client, alice, accounts, write, monkeypatch):
    authors = [alice] + [accounts.member() for _ in range(4)]
    for i in range(30):
        write(authors[i % 5], title=f"b{i}")
    counter = StatementCounter(monkeypatch)
    counts = {}
    for limit in (1, 5, 30):
        counter.count = 0
        response = client.get(f"/boards?limit={limit}", auth=alice.auth)
        assert len(response.json) == limit
        assert {b["author"] for b in response.json} <= {a.name for a in authors}
        counts[limit] = counter.count
    # One statement signs the user in, one reads the page with its authors.
    assert counts == {1: 2, 5: 2, 30: 2}
