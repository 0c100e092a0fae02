"""GET /feed (API.md, Follows and the feed), one rule per test.

The feed has two statements, picked by how many people the reader follows (follow_routes.py,
FEED_FOLLOWS_DRIVEN_UP_TO): the rules that concern what a page holds run for a reader of
each kind.
"""

import pytest

from conftest import next_link
from feed_routes import FEED_FOLLOWS_DRIVEN_UP_TO

# A reader who follows few people (the follows-driven statement) and one who follows many
# (the boards-driven statement).
READERS = {"few": 2, "many": FEED_FOLLOWS_DRIVEN_UP_TO + 2}


@pytest.fixture
def reader(accounts):
    return accounts.member("reader")


@pytest.fixture(params=list(READERS))
def followed(request, client, accounts, reader):
    """The people the reader follows: few or many."""
    people = [accounts.member() for _ in range(READERS[request.param])]
    for person in people:
        assert client.post(f"/users/{person.id}/follow", auth=reader.auth).status_code == 201
    return people


def post(client, author, title="t"):
    response = client.post("/boards", json={"title": title, "content": "c"}, auth=author.auth)
    assert response.status_code == 201
    return response.json


def feed_ids(client, reader, query=""):
    response = client.get(f"/feed{query}", auth=reader.auth)
    assert response.status_code == 200
    return [board["id"] for board in response.json]


def test_the_feed_is_empty_when_i_follow_nobody(client, accounts, reader):
    post(client, accounts.member())
    response = client.get("/feed", auth=reader.auth)
    assert (response.status_code, response.json) == (200, [])


def test_the_feed_holds_the_boards_of_the_people_i_follow_newest_first(client, accounts, reader, followed):
    stranger = accounts.member()
    expected = []
    for round_number in range(2):
        for author in (followed[0], stranger, followed[-1], reader):
            board = post(client, author, f"r{round_number}")
            if author in followed:
                expected.append(board["id"])
    assert feed_ids(client, reader) == expected[::-1]


def test_the_feed_pages_with_link_next_through_every_board_once(client, reader, followed):
    expected = [post(client, followed[n % len(followed)])["id"] for n in range(11)][::-1]
    seen, url = [], "/feed?limit=3"
    while url:
        response = client.get(url, auth=reader.auth)
        assert response.status_code == 200 and len(response.json) <= 3
        seen += [board["id"] for board in response.json]
        url = next_link(response)
    assert seen == expected


def test_boards_written_while_paging_do_not_upset_the_pages(client, reader, followed):
    expected = [post(client, followed[0])["id"] for _ in range(4)][::-1]
    first = client.get("/feed?limit=2", auth=reader.auth)
    post(client, followed[-1])
    second = client.get(next_link(first), auth=reader.auth)
    assert [board["id"] for board in first.json + second.json] == expected


def test_a_board_in_the_feed_looks_as_it_does_elsewhere(client, accounts, reader, followed):
    board = post(client, followed[0])
    client.post(f"/boards/{board['id']}/comments", json={"content": "hi"}, auth=reader.auth)
    in_feed = client.get("/feed", auth=reader.auth).json[0]
    assert in_feed == client.get(f"/boards/{board['id']}", auth=reader.auth).json
    assert in_feed["comments"] == 1


def test_unfollowing_someone_takes_their_boards_out_of_the_feed(client, reader, followed):
    gone = post(client, followed[0])["id"]
    kept = post(client, followed[1])["id"]
    client.delete(f"/users/{followed[0].id}/follow", auth=reader.auth)
    assert feed_ids(client, reader) == [kept] and gone not in feed_ids(client, reader)


def test_my_own_boards_are_not_in_my_feed(client, reader, followed):
    post(client, reader)
    assert feed_ids(client, reader) == []


def test_a_deleted_followee_takes_their_boards_out_of_the_feed(client, reader, followed):
    post(client, followed[0])
    kept = post(client, followed[1])["id"]
    assert client.delete(f"/users/{followed[0].id}", auth=followed[0].auth).status_code == 204
    assert feed_ids(client, reader) == [kept]


def test_the_feed_needs_credentials(client):
    assert client.get("/feed").status_code == 401


@pytest.mark.parametrize("query", ["?limit=0", "?limit=101", "?cursor=nonsense", "?cursor=YWZ0ZXI6NQ=="])
def test_bad_limit_or_cursor_is_422(client, reader, query):
    assert client.get(f"/feed{query}", auth=reader.auth).status_code == 422


def test_the_feed_is_the_same_when_signed_in_with_a_token(client, reader, followed):
    """Both sign-ins give the row the feed picks its statement from (following_count)."""
    expected = [post(client, followed[-1])["id"]]
    token = client.post("/tokens", auth=reader.auth).json["token"]
    response = client.get("/feed", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert [board["id"] for board in response.json] == expected
