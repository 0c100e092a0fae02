"""Schema migrations: schema.sql equals them, upgrades keep every row, and the runner is safe."""

import json
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core import migrations
from app import create_app
from conftest import connect
from core.db import load_schema, load_sql

FIXTURES = Path(__file__).parent / "fixtures"
# schema.sql as it was before migrations existed: the databases already out there.
SCHEMA_BEFORE_MIGRATIONS = FIXTURES / "schema_before_migrations.sql"
LATEST_VERSION = len(migrations.read_migrations())


@pytest.fixture
def new_database(app_config):
    """Makes settings for scratch databases on the test server; drops them afterwards."""
    made = []

    def make(create=True):
        config = {**app_config, "MYSQL_DB": f"{app_config['MYSQL_DB']}_m{secrets.token_hex(3)}"}
        if create:
            with connect(config, database=None) as connection:
                connection.cursor().execute(
                    f"CREATE DATABASE `{config['MYSQL_DB']}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci")
        made.append(config)
        return config

    yield make
    for config in made:
        with connect(config, database=None) as connection:
            connection.cursor().execute(f"DROP DATABASE IF EXISTS `{config['MYSQL_DB']}`")


def query(config, statement, *params):
    with connect(config) as connection:
        cursor = connection.cursor()
        cursor.execute(statement, params or None)
        return list(cursor.fetchall())


def schema_snapshot(config):
    """What information_schema says of a database's tables, without names of its own."""
    database = config["MYSQL_DB"]
    parts = {
        "tables": "SELECT TABLE_NAME, ENGINE, TABLE_COLLATION, CREATE_OPTIONS, TABLE_COMMENT "
                  "FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME",
        "columns": "SELECT TABLE_NAME, ORDINAL_POSITION, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, "
                   "COLUMN_DEFAULT, CHARACTER_SET_NAME, COLLATION_NAME, EXTRA "
                   "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME, ORDINAL_POSITION",
        "indexes": "SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE, COLLATION, SUB_PART "
                   "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = %s "
                   "ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
        "foreign_keys": "SELECT r.TABLE_NAME, r.CONSTRAINT_NAME, r.REFERENCED_TABLE_NAME, r.UPDATE_RULE, "
                        "r.DELETE_RULE, k.COLUMN_NAME, k.REFERENCED_COLUMN_NAME "
                        "FROM information_schema.REFERENTIAL_CONSTRAINTS AS r "
                        "JOIN information_schema.KEY_COLUMN_USAGE AS k "
                        "ON k.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = r.CONSTRAINT_NAME "
                        "AND k.TABLE_NAME = r.TABLE_NAME "
                        "WHERE r.CONSTRAINT_SCHEMA = %s ORDER BY r.TABLE_NAME, r.CONSTRAINT_NAME",
        "checks": "SELECT TABLE_NAME, CONSTRAINT_NAME, CONSTRAINT_TYPE FROM information_schema.TABLE_CONSTRAINTS "
                  "WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME, CONSTRAINT_NAME",
        "triggers": "SELECT TRIGGER_NAME, EVENT_MANIPULATION, EVENT_OBJECT_TABLE, ACTION_TIMING, "
                    "ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = %s "
                    "ORDER BY TRIGGER_NAME",
        "database": "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME "
                    "FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = %s",
    }
    snapshot = {name: query(config, statement, database) for name, statement in parts.items()}
    snapshot["migrations"] = query(config, "SELECT version, name, checksum FROM schema_migrations ORDER BY version")
    return snapshot


def upgrade(config, **kwargs):
    return migrations.upgrade(config, echo=lambda line: None, **kwargs)


def test_schema_sql_equals_every_migration_applied_in_order(new_database):
    from_schema = new_database(create=False)
    load_schema(from_schema)
    from_migrations = new_database()
    applied = upgrade(from_migrations)
    assert [m.version for m in applied] == list(range(1, LATEST_VERSION + 1))
    assert schema_snapshot(from_schema) == schema_snapshot(from_migrations)


