"""schema.sql as people load it, and the indexes the list queries need."""

import pytest

from core.db import load_schema, load_sql


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
    sql(load_sql("counters/recount_users"))  # the rows went in without their counts
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


def assert_served_by_indexes(sql_connection, name, params):
    """EXPLAIN the statement: every step reads an index, none scans a table or sorts."""
    cursor = sql_connection.cursor()
    cursor.execute("EXPLAIN " + load_sql(name), params)
    plan = cursor.fetchall()
    for step in plan:
        assert step["type"] != "ALL", f"full scan of {step['table']}: {plan}"
        assert "filesort" not in (step["Extra"] or ""), f"filesort: {plan}"
        assert step["key"], f"no index on {step['table']}: {plan}"


@pytest.mark.parametrize("name, params", PLANS, ids=[f"{n}-{p.get('before_id')}" for n, p in PLANS])
def test_list_and_lookup_queries_use_an_index(sql_connection, many_boards, name, params):
    params = {key: many_boards.get(value, value) for key, value in params.items()}
    assert_served_by_indexes(sql_connection, name, params)


@pytest.fixture
def many_comments(many_boards, sql, sql_connection):
    """Comments on every board, and many on the middle one, for the comment statements' plans."""
    board_ids = [row["id"] for row in sql("SELECT id FROM boards ORDER BY id")]
    rows = [(many_boards["board"] if i % 2 else board_ids[i % len(board_ids)], many_boards["user"], f"c{i}")
            for i in range(3000)]
    sql_connection.cursor().executemany("INSERT INTO comments (board_id, user_id, content) VALUES (%s, %s, %s)", rows)
    sql("ANALYZE TABLE comments")
    sql(load_sql("counters/recount_boards"))  # the rows went in without their counts
    comment_ids = [row["id"] for row in sql("SELECT id FROM comments WHERE board_id = %s ORDER BY id",
                                            many_boards["board"])]
    return {**many_boards, "comment": comment_ids[len(comment_ids) // 2]}


# Every statement of comment_routes.py and of the seed's recount but the INSERT (which reads
# nothing), with placeholders naming rows of many_comments.
COMMENT_PLANS = [
    ("comments/page_by_board", {"board_id": "board", "after_id": None, "limit": 21}),
    ("comments/page_by_board", {"board_id": "board", "after_id": "comment", "limit": 21}),
    ("comments/by_id", {"id": "comment"}),
    ("comments/update", {"id": "comment", "content": "c", "now": "2026-12-03 10:00:00",
                         "expected_updated_at": "2026-12-03 09:00:00"}),
    ("comments/delete", {"id": "comment", "expected_updated_at": None}),
    ("boards/add_comment_count", {"id": "board"}),
    ("boards/subtract_comment_count", {"id": "board"}),
    ("seed/recount_comment_counts", {"from_id": "board"}),
]


@pytest.mark.parametrize("name, params", COMMENT_PLANS,
                         ids=[f"{n}-{p.get('after_id')}" for n, p in COMMENT_PLANS])
def test_comment_statements_use_an_index(sql_connection, many_comments, name, params):
    params = {key: many_comments.get(value, value) for key, value in params.items()}
    assert_served_by_indexes(sql_connection, name, params)


@pytest.fixture
def many_follows(many_comments, sql, sql_connection):
    """Two hundred more users; the first user of many_boards follows many, the second few."""
    people = [(f"p{n}", f"p{n}@x.org", "h") for n in range(200)]
    sql_connection.cursor().executemany("INSERT INTO users (name, email, password_hash) VALUES (%s, %s, %s)", people)
    ids = [row["id"] for row in sql("SELECT id FROM users WHERE name LIKE 'p%%' ORDER BY id")]
    many, few = many_comments["user"], many_comments["last_user"]
    rows = ([(many, few)] + [(many, person) for person in ids[:150]] + [(person, many) for person in ids]
            + [(few, many)] + [(few, person) for person in ids[:2]])
    sql_connection.cursor().executemany("INSERT INTO follows (follower_id, followee_id) VALUES (%s, %s)", rows)
    sql("ANALYZE TABLE users, follows")
    sql(load_sql("counters/recount_users"))
    follow_ids = [row["id"] for row in sql("SELECT id FROM follows ORDER BY id")]
    return {**many_comments, "many": many, "few": few, "follow": follow_ids[len(follow_ids) // 2],
            "name": "P17"}


def explain(sql_connection, name, params):
    cursor = sql_connection.cursor()
    cursor.execute("EXPLAIN " + load_sql(name), params)
    return cursor.fetchall()


# The statements of follow_routes.py, of the board count and of deleting a user, with
# placeholders naming rows of many_follows ("many" follows 151 people, "few" 3).
FOLLOW_PLANS = [
    ("follows/lock_users", {"follower_id": "many", "followee_id": "few"}),
    ("follows/delete", {"follower_id": "many", "followee_id": "few"}),
    ("follows/followers_page", {"user_id": "many", "before_id": None, "limit": 21}),
    ("follows/followers_page", {"user_id": "many", "before_id": "follow", "limit": 21}),
    ("follows/following_page", {"user_id": "many", "before_id": None, "limit": 21}),
    ("follows/following_page", {"user_id": "many", "before_id": "follow", "limit": 21}),
    ("users/add_follow_counts", {"follower_id": "many", "followee_id": "few"}),
    ("users/subtract_follow_counts", {"follower_id": "many", "followee_id": "few"}),
    ("profiles/by_name", {"name": "name", "me": "many"}),
    ("feed/page_by_boards", {"me": "many", "before_id": None, "limit": 21}),
    ("feed/page_by_boards", {"me": "many", "before_id": "board", "limit": 21}),
    ("users/lock_commented_boards_for_delete", {"id": "user"}),
    ("users/lock_for_delete", {"id": "many"}),
    ("users/lock_comments_for_delete", {"id": "user"}),
    ("users/uncount_followees_of_deleted", {"id": "many"}),
    ("users/uncount_followers_of_deleted", {"id": "many"}),
    ("users/uncount_comments_of_deleted", {"id": "user"}),
]


@pytest.mark.parametrize("name, params", FOLLOW_PLANS,
                         ids=[f"{n}-{p.get('before_id')}" for n, p in FOLLOW_PLANS])
def test_follow_profile_feed_and_counter_statements_use_an_index(sql_connection, many_follows, name, params):
    """Every step reads an index; a derived table (a GROUP BY's result) is read whole, not sorted."""
    params = {key: many_follows.get(value, value) for key, value in params.items()}
    plan = explain(sql_connection, name, params)
    for step in plan:
        assert "filesort" not in (step["Extra"] or ""), f"filesort: {plan}"
        if not step["table"].startswith("<derived"):
            assert step["type"] != "ALL", f"full scan of {step['table']}: {plan}"
            assert step["key"], f"no index on {step['table']}: {plan}"


@pytest.mark.parametrize("before", [None, "board"])
def test_the_follows_driven_feed_sorts_only_the_followees_board_ids_then_the_page(
        sql_connection, many_follows, before):
    """feed/page_by_follows.sql sorts twice, as its comment says, and reads nothing without an index:
    the followees' board ids, read from the (user_id, id) index alone, and the LIMIT rows of the page."""
    params = {"me": many_follows["few"], "before_id": many_follows.get(before), "limit": 21}
    plan = explain(sql_connection, "feed/page_by_follows", params)
    steps = {step["table"]: step for step in plan}
    page = next(step for step in plan if step["table"].startswith("<derived"))
    assert page["type"] == "ALL" and int(page["rows"]) <= 21 and "filesort" in page["Extra"], plan
    assert steps["f"]["key"] in ("uq_follows_follower_id_followee_id", "ix_follows_follower_id_id"), plan
    assert "filesort" in steps["f"]["Extra"], plan
    assert steps["p"]["key"] == "ix_boards_user_id_id" and "Using index" in steps["p"]["Extra"], plan
    assert (steps["b"]["type"], steps["b"]["key"]) == ("eq_ref", "PRIMARY"), plan
    assert (steps["u"]["type"], steps["u"]["key"]) == ("eq_ref", "PRIMARY"), plan
    assert [step["table"] for step in plan if "filesort" in (step["Extra"] or "")] == [page["table"], "f"], plan
