"""The Comments section of API.md (and comments' order in Lists), one rule per test."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from conftest import next_link
from core.pagination import encode_cursor
from helpers import StatementCounter
from live_server import serving


@pytest.fixture
def board(client, alice):
    response = client.post("/boards", json={"title": "Hello", "content": "First post"}, auth=alice.auth)
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def comment_on(client):
    def comment_on(board, account, content="Nice!"):
        response = client.post(f"/boards/{board['id']}/comments", json={"content": content}, auth=account.auth)
        assert response.status_code == 201, response.json
        return response.json

    return comment_on


def comment_count(sql, board):
    return sql("SELECT comment_count AS n FROM boards WHERE id = %s", board["id"])[0]["n"]


def test_posting_returns_the_comment_with_its_author_and_location(client, board, bob):
    response = client.post(f"/boards/{board['id']}/comments", json={"content": "Nice!"}, auth=bob.auth)
    assert response.status_code == 201
    comment = response.json
    assert response.headers["Location"] == f"/comments/{comment['id']}"
    assert set(comment) == {"id", "board_id", "content", "user_id", "author", "created_at", "updated_at"}
    assert (comment["board_id"], comment["content"]) == (board["id"], "Nice!")
    assert (comment["user_id"], comment["author"]) == (bob.id, "bob")
    assert comment["created_at"] == comment["updated_at"]
    assert client.get(response.headers["Location"], auth=bob.auth).json == comment


def test_content_is_trimmed(client, board, bob):
    response = client.post(f"/boards/{board['id']}/comments", json={"content": "  hi there \n"}, auth=bob.auth)
    assert response.json["content"] == "hi there"


@pytest.mark.parametrize("body", [
    {}, {"content": ""}, {"content": "   "}, {"content": "c" * 2001}, {"content": 5},
    {"content": None}, {"content": ["list"]},
])
def test_invalid_content_is_422_and_writes_nothing(client, board, bob, sql, body):
    response = client.post(f"/boards/{board['id']}/comments", json=body, auth=bob.auth)
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["content"]
    assert comment_count(sql, board) == 0
    assert sql("SELECT COUNT(*) AS n FROM comments")[0]["n"] == 0


@pytest.mark.parametrize("field", ["board_id", "user_id", "author", "id", "created_at", "colour"])
def test_nobody_comments_as_someone_else_or_sends_other_fields(client, board, bob, field):
    response = client.post(f"/boards/{board['id']}/comments", json={"content": "c", field: 1}, auth=bob.auth)
    assert response.status_code == 422
    assert field in response.json["errors"]["json"]


def test_the_longest_content_is_kept_whole_emoji_included(client, board, bob):
    comment = client.post(f"/boards/{board['id']}/comments", json={"content": "😀" * 2000}, auth=bob.auth).json
    assert client.get(f"/comments/{comment['id']}", auth=bob.auth).json["content"] == "😀" * 2000


def test_commenting_on_no_board_is_404_and_writes_nothing(client, board, bob, sql):
    response = client.post("/boards/999999999/comments", json={"content": "anyone?"}, auth=bob.auth)
    assert response.status_code == 404
    assert response.json["message"] == "No such board."
    assert sql("SELECT COUNT(*) AS n FROM comments")[0]["n"] == 0
    assert comment_count(sql, board) == 0


def test_comments_are_listed_oldest_first(client, board, alice, bob, comment_on):
    made = [comment_on(board, [alice, bob][i % 2], f"c{i}") for i in range(4)]
    listed = client.get(f"/boards/{board['id']}/comments", auth=alice.auth).json
    assert listed == made


def test_only_the_boards_own_comments_are_listed(client, board, alice, bob, comment_on):
    other = client.post("/boards", json={"title": "Other"}, auth=bob.auth).json
    mine = comment_on(board, bob)
    comment_on(other, alice)
    assert client.get(f"/boards/{board['id']}/comments", auth=bob.auth).json == [mine]


def test_walking_next_links_yields_every_comment_once_while_comments_are_added(client, board, bob, comment_on):
    existing = [comment_on(board, bob, f"c{i}")["id"] for i in range(7)]
    seen, url = [], f"/boards/{board['id']}/comments?limit=3"
    while url:
        response = client.get(url, auth=bob.auth)
        assert response.status_code == 200
        seen += [c["id"] for c in response.json]
        url = next_link(response)
        if url and len(seen) < len(existing):
            existing.append(comment_on(board, bob, "added during the walk")["id"])
    assert seen == existing


def test_the_link_keeps_the_limit(client, board, bob, comment_on):
    for i in range(3):
        comment_on(board, bob, f"c{i}")
    response = client.get(f"/boards/{board['id']}/comments?limit=2", auth=bob.auth)
    assert "limit=2" in response.headers["Link"]
    assert len(client.get(next_link(response), auth=bob.auth).json) == 1


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x", "cursor=bad!", "cursor=YWJj",
                                   f"cursor={encode_cursor(5)}"])
def test_bad_list_parameters_are_422_a_newest_first_cursor_included(client, board, bob, query):
    response = client.get(f"/boards/{board['id']}/comments?{query}", auth=bob.auth)
    assert response.status_code == 422


def test_comments_of_a_board_without_comments_are_empty_and_of_no_board_404(client, board, bob):
    assert client.get(f"/boards/{board['id']}/comments", auth=bob.auth).json == []
    response = client.get("/boards/999999999/comments", auth=bob.auth)
    assert response.status_code == 404
    assert response.json["message"] == "No such board."


def test_get_returns_the_comment_with_an_etag(client, board, alice, bob, comment_on):
    comment = comment_on(board, bob)
    response = client.get(f"/comments/{comment['id']}", auth=alice.auth)
    assert response.status_code == 200
    assert response.json == comment
    assert response.headers["ETag"]


def test_an_unknown_comment_is_404(client, bob):
    for method in ("get", "patch", "delete"):
        response = getattr(client, method)("/comments/999999999", json={"content": "x"} if method == "patch" else None,
                                           auth=bob.auth)
        assert response.status_code == 404, method
        assert response.json["message"] == "No such comment."


def test_the_author_changes_the_content(client, board, bob, comment_on):
    comment = comment_on(board, bob)
    response = client.patch(f"/comments/{comment['id']}", json={"content": "  Better.  "}, auth=bob.auth)
    assert response.status_code == 200
    changed = response.json
    assert changed["content"] == "Better."
    assert changed["updated_at"] > comment["updated_at"] and changed["created_at"] == comment["created_at"]
    assert client.get(f"/comments/{comment['id']}", auth=bob.auth).json == changed


@pytest.mark.parametrize("body", [{}, {"content": ""}, {"content": "  "}, {"content": "c" * 2001},
                                  {"content": "ok", "board_id": 1}])
def test_patch_validates_the_content(client, board, bob, comment_on, body):
    comment = comment_on(board, bob)
    assert client.patch(f"/comments/{comment['id']}", json=body, auth=bob.auth).status_code == 422
    assert client.get(f"/comments/{comment['id']}", auth=bob.auth).json["content"] == "Nice!"


def test_nobody_else_changes_a_comment_not_even_the_boards_author(client, board, alice, bob, accounts, comment_on):
    comment = comment_on(board, bob)
    for other in (alice, accounts.member()):
        response = client.patch(f"/comments/{comment['id']}", json={"content": "hijacked"}, auth=other.auth)
        assert response.status_code == 403
    assert client.get(f"/comments/{comment['id']}", auth=bob.auth).json["content"] == "Nice!"


def test_an_admin_changes_any_comment(client, board, bob, accounts, comment_on):
    comment = comment_on(board, bob)
    admin = accounts.admin()
    response = client.patch(f"/comments/{comment['id']}", json={"content": "moderated"}, auth=admin.auth)
    assert response.status_code == 200
    assert (response.json["content"], response.json["author"]) == ("moderated", "bob")


@pytest.mark.parametrize("deleter", ["comment author", "board author", "admin"])
def test_the_comment_author_the_board_author_or_an_admin_deletes_it(client, board, alice, bob, accounts,
                                                                   comment_on, sql, deleter):
    comment = comment_on(board, bob)
    account = {"comment author": bob, "board author": alice, "admin": accounts.admin()}[deleter]
    assert client.delete(f"/comments/{comment['id']}", auth=account.auth).status_code == 204
    assert client.get(f"/comments/{comment['id']}", auth=bob.auth).status_code == 404
    assert comment_count(sql, board) == 0


def test_another_member_may_not_delete_a_comment(client, board, bob, accounts, comment_on, sql):
    comment = comment_on(board, bob)
    carol = accounts.member("carol")
    assert client.delete(f"/comments/{comment['id']}", auth=carol.auth).status_code == 403
    assert client.get(f"/comments/{comment['id']}", auth=carol.auth).status_code == 200
    assert comment_count(sql, board) == 1


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_a_stale_if_match_is_412_and_changes_nothing(client, board, bob, comment_on, sql, method):
    comment = comment_on(board, bob)
    url = f"/comments/{comment['id']}"
    etag = client.get(url, auth=bob.auth).headers["ETag"]
    client.patch(url, json={"content": "changed"}, auth=bob.auth)
    body = {"content": "again"} if method == "patch" else None
    response = getattr(client, method)(url, json=body, auth=bob.auth, headers={"If-Match": etag})
    assert response.status_code == 412
    assert client.get(url, auth=bob.auth).json["content"] == "changed"
    assert comment_count(sql, board) == 1


def test_a_current_if_match_lets_the_write_through(client, board, bob, comment_on, sql):
    comment = comment_on(board, bob)
    url = f"/comments/{comment['id']}"
    etag = client.get(url, auth=bob.auth).headers["ETag"]
    response = client.patch(url, json={"content": "x"}, auth=bob.auth, headers={"If-Match": etag})
    assert response.status_code == 200
    etag = client.get(url, auth=bob.auth).headers["ETag"]
    assert client.delete(url, auth=bob.auth, headers={"If-Match": etag}).status_code == 204
    assert comment_count(sql, board) == 0


def test_a_board_as_returned_counts_its_comments_exactly(client, board, alice, bob, comment_on):
    assert board["comments"] == 0
    made = [comment_on(board, bob, f"c{i}") for i in range(3)]
    client.delete(f"/comments/{made[1]['id']}", auth=bob.auth)
    client.delete(f"/comments/{made[1]['id']}", auth=bob.auth)  # a second delete changes nothing
    client.post("/boards/999999999/comments", json={"content": "lost"}, auth=bob.auth)
    assert client.get(f"/boards/{board['id']}", auth=bob.auth).json["comments"] == 2
    assert [b["comments"] for b in client.get("/boards", auth=bob.auth).json] == [2]
    assert [b["comments"] for b in client.get(f"/users/{alice.id}/boards", auth=bob.auth).json] == [2]
    assert [b["comments"] for b in client.get(f"/boards?user_id={alice.id}", auth=bob.auth).json] == [2]
    edited = client.patch(f"/boards/{board['id']}", json={"title": "Edited"}, auth=alice.auth).json
    assert edited["comments"] == 2


def test_a_comment_leaves_the_boards_version_alone(client, board, alice, bob, comment_on):
    """The board's ETag versions its title and content: a comment does not make its author's edit stale."""
    url = f"/boards/{board['id']}"
    etag = client.get(url, auth=alice.auth).headers["ETag"]
    comment = comment_on(board, bob)
    assert client.get(url, auth=alice.auth).json["updated_at"] == board["updated_at"]
    client.delete(f"/comments/{comment['id']}", auth=bob.auth)
    assert client.get(url, auth=alice.auth).headers["ETag"] == etag
    response = client.patch(url, json={"title": "Edited"}, auth=alice.auth, headers={"If-Match": etag})
    assert response.status_code == 200


def test_deleting_a_board_removes_its_comments(client, board, alice, bob, comment_on, sql):
    comments = [comment_on(board, bob, f"c{i}") for i in range(3)]
    assert client.delete(f"/boards/{board['id']}", auth=alice.auth).status_code == 204
    for comment in comments:
        assert client.get(f"/comments/{comment['id']}", auth=bob.auth).status_code == 404
    assert sql("SELECT COUNT(*) AS n FROM comments WHERE board_id = %s", board["id"])[0]["n"] == 0


def test_deleting_a_user_removes_their_comments(client, board, alice, bob, comment_on, sql):
    comment = comment_on(board, bob)
    assert client.delete(f"/users/{bob.id}", auth=bob.auth).status_code == 204
    assert client.get(f"/comments/{comment['id']}", auth=alice.auth).status_code == 404
    assert sql("SELECT COUNT(*) AS n FROM comments WHERE user_id = %s", bob.id)[0]["n"] == 0


def test_comments_need_credentials(client, board, bob, comment_on):
    comment = comment_on(board, bob)
    assert client.get(f"/boards/{board['id']}/comments").status_code == 401
    assert client.post(f"/boards/{board['id']}/comments", json={"content": "c"}).status_code == 401
    assert client.get(f"/comments/{comment['id']}").status_code == 401
    assert client.patch(f"/comments/{comment['id']}", json={"content": "c"}).status_code == 401
    assert client.delete(f"/comments/{comment['id']}").status_code == 401


def test_the_comment_count_is_read_with_the_board_not_counted(client, board, bob, comment_on, monkeypatch):
    for i in range(5):
        comment_on(board, bob, f"c{i}")
    counter = StatementCounter(monkeypatch)
    # The board comes with its count in the statement that signs the user in; a page of
    # boards or of comments in one statement after the sign-in's.
    statements = {f"/boards/{board['id']}": 1, "/boards": 2, f"/boards/{board['id']}/comments?limit=3": 2}
    for url, expected in statements.items():
        counter.count = 0
        assert client.get(url, auth=bob.auth).status_code == 200
        assert counter.count == expected, url


# Writers at once on one board, over a real HTTP server (a thread and a connection each).
CONCURRENT_CLIENTS = 50


def test_concurrent_comments_and_deletes_on_one_board_keep_its_count_exact(app, client, board, accounts, sql):
    people = [accounts.member() for _ in range(5)]
    premade = [client.post(f"/boards/{board['id']}/comments", json={"content": f"old {n}"},
                           auth=people[n % 5].auth).json["id"] for n in range(CONCURRENT_CLIENTS)]
    barrier = threading.Barrier(CONCURRENT_CLIENTS)

    def one_client(n, base_url):
        """Comment, delete one's older comment, comment again and delete that: the four answers."""
        person = people[n % len(people)]
        url = f"{base_url}/boards/{board['id']}/comments"
        barrier.wait()
        statuses = [requests.post(url, json={"content": f"new {n}"}, auth=person.auth, timeout=60).status_code]
        statuses.append(requests.delete(f"{base_url}/comments/{premade[n]}", auth=person.auth,
                                        timeout=60).status_code)
        mine = requests.post(url, json={"content": f"gone {n}"}, auth=person.auth, timeout=60)
        statuses += [mine.status_code,
                     requests.delete(f"{base_url}/comments/{mine.json()['id']}", auth=person.auth,
                                     timeout=60).status_code]
        return statuses

    with serving(app) as base_url:
        for person in people:  # signed in once, so the clients meet in the writes, not in the sign-in
            assert requests.get(f"{base_url}/users/me", auth=person.auth, timeout=30).status_code == 200
        with ThreadPoolExecutor(CONCURRENT_CLIENTS) as pool:
            answers = list(pool.map(one_client, range(CONCURRENT_CLIENTS), [base_url] * CONCURRENT_CLIENTS))

    assert answers == [[201, 204, 201, 204]] * CONCURRENT_CLIENTS
    counted = sql("SELECT COUNT(*) AS n FROM comments WHERE board_id = %s", board["id"])[0]["n"]
    assert counted == CONCURRENT_CLIENTS
    assert comment_count(sql, board) == counted