def test_upgrade_on_a_database_made_from_schema_sql_does_nothing(new_database):
    config = new_database(create=False)
    load_schema(config)
    assert upgrade(config) == []
    assert len(query(config, "SELECT version FROM schema_migrations")) == LATEST_VERSION


def test_loading_schema_sql_again_does_no_harm(new_database):
    config = new_database(create=False)
    load_schema(config)
    before = schema_snapshot(config)
    load_schema(config)
    assert schema_snapshot(config) == before


def seed_old_database(config, users=40, boards=300):
    """Fill a database with `flask seed`'s own statements (the seed command itself is today's)."""
    with connect(config) as connection:
        cursor = connection.cursor()
        cursor.executemany(load_sql("seed/insert_users"), [
            {"name": f"old{n}", "email": f"old{n}@example.com", "password_hash": "h",
             "now": "2026-11-01 10:00:00.123456"} for n in range(users)])
        cursor.execute("SELECT id FROM users ORDER BY id")
        user_ids = [row["id"] for row in cursor.fetchall()]
        cursor.executemany(load_sql("seed/insert_boards"), [
            {"user_id": user_ids[n % min(7, users)], "title": f"Board {n} 🦊", "content": f"{n}: old content",
             "now": "2026-11-02 10:00:00.654321"} for n in range(boards)])


def test_upgrading_a_database_made_by_the_old_schema_sql_keeps_every_row(new_database):
    config = new_database(create=False)
    load_schema(config, SCHEMA_BEFORE_MIGRATIONS)
    seed_old_database(config)
    users_before = query(config, "SELECT * FROM users ORDER BY id")
    boards_before = query(config, "SELECT * FROM boards ORDER BY id")

    applied = upgrade(config)

    assert [m.version for m in applied] == list(range(1, LATEST_VERSION + 1))
    users_after = query(config, "SELECT * FROM users ORDER BY id")
    boards_after = query(config, "SELECT * FROM boards ORDER BY id")
    assert [{key: row[key] for key in users_before[0]} for row in users_after] == users_before
    assert [{key: row[key] for key in boards_before[0]} for row in boards_after] == boards_before
    boards_per_user = {row["user_id"]: row["n"] for row in
                       query(config, "SELECT user_id, COUNT(*) AS n FROM boards GROUP BY user_id")}
    assert {row["id"]: row["board_count"] for row in users_after} == {
        row["id"]: boards_per_user.get(row["id"], 0) for row in users_after}
    reference = new_database(create=False)
    load_schema(reference)
    assert schema_snapshot(config) == schema_snapshot(reference)


def test_tokens_keyed_by_hash_keeps_every_token_and_its_id(new_database):
    """0009 rebuilds tokens around a new primary key: no token lost, ids go on where they were."""
    config = new_database()
    upgrade(config, target=8)
    seed_old_database(config, users=2, boards=0)
    with connect(config) as connection:
        cursor = connection.cursor()
        cursor.executemany("INSERT INTO tokens (user_id, token_hash, expires_at) "
                           "VALUES (%s, UNHEX(SHA2(%s, 256)), '2099-01-01')",
                           [(1 + n % 2, f"token {n}") for n in range(5)])
    tokens_before = query(config, "SELECT * FROM tokens ORDER BY id")

    assert [m.name for m in upgrade(config, target=9)] == ["tokens_keyed_by_hash"]

    assert query(config, "SELECT * FROM tokens ORDER BY id") == tokens_before
    with connect(config) as connection:
        cursor = connection.cursor()
        cursor.execute("INSERT INTO tokens (user_id, token_hash, expires_at) "
                       "VALUES (1, UNHEX(SHA2('token 5', 256)), '2099-01-01')")
        assert cursor.lastrowid == tokens_before[-1]["id"] + 1
    assert query(config, "SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS "
                         "WHERE TABLE_SCHEMA = %s AND TABLE_NAME = 'tokens' AND INDEX_NAME = 'PRIMARY'",
                 config["MYSQL_DB"]) == [{"INDEX_NAME": "PRIMARY", "COLUMN_NAME": "token_hash"}]


