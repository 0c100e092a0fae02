"""Every write that runs in a transaction, each with what it needs first and a check of its outcome.

The fault tests (tests/test_dropped_connections.py on one server, tests/test_cluster.py on
Galera) send these writes while connections are cut, then ask each one whether it is in the
database wholly or not at all: its `outcome` says WRITTEN, ABSENT, or what is wrong. Whether the
kept counts still equal their COUNT(*) is checked by the counters queries (sql/counters/).

A client here is Flask's test client or an AppClient (HTTP to an app process); `sql` runs a
statement on the test database and returns its rows as dicts.
"""

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

import requests

from core.db import load_sql

USERS_MISCOUNTED = load_sql("counters/users_miscounted")
BOARDS_MISCOUNTED = load_sql("counters/boards_miscounted")
# What an aged token expires at in these tests: long past.
LONG_AGO = datetime(2000, 1, 1)


def miscounted(sql):
    """Every user and board whose kept counts differ from a COUNT(*) of what they count."""
    return sql(USERS_MISCOUNTED) + sql(BOARDS_MISCOUNTED)


class AppClient:
    """HTTP to an app process, called as Flask's test client is (a path, not a URL); every request has a timeout."""

    def __init__(self, url, timeout):
        self.url = url
        self.timeout = timeout
        self.session = requests.Session()

    def request(self, method, path, **options):
        return self.session.request(method, self.url + path, timeout=self.timeout, **options)

    def post(self, path, **options):
        return self.request("POST", path, **options)

    def patch(self, path, **options):
        return self.request("PATCH", path, **options)

    def delete(self, path, **options):
        return self.request("DELETE", path, **options)


class NotPrepared(Exception):
    """A request that a write needs first did not succeed (a fault test's load runs on)."""


def succeeded(response):
    """The response of a request that prepares a write; NotPrepared unless it succeeded."""
    if response.status_code not in (200, 201):
        raise NotPrepared(f"{response.status_code}: {response.text}")
    return response


def body(response):
    """A response's JSON body, from either kind of client."""
    return json.loads(response.text)


@dataclass
class Person:
    id: int
    auth: tuple


def sign_up(client):
    name = f"tx-{secrets.token_hex(6)}"
    email, password = f"{name}@example.com", "correct horse"
    response = succeeded(client.post("/users", json={"name": name, "email": email, "password": password}))
    return Person(body(response)["id"], (email, password))


def created(client, path, who, **fields):
    """POST a board or comment that the test needs; return its id."""
    return body(succeeded(client.post(path, json=fields, auth=who.auth)))["id"]


def count(sql, statement, *params):
    return sql(f"SELECT COUNT(*) AS n FROM {statement}", *params)[0]["n"]


WRITTEN, ABSENT = "written", "absent"


def whole_or_absent(written, absent):
    """WRITTEN when the whole write is there, ABSENT when none of it is, else what is wrong."""
    return WRITTEN if written else ABSENT if absent else "only part of it is in the database"


# --- the writes -------------------------------------------------------------------------------

def prepare_comment(client, sql):
    author = sign_up(client)
    return {"author": author, "board_id": created(client, "/boards", author, title="t", content="c"),
            "content": f"comment {secrets.token_hex(6)}"}


def send_comment(client, state):
    return client.post(f"/boards/{state['board_id']}/comments", json={"content": state["content"]},
                       auth=state["author"].auth)


def comment_outcome(sql, state, response):
    ids = [row["id"] for row in sql("SELECT id FROM comments WHERE content = %s", state["content"])]
    if len(ids) > 1:
        return "written twice: its transaction ran again after a COMMIT"
    if response.status_code == 201 and ids != [body(response)["id"]]:
        return f"answered comment {body(response)['id']}, stored {ids}"
    return WRITTEN if ids else ABSENT


def prepare_uncomment(client, sql):
    author = sign_up(client)
    board_id = created(client, "/boards", author, title="t", content="c")
    return {"author": author, "comment_id": created(client, f"/boards/{board_id}/comments", author, content="c")}


def send_uncomment(client, state):
    return client.delete(f"/comments/{state['comment_id']}", auth=state["author"].auth)


def uncomment_outcome(sql, state, response):
    return ABSENT if count(sql, "comments WHERE id = %s", state["comment_id"]) else WRITTEN


def prepare_follow(client, sql):
    return {"follower": sign_up(client), "followee": sign_up(client)}


def send_follow(client, state):
    return client.post(f"/users/{state['followee'].id}/follow", auth=state["follower"].auth)


