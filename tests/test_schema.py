"""schema.sql as people load it, and the indexes the list queries need."""

import pytest

from db import load_schema, load_sql


def test_loading_the_schema_twice_does_no_harm(app_config, sql, accounts):
    alice = accounts.member()
    load_schema(app_config)
    assert sql("SELECT id FROM users")[0]["id"] == alice.id


def test_the_database_and_tables_are_utf8mb4(app_config, sql):
    database = sql("SELECT DEFAULT_CHARACTER_SET_NAME AS charset FROM information_schema.SCHEMATA "
                   "WHERE SCHEMA_NAME = %s", app_config["MYSQL_DB"])
    assert database[0]["charset"] == "utf8mb4"
    columns = sql("SELECT CHARACTER_SET_NAME AS charset FROM information_schema.COLUMNS "
                  "WHERE TABLE_SCHEMA = %s AND DATA_TYPE IN ('varchar', 'mediumtext') "
                  "AND COLUMN_NAME <> 'password_hash'", app_config["MYSQL_DB"])
    assert {column["charset"] for column in columns} == {"utf8mb4"}


def test_the_schema_names_the_oz_database_for_people():
    text = open("schema.sql", encoding="utf-8").read()
    assert "CREATE DATABASE IF NOT EXISTS `oz`" in text
    assert "USE `oz`;" in text
    assert "DROP " not in text.upper()


def test_boards_follow_their_user_on_delete(app_config, sql):
    rule = sql("SELECT DELETE_RULE AS rule FROM information_schema.REFERENTIAL_CONSTRAINTS "
               "WHERE CONSTRAINT_SCHEMA = %s AND TABLE_NAME = 'boards'", app_config["MYSQL_DB"])
    assert rule == [{"rule": "CASCADE"}]


@pytest.fixture
def many_boards(app, sql, sql_connection):
    """Enough rows that the optimizer's plan is the one production gets."""
    sql("INSERT INTO users (name, email, password_hash) VALUES ('a', 'a@x.org', 'h'), ('b', 'b@x.org', 'h')")
    user_ids = [row["id"] for row in sql("SELECT id FROM users")]
    rows = [(user_ids[i % 2], f"t{i}", "c") for i in range(3000)]
    sql_connection.cursor().executemany("INSERT INTO boards (user_id, title, content) VALUES (%s, %s, %s)", rows)
    sql("ANALYZE TABLE users, boards")
    board_ids = [row["id"] for row in sql("SELECT id FROM boards ORDER BY id")]
    return {"user": user_ids[0], "board": board_ids[len(board_ids) // 2], "last_user": user_ids[-1]}


# Placeholders name rows of many_boards: a user, a board in the middle, the newest user.
PLANS = [
    ("boards/page", {"before_id": None, "limit": 21}),
    ("boards/page", {"before_id": "board", "limit": 21}),
    ("boards/page_by_author", {"user_id": "user", "before_id": None, "limit": 21}),
    ("boards/page_by_author", {"user_id": "user", "before_id": "board", "limit": 21}),
    ("boards/by_id", {"id": "board"}),
    ("users/page", {"before_id": None, "limit": 21}),
    ("users/page", {"before_id": "last_user", "limit": 21}),
]


@pytest.mark.parametrize("name, params", PLANS, ids=[f"{n}-{p.get('before_id')}" for n, p in PLANS])
def test_list_and_lookup_queries_use_an_index(sql_connection, many_boards, name, params):
    params = {key: many_boards.get(value, value) for key, value in params.items()}
    cursor = sql_connection.cursor()
    cursor.execute("EXPLAIN " + load_sql(name), params)
    plan = cursor.fetchall()
    for step in plan:
        assert step["type"] != "ALL", f"full scan of {step['table']}: {plan}"
        assert "filesort" not in (step["Extra"] or ""), f"filesort: {plan}"
        assert step["key"], f"no index on {step['table']}: {plan}"