def test_updated_at_written_by_oz_keeps_every_version_and_the_board_counts(new_database):
    """0010 drops ON UPDATE from updated_at and rewrites the count triggers: nothing else moves."""
    config = new_database()
    upgrade(config, target=9)
    seed_old_database(config, users=3, boards=12)
    users_before = query(config, "SELECT id, updated_at, board_count FROM users ORDER BY id")
    boards_before = query(config, "SELECT id, updated_at FROM boards ORDER BY id")

    assert [m.name for m in upgrade(config)] == ["updated_at_written_by_oz"]

    assert query(config, "SELECT id, updated_at, board_count FROM users ORDER BY id") == users_before
    assert query(config, "SELECT id, updated_at FROM boards ORDER BY id") == boards_before
    with connect(config) as connection:
        cursor = connection.cursor()
        cursor.execute("INSERT INTO boards (user_id, title, content) VALUES (1, 't', 'c')")
        cursor.execute("UPDATE users SET follower_count = follower_count + 1 WHERE id = 1")
    user = query(config, "SELECT updated_at, board_count FROM users WHERE id = 1")[0]
    assert user == {"updated_at": users_before[0]["updated_at"], "board_count": users_before[0]["board_count"] + 1}


def test_updated_at_written_by_oz_can_run_again(new_database):
    config = new_database()
    upgrade(config)
    migration = migrations.read_migrations()[9]
    with connect(config) as connection:
        cursor = connection.cursor()
        for statement in migration.statements():
            cursor.execute(statement)
    assert query(config, "SELECT COUNT(*) AS n FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = %s",
                 config["MYSQL_DB"]) == [{"n": 2}]


def test_the_new_schema_sql_loaded_over_an_old_database_leaves_the_changes_to_upgrade(new_database):
    config = new_database(create=False)
    load_schema(config, SCHEMA_BEFORE_MIGRATIONS)
    seed_old_database(config, users=3, boards=5)
    load_schema(config)
    assert query(config, "SELECT version FROM schema_migrations") == []
    upgrade(config)
    reference = new_database(create=False)
    load_schema(reference)
    assert schema_snapshot(config) == schema_snapshot(reference)


def test_init_db_makes_a_new_database_from_schema_sql_and_upgrades_an_old_one(new_database):
    config = new_database(create=False)
    load_schema(config, SCHEMA_BEFORE_MIGRATIONS)
    seed_old_database(config, users=2, boards=3)
    result = create_app(config).test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Applying 0005_boards_comment_count.sql" in result.output
    assert len(query(config, "SELECT id FROM boards")) == 3

    fresh = new_database(create=False)
    result = create_app(fresh).test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "from schema.sql" in result.output and "up to date" in result.output


@pytest.fixture
def migrations_copy(tmp_path):
    """A copy of sql/migrations that a test may change."""
    directory = tmp_path / "migrations"
    shutil.copytree(migrations.MIGRATIONS_DIR, directory)
    return directory


def add_migration(directory, text, name="extra"):
    path = directory / f"{len(list(directory.glob('*.sql'))) + 1:04d}_{name}.sql"
    path.write_text(text, encoding="utf-8")
    return path


