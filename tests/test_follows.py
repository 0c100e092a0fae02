"""Follows (API.md, Follows and the feed) and the counts they and boards keep, one rule per test."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from conftest import next_link
from core.db import load_sql
from live_server import serving
from core.db import utc_now

CONCURRENT_CLIENTS = 50


def counts(sql, user_id):
    return sql("SELECT board_count, follower_count, following_count FROM users WHERE id = %s", user_id)[0]


def follow(client, who, whom_id):
    return client.post(f"/users/{whom_id}/follow", auth=who.auth)


def test_following_someone_is_201_with_the_user(client, alice, bob):
    response = follow(client, alice, bob.id)
    assert response.status_code == 201
    assert (response.json["id"], response.json["name"]) == (bob.id, "bob")
    assert "email" not in response.json


def test_following_again_is_200_and_changes_nothing(client, alice, bob, sql):
    follow(client, alice, bob.id)
    assert follow(client, alice, bob.id).status_code == 200
    assert sql("SELECT COUNT(*) AS n FROM follows") == [{"n": 1}]
    assert counts(sql, bob.id)["follower_count"] == 1


def test_following_myself_is_422_and_writes_nothing(client, alice, sql):
    response = follow(client, alice, alice.id)
    assert response.status_code == 422
    assert response.json["message"] == "Nobody follows themself."
    assert sql("SELECT COUNT(*) AS n FROM follows") == [{"n": 0}]


def test_the_follow_statement_itself_refuses_a_self_follow(alice, sql, sql_connection):
    """Enforced in sql/follows/insert.sql (MySQL forbids a CHECK on ON DELETE CASCADE columns)."""
    cursor = sql_connection.cursor()
    cursor.execute(load_sql("follows/insert"), {"follower_id": alice.id, "followee_id": alice.id, "now": utc_now()})
    assert cursor.rowcount == 0
    assert sql("SELECT COUNT(*) AS n FROM follows") == [{"n": 0}]


def test_following_an_unknown_user_is_404_and_writes_nothing(client, alice, sql):
    response = follow(client, alice, 999_999_999)
    assert response.status_code == 404
    assert sql("SELECT COUNT(*) AS n FROM follows") == [{"n": 0}]
    assert counts(sql, alice.id)["following_count"] == 0


def test_following_needs_credentials(client, bob):
    assert client.post(f"/users/{bob.id}/follow").status_code == 401


def test_unfollowing_is_204_and_removes_the_follow(client, alice, bob, sql):
    follow(client, alice, bob.id)
    assert client.delete(f"/users/{bob.id}/follow", auth=alice.auth).status_code == 204
    assert sql("SELECT COUNT(*) AS n FROM follows") == [{"n": 0}]
    assert counts(sql, bob.id)["follower_count"] == 0
    assert counts(sql, alice.id)["following_count"] == 0


def test_unfollowing_someone_i_do_not_follow_is_204(client, alice, bob, sql):
    assert client.delete(f"/users/{bob.id}/follow", auth=alice.auth).status_code == 204
    assert counts(sql, bob.id)["follower_count"] == 0


def test_unfollowing_an_unknown_user_is_404(client, alice):
    assert client.delete("/users/999999999/follow", auth=alice.auth).status_code == 404


def test_a_follow_counts_for_both_users(client, alice, bob, sql):
    follow(client, alice, bob.id)
    assert counts(sql, alice.id)["following_count"] == 1 and counts(sql, alice.id)["follower_count"] == 0
    assert counts(sql, bob.id)["follower_count"] == 1 and counts(sql, bob.id)["following_count"] == 0


def test_a_follow_leaves_both_users_etags_alone(client, alice, bob):
    etags = [client.get(f"/users/{user.id}", auth=alice.auth).headers["ETag"] for user in (alice, bob)]
    follow(client, alice, bob.id)
    client.delete(f"/users/{bob.id}/follow", auth=alice.auth)
    assert [client.get(f"/users/{user.id}", auth=alice.auth).headers["ETag"] for user in (alice, bob)] == etags


def test_followers_are_listed_most_recent_follow_first(client, accounts, alice):
    fans = [accounts.member() for _ in range(3)]
    for fan in reversed(fans):
        follow(client, fan, alice.id)
    response = client.get(f"/users/{alice.id}/followers", auth=alice.auth)
    assert response.status_code == 200
    assert [user["id"] for user in response.json] == [fan.id for fan in fans]


def test_following_is_listed_most_recent_follow_first(client, accounts, alice):
    idols = [accounts.member() for _ in range(3)]
    for idol in reversed(idols):
        follow(client, alice, idol.id)
    response = client.get(f"/users/{alice.id}/following", auth=alice.auth)
    assert [user["id"] for user in response.json] == [idol.id for idol in idols]


@pytest.mark.parametrize("which", ["followers", "following"])
def test_the_lists_page_by_follow_with_link_next(client, accounts, alice, which):
    others = [accounts.member() for _ in range(5)]
    for other in others:
        if which == "followers":
            follow(client, other, alice.id)
        else:
            follow(client, alice, other.id)
    seen, url = [], f"/users/{alice.id}/{which}?limit=2"
    while url:
        response = client.get(url, auth=alice.auth)
        assert response.status_code == 200 and len(response.json) <= 2
        seen += [user["id"] for user in response.json]
        url = next_link(response)
    assert seen == [other.id for other in reversed(others)]


def test_the_lists_show_emails_only_to_oneself_and_admins(client, accounts, alice, bob):
    follow(client, bob, alice.id)
    admin = accounts.admin()
    assert "email" not in client.get(f"/users/{alice.id}/followers", auth=alice.auth).json[0]
    assert client.get(f"/users/{alice.id}/followers", auth=bob.auth).json[0]["email"] == bob.email
    assert client.get(f"/users/{alice.id}/followers", auth=admin.auth).json[0]["email"] == bob.email


@pytest.mark.parametrize("which", ["followers", "following"])
def test_the_lists_of_an_unknown_user_are_404(client, alice, which):
    assert client.get(f"/users/999999999/{which}", auth=alice.auth).status_code == 404


@pytest.mark.parametrize("which", ["followers", "following"])
def test_the_lists_of_someone_without_follows_are_empty(client, alice, which):
    response = client.get(f"/users/{alice.id}/{which}", auth=alice.auth)
    assert (response.status_code, response.json) == (200, [])


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "cursor=nonsense"])
def test_bad_limit_or_cursor_is_422(client, alice, query):
    assert client.get(f"/users/{alice.id}/followers?{query}", auth=alice.auth).status_code == 422


# --- users.board_count --------------------------------------------------------------------

def test_writing_and_deleting_boards_keeps_the_board_count(client, alice, sql):
    boards = [client.post("/boards", json={"title": f"t{n}"}, auth=alice.auth).json["id"] for n in range(3)]
    assert counts(sql, alice.id)["board_count"] == 3
    assert client.delete(f"/boards/{boards[0]}", auth=alice.auth).status_code == 204
    assert counts(sql, alice.id)["board_count"] == 2


def test_a_board_deleted_by_an_admin_leaves_its_authors_count(client, accounts, alice, sql):
    admin = accounts.admin()
    board = client.post("/boards", json={"title": "t"}, auth=alice.auth).json
    assert client.delete(f"/boards/{board['id']}", auth=admin.auth).status_code == 204
    assert counts(sql, alice.id)["board_count"] == 0
    assert counts(sql, admin.id)["board_count"] == 0


def test_a_failed_board_delete_leaves_the_count(client, alice, sql):
    board = client.post("/boards", json={"title": "t"}, auth=alice.auth).json
    response = client.delete(f"/boards/{board['id']}", auth=alice.auth, headers={"If-Match": '"stale"'})
    assert response.status_code == 412
    assert counts(sql, alice.id)["board_count"] == 1


def test_writing_a_board_leaves_the_authors_etag_alone(client, alice):
    etag = client.get(f"/users/{alice.id}", auth=alice.auth).headers["ETag"]
    board = client.post("/boards", json={"title": "t"}, auth=alice.auth).json
    client.delete(f"/boards/{board['id']}", auth=alice.auth)
    assert client.get(f"/users/{alice.id}", auth=alice.auth).headers["ETag"] == etag


# --- deleting a user: what ON DELETE CASCADE does not correct ------------------------------

def test_deleting_a_user_takes_a_follower_from_everyone_they_followed(client, alice, bob, accounts, sql):
    carol = accounts.member("carol")
    for idol in (bob, carol):
        follow(client, alice, idol.id)
    follow(client, bob, carol.id)
    assert client.delete(f"/users/{alice.id}", auth=alice.auth).status_code == 204
    assert counts(sql, bob.id)["follower_count"] == 0
    assert counts(sql, carol.id)["follower_count"] == 1


def test_deleting_a_user_takes_a_followee_from_everyone_who_followed_them(client, alice, bob, accounts, sql):
    carol = accounts.member("carol")
    for fan in (bob, carol):
        follow(client, fan, alice.id)
    follow(client, bob, carol.id)
    assert client.delete(f"/users/{alice.id}", auth=alice.auth).status_code == 204
    assert counts(sql, bob.id)["following_count"] == 1
    assert counts(sql, carol.id)["following_count"] == 0


def test_deleting_one_of_two_who_follow_each_other_corrects_the_other_both_ways(client, alice, bob, sql):
    follow(client, alice, bob.id)
    follow(client, bob, alice.id)
    assert client.delete(f"/users/{alice.id}", auth=alice.auth).status_code == 204
    assert counts(sql, bob.id) == {"board_count": 0, "follower_count": 0, "following_count": 0}


def test_deleting_a_user_takes_their_comments_from_others_boards_counts(client, alice, bob, accounts, sql):
    carol = accounts.member("carol")
    bobs = client.post("/boards", json={"title": "bob's"}, auth=bob.auth).json["id"]
    carols = client.post("/boards", json={"title": "carol's"}, auth=carol.auth).json["id"]
    own = client.post("/boards", json={"title": "alice's"}, auth=alice.auth).json["id"]
    for board, author in [(bobs, alice), (bobs, alice), (bobs, carol), (carols, alice), (own, bob)]:
        assert client.post(f"/boards/{board}/comments", json={"content": "hi"}, auth=author.auth).status_code == 201
    assert client.delete(f"/users/{alice.id}", auth=alice.auth).status_code == 204
    assert client.get(f"/boards/{bobs}", auth=bob.auth).json["comments"] == 1
    assert client.get(f"/boards/{carols}", auth=bob.auth).json["comments"] == 0
    assert client.get(f"/boards/{own}", auth=bob.auth).status_code == 404


def test_deleting_a_user_leaves_others_etags_alone(client, alice, bob):
    board = client.post("/boards", json={"title": "bob's"}, auth=bob.auth).json["id"]
    client.post(f"/boards/{board}/comments", json={"content": "hi"}, auth=alice.auth)
    follow(client, alice, bob.id)
    follow(client, bob, alice.id)
    etags = [client.get(path, auth=bob.auth).headers["ETag"] for path in (f"/users/{bob.id}", f"/boards/{board}")]
    assert client.delete(f"/users/{alice.id}", auth=alice.auth).status_code == 204
    assert [client.get(path, auth=bob.auth).headers["ETag"]
            for path in (f"/users/{bob.id}", f"/boards/{board}")] == etags


def test_a_user_delete_refused_by_if_match_corrects_no_count(client, alice, bob, sql):
    follow(client, alice, bob.id)
    response = client.delete(f"/users/{alice.id}", auth=alice.auth, headers={"If-Match": '"stale"'})
    assert response.status_code == 412
    assert counts(sql, bob.id)["follower_count"] == 1


# --- concurrency --------------------------------------------------------------------------

def test_fifty_clients_following_and_unfollowing_one_user_keep_the_counts_exact(app, accounts, sql):
    star = accounts.member("star")
    fans = [accounts.member() for _ in range(CONCURRENT_CLIENTS)]
    barrier = threading.Barrier(CONCURRENT_CLIENTS)
    with serving(app) as base_url:
        def churn(fan):
            barrier.wait()
            statuses = []
            for round_number in range(4):
                statuses.append(requests.post(f"{base_url}/users/{star.id}/follow", auth=fan.auth, timeout=30)
                                .status_code)
                if round_number < 3 or fan.id % 2:
                    statuses.append(requests.delete(f"{base_url}/users/{star.id}/follow", auth=fan.auth,
                                                    timeout=30).status_code)
            # And the reverse direction at the same time: the star's row is locked both ways.
            statuses.append(requests.post(f"{base_url}/users/{fan.id}/follow", auth=star.auth, timeout=30)
                            .status_code)
            return statuses

        with ThreadPoolExecutor(CONCURRENT_CLIENTS) as pool:
            statuses = [status for result in pool.map(churn, fans) for status in result]
    assert set(statuses) <= {200, 201, 204}, sorted(set(statuses))
    followers = sql("SELECT COUNT(*) AS n FROM follows WHERE followee_id = %s", star.id)[0]["n"]
    assert followers == len([fan for fan in fans if fan.id % 2 == 0])
    assert counts(sql, star.id)["follower_count"] == followers
    assert counts(sql, star.id)["following_count"] == CONCURRENT_CLIENTS


# What each request may answer while the user it concerns is being deleted, and never a 5xx:
# once they are gone, following them is 404, and their own credentials fail (401; a comment
# already past the sign-in finds its author gone: 409, as for boards in test_races.py).
EXPECTED_DURING_DELETE = {"follow": {200, 201, 404}, "unfollow": {204, 404}, "comment": {201, 401, 409}}


def test_deleting_a_user_while_others_follow_and_unfollow_them_keeps_the_counts_exact(app, accounts, sql):
    """The counts that the deletion corrects stay right however the follows race it (and
    the app fixture's check recounts every counter afterwards)."""
    fans = [accounts.member() for _ in range(20)]
    for _ in range(3):
        star = accounts.member()
        with serving(app) as base_url:
            board = requests.post(f"{base_url}/boards", json={"title": "t"}, auth=fans[0].auth, timeout=30).json()
            for fan in fans[:10]:
                requests.post(f"{base_url}/users/{star.id}/follow", auth=fan.auth, timeout=30)
                requests.post(f"{base_url}/users/{fan.id}/follow", auth=star.auth, timeout=30)
            stop = threading.Event()

            def churn(fan):
                statuses = []
                while not stop.is_set():
                    statuses.append(("follow", requests.post(f"{base_url}/users/{star.id}/follow",
                                                             auth=fan.auth, timeout=30).status_code))
                    statuses.append(("unfollow", requests.delete(f"{base_url}/users/{star.id}/follow",
                                                                 auth=fan.auth, timeout=30).status_code))
                return statuses

            def comment():
                statuses = []
                while not stop.is_set():
                    statuses.append(("comment", requests.post(f"{base_url}/boards/{board['id']}/comments",
                                                              json={"content": "c"}, auth=star.auth,
                                                              timeout=30).status_code))
                return statuses

            with ThreadPoolExecutor(len(fans) + 1) as pool:
                futures = [pool.submit(churn, fan) for fan in fans] + [pool.submit(comment)]
                time.sleep(0.3)
                deleted = requests.delete(f"{base_url}/users/{star.id}", auth=star.auth, timeout=30)
                time.sleep(0.2)
                stop.set()
                statuses = {status for future in futures for status in future.result()}
        assert deleted.status_code == 204
        unexpected = {(kind, status) for kind, status in statuses if status not in EXPECTED_DURING_DELETE[kind]}
        assert unexpected == set()
        assert sql("SELECT COUNT(*) AS n FROM follows WHERE follower_id = %s OR followee_id = %s",
                   star.id, star.id) == [{"n": 0}]