def following(sql, state):
    return count(sql, "follows WHERE follower_id = %s AND followee_id = %s",
                 state["follower"].id, state["followee"].id) == 1


def follow_outcome(sql, state, response):
    return WRITTEN if following(sql, state) else ABSENT


def unfollow_outcome(sql, state, response):
    return ABSENT if following(sql, state) else WRITTEN


def prepare_unfollow(client, sql):
    state = prepare_follow(client, sql)
    succeeded(send_follow(client, state))
    return state


def send_unfollow(client, state):
    return client.delete(f"/users/{state['followee'].id}/follow", auth=state["follower"].auth)


def prepare_token(client, sql):
    """A member with one token, aged so that minting the next one deletes it (the prune)."""
    member = sign_up(client)
    succeeded(client.post("/tokens", auth=member.auth))
    sql("UPDATE tokens SET expires_at = %s WHERE user_id = %s", LONG_AGO, member.id)
    return {"member": member}


def send_token(client, state):
    return client.post("/tokens", auth=state["member"].auth)


def token_outcome(sql, state, response):
    tokens = sql("SELECT id, expires_at FROM tokens WHERE user_id = %s", state["member"].id)
    new = [token["id"] for token in tokens if token["expires_at"] != LONG_AGO]
    if response.status_code == 201 and new != [body(response)["id"]]:
        return f"answered token {body(response)['id']}, stored {new}"
    return whole_or_absent(written=len(new) == 1 and len(tokens) == 1, absent=not new and len(tokens) == 1)


def prepare_password_change(client, sql):
    """A member with a token: a new password signs every token out, in the same transaction."""
    member = sign_up(client)
    succeeded(client.post("/tokens", auth=member.auth))
    old_hash = sql("SELECT password_hash FROM users WHERE id = %s", member.id)[0]["password_hash"]
    return {"member": member, "old_hash": old_hash}


def send_password_change(client, state):
    return client.patch(f"/users/{state['member'].id}", json={"password": "another horse"},
                        auth=state["member"].auth)


def password_change_outcome(sql, state, response):
    member_id = state["member"].id
    changed = sql("SELECT password_hash FROM users WHERE id = %s", member_id)[0]["password_hash"] != state["old_hash"]
    tokens = count(sql, "tokens WHERE user_id = %s", member_id)
    return whole_or_absent(written=changed and tokens == 0, absent=not changed and tokens == 1)


def prepare_account_deletion(client, sql):
    """A member with a board, a comment on another's board, and follows both ways.

    Deleting the account un-counts what the cascade takes from other people's counts.
    """
    member, other = sign_up(client), sign_up(client)
    own_board = created(client, "/boards", member, title="t", content="c")
    created(client, f"/boards/{own_board}/comments", other, content="on the member's board")
    other_board = created(client, "/boards", other, title="t", content="c")
    created(client, f"/boards/{other_board}/comments", member, content="by the member")
    for who, whom in ((member, other), (other, member)):
        succeeded(client.post(f"/users/{whom.id}/follow", auth=who.auth))
    return {"member": member}


def send_account_deletion(client, state):
    return client.delete(f"/users/{state['member'].id}", auth=state["member"].auth)


def account_deletion_outcome(sql, state, response):
    member_id = state["member"].id
    left = (count(sql, "users WHERE id = %s", member_id), count(sql, "boards WHERE user_id = %s", member_id),
            count(sql, "comments WHERE user_id = %s", member_id),
            count(sql, "follows WHERE %s IN (follower_id, followee_id)", member_id))
    return whole_or_absent(written=left == (0, 0, 0, 0), absent=left == (1, 1, 1, 2))


@dataclass
class WritePath:
    name: str
    success: int
    prepare: Callable  # (client, sql) -> state: what the write needs, made beforehand
    send: Callable  # (client, state) -> response
    outcome: Callable  # (sql, state, response) -> WRITTEN, ABSENT, or what is wrong


WRITE_PATHS = [
    WritePath("comment", 201, prepare_comment, send_comment, comment_outcome),
    WritePath("uncomment", 204, prepare_uncomment, send_uncomment, uncomment_outcome),
    WritePath("follow", 201, prepare_follow, send_follow, follow_outcome),
    WritePath("unfollow", 204, prepare_unfollow, send_unfollow, unfollow_outcome),
    WritePath("token", 201, prepare_token, send_token, token_outcome),
    WritePath("password", 200, prepare_password_change, send_password_change, password_change_outcome),
    WritePath("delete-account", 204, prepare_account_deletion, send_account_deletion, account_deletion_outcome),
]
