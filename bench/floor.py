"""The floor: oz's four benchmarked endpoints as bare Flask + MySQLdb, for comparison only.

No smorest, no marshmallow, no authentication: one persistent connection per thread, and
for each request the same SQL statements oz runs (the sign-in lookup of the benchmark's
user, then the work; for GET /boards/{id} the two joined in one statement), from the same
sql/ files, with the same JSON out. A request that names the Bearer scheme signs in as oz's
token sign-in does: through the tokens table, by a token the floor made for that user when it
started (the token it is sent is not looked at, as the password is not); any other request
signs in as Basic does, by the user's email (BENCH_USER_EMAIL).
Nothing is verified, hashed or validated. Whatever oz costs above this is its own overhead.

    granian --interface wsgi --workers 2 --factory bench.floor:create_app
"""

import base64
import os
import secrets
import threading
from datetime import timedelta

import MySQLdb
import MySQLdb.cursors
from flask import Flask, abort, request, url_for
from MySQLdb.constants import CLIENT

# The same loader, clock and sql/ files as oz: only what surrounds the queries differs.
from core.db import load_sql, utc_now

SESSION_SETUP = load_sql("service/session_setup")
BOARDS_PAGE = load_sql("boards/page")
INSERT_BOARD = load_sql("boards/insert")
INSERT_TOKEN = load_sql("tokens/insert")
CREDENTIALS_BY_EMAIL = load_sql("users/credentials_by_email")
BOARD_BY_ID_AND_CALLER_BY_EMAIL = load_sql("boards/by_id_and_caller_by_email")
USER_BY_TOKEN = load_sql("tokens/user_by_token")
BOARD_BY_ID_AND_CALLER_BY_TOKEN = load_sql("boards/by_id_and_caller_by_token")

USER_FIELDS = ("id", "name", "email", "role", "created_at", "updated_at")


def timestamp(value):
    return value.isoformat() + "Z"


def etag(row):
    return '"' + row["updated_at"].isoformat() + 'Z"'


def board_json(row):
    return {**row, "created_at": timestamp(row["created_at"]), "updated_at": timestamp(row["updated_at"])}


def create_app():
    """The floor as its server runs it: each request to the app that signs in by its scheme.

    The choice is made once per request on the WSGI environ, not through Flask's request
    proxy: with the caller's parameters it costs a Basic request about 5k instructions, under
    1% (bench/README.md).
    """
    env = os.environ
    settings = dict(
        host=env.get("MYSQL_HOST", "127.0.0.1"), port=int(env.get("MYSQL_PORT", "3306")),
        user=env.get("MYSQL_USER", "root"), password=env.get("MYSQL_PASSWORD", ""),
        database=env.get("MYSQL_DB", "oz"), charset="utf8mb4", autocommit=True,
        init_command=SESSION_SETUP, client_flag=CLIENT.FOUND_ROWS,
        cursorclass=MySQLdb.cursors.DictCursor,
    )
    email = env.get("BENCH_USER_EMAIL", "user1@example.com")
    token_hash = make_token(settings, email)
    local = threading.local()

    def query(statement, **params):
        if getattr(local, "connection", None) is None:
            local.connection = MySQLdb.connect(**settings)
        cursor = local.connection.cursor()
        cursor.execute(statement, params)
        return cursor

    by_email = floor_app(query, CREDENTIALS_BY_EMAIL, BOARD_BY_ID_AND_CALLER_BY_EMAIL, lambda: {"email": email})
    by_token = floor_app(query, USER_BY_TOKEN, BOARD_BY_ID_AND_CALLER_BY_TOKEN,
                         lambda: {"token_hash": token_hash, "now": utc_now()})

    def floor(environ, start_response):
        if environ.get("HTTP_AUTHORIZATION", "").startswith("Bearer "):
            return by_token(environ, start_response)
        return by_email(environ, start_response)

    return floor


def make_token(settings, email):
    """A live token for the user, made as POST /tokens makes one: the hex digest of its row."""
    token_hash = secrets.token_hex(32)
    now = utc_now()
    connection = MySQLdb.connect(**settings)
    try:
        cursor = connection.cursor()
        cursor.execute(CREDENTIALS_BY_EMAIL, {"email": email})
        user = cursor.fetchone()
        cursor.execute(INSERT_TOKEN, {"user_id": user["id"], "token_hash": token_hash, "now": now,
                                      "expires_at": now + timedelta(days=30)})
    finally:
        connection.close()
    return token_hash


def floor_app(query, sign_in_statement, board_statement, caller_key):
    """The floor's Flask app, signing its caller in with `sign_in_statement` (or, for a board,
    `board_statement`) and the parameters `caller_key()` gives."""
    app = Flask(__name__)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    def sign_in_lookup():
        """The sign-in lookup oz runs behind login_required: the same SQL, nothing verified."""
        return query(sign_in_statement, **caller_key()).fetchone()

    @app.get("/boards/<int:board_id>")
    def board(board_id):
        row = query(board_statement, **caller_key(), id=board_id).fetchone()
        row = {column: value for column, value in row.items() if not column.startswith("caller_")}
        if row["id"] is None:
            abort(404)
        return board_json(row), {"ETag": etag(row)}

    @app.get("/boards")
    def boards():
        sign_in_lookup()
        limit = request.args.get("limit", 20, type=int)
        if not 1 <= limit <= 100:
            abort(422)
        before_id = None
        if "cursor" in request.args:
            before_id = int(base64.urlsafe_b64decode(request.args["cursor"]).decode().removeprefix("before:"))
        rows = query(BOARDS_PAGE, before_id=before_id, limit=limit + 1).fetchall()
        headers = {}
        if len(rows) > limit:
            rows = rows[:limit]
            cursor_text = base64.urlsafe_b64encode(f"before:{rows[-1]['id']}".encode()).decode()
            next_url = url_for("boards", **{**request.args.to_dict(), "limit": limit, "cursor": cursor_text},
                               _external=True)
            headers["Link"] = f'<{next_url}>; rel="next"'
        return [board_json(row) for row in rows], headers

    @app.post("/boards")
    def write_board():
        me = sign_in_lookup()
        body = request.get_json()
        title, content = body["title"].strip(), body.get("content", "").strip()
        now = utc_now()
        board_id = query(INSERT_BOARD, user_id=me["id"], title=title, content=content, now=now).lastrowid
        row = {"id": board_id, "title": title, "content": content, "user_id": me["id"],
               "author": me["name"], "comments": 0, "created_at": now, "updated_at": now}
        return board_json(row), 201, {"Location": url_for("board", board_id=board_id)}

    @app.get("/users/me")
    def users_me():
        me = sign_in_lookup()
        user = {field: me[field] for field in USER_FIELDS}
        return {**user, "created_at": timestamp(user["created_at"]),
                "updated_at": timestamp(user["updated_at"])}, {"ETag": etag(user)}

    return app
