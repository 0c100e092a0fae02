"""The floor: oz's four benchmarked endpoints as bare Flask + MySQLdb, for comparison only.

No smorest, no marshmallow, no authentication: one persistent connection per thread, and
for each request the same SQL statements oz runs (the sign-in lookup of the benchmark's
user, BENCH_USER_EMAIL, then the work; for GET /boards/{id} the two joined in one statement),
from the same sql/ files, with the same JSON out.
Nothing is verified, hashed or validated. Whatever oz costs above this is its own overhead.

    granian --interface wsgi --workers 2 --factory bench.floor:create_app
"""

import base64
import os
import threading
from datetime import datetime, timezone

import MySQLdb
import MySQLdb.cursors
from flask import Flask, abort, request, url_for
from MySQLdb.constants import CLIENT

# The same loader and sql/ files as oz: only what surrounds the queries differs.
from core.db import load_sql

SESSION_SETUP = load_sql("service/session_setup")
BOARD_BY_ID_AND_CALLER = load_sql("boards/by_id_and_caller_by_email")
BOARDS_PAGE = load_sql("boards/page")
INSERT_BOARD = load_sql("boards/insert")
CREDENTIALS_BY_EMAIL = load_sql("users/credentials_by_email")

USER_FIELDS = ("id", "name", "email", "role", "created_at", "updated_at")


def timestamp(value):
    return value.isoformat() + "Z"


def etag(row):
    return '"' + row["updated_at"].isoformat() + 'Z"'


def board_json(row):
    return {**row, "created_at": timestamp(row["created_at"]), "updated_at": timestamp(row["updated_at"])}


def create_app():
    app = Flask(__name__)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    env = os.environ
    settings = dict(
        host=env.get("MYSQL_HOST", "127.0.0.1"), port=int(env.get("MYSQL_PORT", "3306")),
        user=env.get("MYSQL_USER", "root"), password=env.get("MYSQL_PASSWORD", ""),
        database=env.get("MYSQL_DB", "oz"), charset="utf8mb4", autocommit=True,
        init_command=SESSION_SETUP, client_flag=CLIENT.FOUND_ROWS,
        cursorclass=MySQLdb.cursors.DictCursor,
    )
    email = env.get("BENCH_USER_EMAIL", "user1@example.com")
    local = threading.local()

    def cursor():
        if getattr(local, "connection", None) is None:
            local.connection = MySQLdb.connect(**settings)
        return local.connection.cursor()

    def query(statement, **params):
        c = cursor()
        c.execute(statement, params)
        return c

    def sign_in_lookup():
        """The sign-in lookup oz runs behind login_required: the same SQL, nothing verified."""
        return query(CREDENTIALS_BY_EMAIL, email=email).fetchone()

    @app.get("/boards/<int:board_id>")
    def board(board_id):
        row = query(BOARD_BY_ID_AND_CALLER, email=email, id=board_id).fetchone()
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
        now = datetime.now(timezone.utc).replace(tzinfo=None)
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
