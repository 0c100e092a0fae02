"""The alternative: oz's four benchmarked endpoints as a user might write them with FastAPI.

asyncmy with a connection pool, pydantic models, no authentication, for comparison only.
Requests act as the benchmark's user (BENCH_USER_ID, BENCH_USER_NAME, BENCH_USER_EMAIL).
`app` runs one statement per request; `same_sql_app` runs the statements oz runs, the
sign-in lookup included, with nothing verified (the floor's SQL, under FastAPI).

    uvicorn --workers 2 bench.alternative:app
    uvicorn --workers 2 bench.alternative:same_sql_app
"""

import base64
import os
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from typing import Annotated

from asyncmy import create_pool
from asyncmy.cursors import DictCursor
from fastapi import FastAPI, HTTPException, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

# The same loader and sql/ files as oz: only what surrounds the queries differs.
from core.db import load_sql

SESSION_SETUP = load_sql("service/session_setup")
BOARD_BY_ID = load_sql("boards/by_id")
BOARD_BY_ID_AND_CALLER = load_sql("boards/by_id_and_caller_by_email")
BOARDS_PAGE = load_sql("boards/page")
INSERT_BOARD = load_sql("boards/insert")
CREDENTIALS_BY_EMAIL = load_sql("users/credentials_by_email")

ME = {"id": int(os.environ.get("BENCH_USER_ID", "1")), "name": os.environ.get("BENCH_USER_NAME", "user1"),
      "email": os.environ.get("BENCH_USER_EMAIL", "user1@example.com")}

UtcDateTime = Annotated[datetime, PlainSerializer(
    lambda value: value.isoformat() + "Z", return_type=str)]


class BoardIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: str = Field(min_length=1, max_length=200)
    content: str = Field(default="", max_length=20_000)


class BoardOut(BaseModel):
    id: int
    title: str
    content: str
    user_id: int
    author: str
    comments: int
    created_at: UtcDateTime
    updated_at: UtcDateTime


class UserOut(BaseModel):
    id: int
    name: str
    email: str
    role: str
    created_at: UtcDateTime
    updated_at: UtcDateTime


def etag(row):
    return '"' + row["updated_at"].isoformat() + 'Z"'


@asynccontextmanager
async def lifespan(app):
    env = os.environ
    app.state.pool = await create_pool(
        host=env.get("MYSQL_HOST", "127.0.0.1"), port=int(env.get("MYSQL_PORT", "3306")),
        user=env.get("MYSQL_USER", "root"), password=env.get("MYSQL_PASSWORD", ""),
        db=env.get("MYSQL_DB", "oz"), charset="utf8mb4", autocommit=True,
        init_command=SESSION_SETUP, minsize=1, maxsize=10,
    )
    yield
    app.state.pool.close()
    await app.state.pool.wait_closed()


async def run(request, statement, **params):
    async with request.app.state.pool.acquire() as connection:
        async with connection.cursor(DictCursor) as cursor:
            await cursor.execute(statement, params)
            return await cursor.fetchall()


def create_app(same_sql):
    """The endpoints; with same_sql, each runs the statements oz runs for it, its sign-in
    lookup included (GET /boards/{id} joined to it, the list and POST /boards after it), with
    nothing verified, as the floor does."""
    app = FastAPI(lifespan=lifespan)

    async def look_up_caller(request):
        if same_sql:
            await run(request, CREDENTIALS_BY_EMAIL, email=ME["email"])

    @app.get("/boards/{board_id}", response_model=BoardOut)
    async def board(board_id: int, request: Request, response: Response):
        if same_sql:
            rows = await run(request, BOARD_BY_ID_AND_CALLER, id=board_id, email=ME["email"])
        else:
            rows = await run(request, BOARD_BY_ID, id=board_id)
        if not rows or rows[0]["id"] is None:
            raise HTTPException(404, "No such board.")
        response.headers["ETag"] = etag(rows[0])
        return rows[0]

    @app.get("/boards", response_model=list[BoardOut])
    async def boards(request: Request, response: Response,
                     limit: int = Query(20, ge=1, le=100), cursor: str | None = None):
        before_id = None
        if cursor is not None:
            before_id = int(base64.urlsafe_b64decode(cursor).decode().removeprefix("before:"))
        await look_up_caller(request)
        rows = await run(request, BOARDS_PAGE, before_id=before_id, limit=limit + 1)
        if len(rows) > limit:
            rows = rows[:limit]
            next_cursor = base64.urlsafe_b64encode(f"before:{rows[-1]['id']}".encode()).decode()
            next_url = request.url.include_query_params(limit=limit, cursor=next_cursor)
            response.headers["Link"] = f'<{next_url}>; rel="next"'
        return rows

    @app.post("/boards", response_model=BoardOut, status_code=201)
    async def write_board(new_board: BoardIn, request: Request, response: Response):
        await look_up_caller(request)
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        async with request.app.state.pool.acquire() as connection:
            async with connection.cursor() as cursor:
                await cursor.execute(INSERT_BOARD, {"user_id": ME["id"], "title": new_board.title,
                                                    "content": new_board.content, "now": now})
                board_id = cursor.lastrowid
        response.headers["Location"] = f"/boards/{board_id}"
        return {"id": board_id, **new_board.model_dump(), "user_id": ME["id"], "author": ME["name"],
                "comments": 0, "created_at": now, "updated_at": now}

    @app.get("/users/me", response_model=UserOut)
    async def users_me(request: Request, response: Response):
        # The sign-in lookup is the whole answer, with or without same_sql.
        rows = await run(request, CREDENTIALS_BY_EMAIL, email=ME["email"])
        response.headers["ETag"] = etag(rows[0])
        return rows[0]

    return app


app = create_app(same_sql=False)
same_sql_app = create_app(same_sql=True)
