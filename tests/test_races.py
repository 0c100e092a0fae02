"""Races: concurrent requests over a real HTTP server end as if they came one at a time."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from helpers import all_at_once
from live_server import serving

CONCURRENT_SIGN_UPS = 50


@pytest.fixture
def base_url(app):
    with serving(app) as url:
        yield url


def test_concurrent_identical_sign_ups_create_one_account(base_url, sql):
    body = {"name": "twin", "email": "twin@example.com", "password": "correct horse"}
    responses = all_at_once([lambda: requests.post(f"{base_url}/users", json=body, timeout=30)]
                            * CONCURRENT_SIGN_UPS)
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * (CONCURRENT_SIGN_UPS - 1)
    assert sql("SELECT COUNT(*) AS n FROM users WHERE email = 'twin@example.com'") == [{"n": 1}]


@pytest.mark.parametrize("path, change", [
    ("/boards/{board}", lambda n: {"title": f"edit {n}"}),
    ("/users/{user}", lambda n: {"name": f"renamed{n}"}),
])
def test_two_patches_with_the_same_if_match_one_wins_one_gets_412(base_url, accounts, path, change):
    alice = accounts.member()
    for round_number in range(10):
        board = requests.post(f"{base_url}/boards", json={"title": "t", "content": "c"},
                              auth=alice.auth, timeout=30).json()
        url = base_url + path.format(board=board["id"], user=alice.id)
        etag = requests.get(url, auth=alice.auth, timeout=30).headers["ETag"]
        responses = all_at_once([
            lambda n=n: requests.patch(url, json=change(f"{round_number}x{n}"), auth=alice.auth,
                                       headers={"If-Match": etag}, timeout=30)
            for n in range(2)])
        assert sorted(response.status_code for response in responses) == [200, 412]
        winner = next(response for response in responses if response.status_code == 200).json()
        current = requests.get(url, auth=alice.auth, timeout=30).json()
        assert {key: current[key] for key in change(0)} == {key: winner[key] for key in change(0)}


# What each request may answer while its author is being deleted, and never a 5xx. Once
# the author is gone their credentials fail (401), and after ten failures they are
# throttled (429).
EXPECTED_DURING_DELETE = {
    "list the author's boards": {200, 404},
    "list boards filtered by author": {200},
    "read a board": {200, 404},
    "write a board": {201, 401, 409, 429},
    "change a board": {200, 401, 404, 429},
}


def test_deleting_a_user_while_their_boards_are_read_and_written_never_fails(base_url, accounts, sql):
    admin = accounts.admin()
    for _ in range(5):
        author = accounts.member()
        boards = [requests.post(f"{base_url}/boards", json={"title": f"b{n}", "content": "c"},
                                auth=author.auth, timeout=30).json()["id"] for n in range(5)]
        calls = {
            "list the author's boards": lambda: requests.get(
                f"{base_url}/users/{author.id}/boards", auth=admin.auth, timeout=30),
            "list boards filtered by author": lambda: requests.get(
                f"{base_url}/boards", params={"user_id": author.id}, auth=admin.auth, timeout=30),
            "read a board": lambda: requests.get(f"{base_url}/boards/{boards[0]}", auth=admin.auth, timeout=30),
            "write a board": lambda: requests.post(
                f"{base_url}/boards", json={"title": "late", "content": "c"}, auth=author.auth, timeout=30),
            "change a board": lambda: requests.patch(
                f"{base_url}/boards/{boards[1]}", json={"title": "edited"}, auth=author.auth, timeout=30),
        }
        seen = []
        stop = threading.Event()

        def keep_calling(kind):
            while not stop.is_set():
                seen.append((kind, calls[kind]().status_code))

        with ThreadPoolExecutor(len(calls)) as pool:
            for kind in calls:
                pool.submit(keep_calling, kind)
            time.sleep(0.2)
            deleted = requests.delete(f"{base_url}/users/{author.id}", auth=author.auth, timeout=30)
            time.sleep(0.2)
            stop.set()
        assert deleted.status_code == 204
        unexpected = [(kind, status) for kind, status in seen if status not in EXPECTED_DURING_DELETE[kind]]
        assert unexpected == []
        assert {kind for kind, _ in seen} == set(calls)
        assert sql("SELECT COUNT(*) AS n FROM boards WHERE user_id = %s", author.id) == [{"n": 0}]