def test_two_upgraders_at_once_apply_each_migration_once(new_database, migrations_copy):
    config = new_database()
    # Holds the lock long enough for the second process to arrive and wait.
    add_migration(migrations_copy, "DO SLEEP(2);\n", name="slow")
    script = ("import json, sys; from core import migrations; "
              "done = migrations.upgrade(json.loads(sys.argv[1]), directory=sys.argv[2]); "
              "print('applied', [m.version for m in done])")
    processes = [subprocess.Popen([sys.executable, "-c", script, json.dumps(config), str(migrations_copy)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    results = {stdout.strip().splitlines()[-1] for stdout, _ in outputs}
    assert results == {"applied []", f"applied {list(range(1, LATEST_VERSION + 2))}"}
    assert any("waiting" in stdout for stdout, _ in outputs)
    assert len(query(config, "SELECT version FROM schema_migrations")) == LATEST_VERSION + 1


def test_a_changed_migration_is_refused_before_anything_changes(new_database, migrations_copy):
    config = new_database()
    upgrade(config, directory=migrations_copy)
    edited = migrations_copy / "0003_comments.sql"
    edited.write_text(edited.read_text() + "-- an afterthought\n")
    add_migration(migrations_copy, "CREATE TABLE IF NOT EXISTS later (id INT PRIMARY KEY);\n")

    with pytest.raises(migrations.MigrationError, match="0003_comments.sql was changed"):
        upgrade(config, directory=migrations_copy)
    assert query(config, "SHOW TABLES LIKE 'later'") == []
    assert len(query(config, "SELECT version FROM schema_migrations")) == LATEST_VERSION


def test_a_failing_migration_stops_cleanly_and_a_fixed_one_finishes(new_database, migrations_copy):
    config = new_database()
    upgrade(config, directory=migrations_copy)
    broken = add_migration(migrations_copy, (
        "CREATE TABLE IF NOT EXISTS notes (id INT UNSIGNED NOT NULL PRIMARY KEY);\n\n"
        "ALTER TABLE notes ADD COLUMN body VARCHAR(100) NOT NULL DEFALT '';\n"), name="notes")

    with pytest.raises(migrations.MigrationError) as failure:
        upgrade(config, directory=migrations_copy)
    message = str(failure.value)
    assert f"{broken.name} failed at statement 2 of 2" in message
    assert "ALTER TABLE notes ADD COLUMN body" in message
    assert "is not recorded" in message
    assert len(query(config, "SELECT version FROM schema_migrations")) == LATEST_VERSION

    broken.write_text(broken.read_text().replace("DEFALT", "DEFAULT"))
    assert [m.name for m in upgrade(config, directory=migrations_copy)] == ["notes"]
    assert [row["Field"] for row in query(config, "SHOW COLUMNS FROM notes")] == ["id", "body"]


def test_a_failing_upgrade_exits_non_zero_naming_the_file_and_what_stands(new_database):
    config = new_database()
    upgrade(config, target=4)
    # A column that someone added by hand: 0005's ALTER now fails.
    query(config, "ALTER TABLE boards ADD COLUMN comment_count INT")
    result = create_app({**config, "TESTING": True}).test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code != 0
    assert "0005_boards_comment_count.sql failed at statement 1 of 1" in result.output
    assert "Duplicate column name" in result.output
    assert "nothing applied by this run" in result.output
    assert len(query(config, "SELECT version FROM schema_migrations")) == 4


def test_db_current_and_history_say_where_a_database_stands(new_database):
    config = new_database()
    runner = create_app({**config, "TESTING": True}).test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "2"]).exit_code == 0
    current = runner.invoke(args=["db", "current"])
    assert current.exit_code == 0
    assert "0002_tokens.sql" in current.output and f"{LATEST_VERSION - 2} pending" in current.output
    history = runner.invoke(args=["db", "history"]).output.splitlines()
    assert history[0].startswith("0001_users_and_boards.sql  applied")
    assert history[2] == "0003_comments.sql  pending"


def test_db_new_writes_the_next_numbered_file(migrations_copy):
    path = migrations.new_migration("add_board_tags", directory=migrations_copy)
    assert path.name == f"{LATEST_VERSION + 1:04d}_add_board_tags.sql"
    assert migrations.read_migrations(migrations_copy)[-1].statements() == []
    with pytest.raises(migrations.MigrationError):
        migrations.new_migration("Bad Name", directory=migrations_copy)


def test_statements_end_with_a_semicolon_at_the_end_of_a_line(tmp_path):
    path = tmp_path / "0001_two.sql"
    path.write_text("-- why\nCREATE TABLE a (x VARCHAR(3) DEFAULT ';');\n\n-- more\nDO 1;\n-- trailing note\n")
    assert migrations.Migration(1, "two", path).statements() == [
        "-- why\nCREATE TABLE a (x VARCHAR(3) DEFAULT ';')", "-- more\nDO 1"]
