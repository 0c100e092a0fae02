"""Numbered SQL migrations: sql/migrations/NNNN_name.sql, applied in order, each recorded once.

`flask --app app db upgrade` runs upgrade(); a database made from schema.sql already holds the
record of every migration it equals. Written here rather than taken from yoyo-migrations: see
the README's "Changing the schema".
"""

import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path

import MySQLdb

from core.db import SQL_DIR, load_sql, open_connection, utc_now

MIGRATIONS_DIR = SQL_DIR / "migrations"
FILE_NAME = re.compile(r"(\d{4})_([a-z0-9_]+)\.sql")

CREATE_TABLE = load_sql("migrate/create_table")
APPLIED = load_sql("migrate/applied")
RECORD = load_sql("migrate/record")
TRY_LOCK = load_sql("migrate/try_lock")
RELEASE_LOCK = load_sql("migrate/release_lock")
DATABASE_EXISTS = load_sql("migrate/database_exists")
TABLE_COUNT = load_sql("migrate/table_count")

# How long a second upgrader waits for the first before giving up.
LOCK_WAIT_SECONDS = 3600

NEW_FILE_TEMPLATE = """\
-- {version:04d}_{name}: say why this change is needed.
-- One DDL statement per file (MySQL commits each one at once, so a file cannot be rolled
-- back halfway), or statements that can run again. State ALGORITHM=INSTANT or
-- ALGORITHM=INPLACE, LOCK=NONE on a big table so it keeps serving while this runs.
-- Then make schema.sql equal the result: tests/test_migrations.py compares the two.
"""


class MigrationError(Exception):
    """A migration could not be applied; the message says which file, and what stands."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    @property
    def label(self):
        return self.path.name

    def checksum(self):
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    def statements(self):
        """The file's statements: each ends with a semicolon at the end of a line."""
        text = self.path.read_text(encoding="utf-8")
        chunks = re.split(r";[ \t]*$", text, flags=re.MULTILINE)
        return [chunk.strip() for chunk in chunks if not is_only_comments(chunk)]


def is_only_comments(chunk):
    return all(not line.strip() or line.strip().startswith("--") for line in chunk.splitlines())


def read_migrations(directory=MIGRATIONS_DIR):
    """Every migration file in version order; a misnamed or duplicated version is an error."""
    migrations = []
    for path in sorted(Path(directory).glob("*.sql")):
        match = FILE_NAME.fullmatch(path.name)
        if match is None:
            raise MigrationError(f"{path.name}: migration files are named NNNN_name.sql")
        migrations.append(Migration(int(match[1]), match[2], path))
    versions = [migration.version for migration in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise MigrationError(f"migration versions must run 1, 2, 3... without gaps: {versions}")
    return migrations


def new_migration(name, directory=MIGRATIONS_DIR):
    """Write the next numbered, empty migration file and return its path."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise MigrationError("a migration name is lowercase letters, digits and underscores")
    version = len(read_migrations(directory)) + 1
    path = Path(directory) / f"{version:04d}_{name}.sql"
    path.write_text(NEW_FILE_TEMPLATE.format(version=version, name=name), encoding="utf-8")
    return path


def is_new_database(config):
    """Whether the configured database is missing or has no tables yet.

    Only such a database is made from schema.sql: over an older one, schema.sql would create
    later tables in their latest shape, where a pending migration expects to change them.
    """
    with open_connection(config) as server:
        cursor = server.cursor()
        cursor.execute(TABLE_COUNT, {"database": config["MYSQL_DB"]})
        return cursor.fetchone()[0] == 0


class Database:
    """One database's migration state, on a connection of its own (autocommit: DDL commits anyway)."""

    def __init__(self, config):
        self.name = config["MYSQL_DB"]
        with open_connection(config) as server:
            cursor = server.cursor()
            cursor.execute(DATABASE_EXISTS, {"database": self.name})
            if not cursor.fetchone()[0]:
                raise MigrationError(f"there is no database {self.name!r}: create it with "
                                     "`flask --app app init-db`")
        self.connection = open_connection(config, database=self.name)

    def close(self):
        self.connection.close()

    def run(self, statement, params=None):
        cursor = self.connection.cursor(MySQLdb.cursors.DictCursor)
        cursor.execute(statement, params)
        return cursor.fetchall()

    def applied(self):
        """{version: row} of schema_migrations, which is created when missing."""
        self.run(CREATE_TABLE)
        return {row["version"]: row for row in self.run(APPLIED)}

    def lock(self, wait_seconds, on_wait):
        lock = {"name": f"oz-migrations:{self.name}"}
        if self.run(TRY_LOCK, {**lock, "timeout": 0})[0]["acquired"] != 1:
            on_wait()
            if self.run(TRY_LOCK, {**lock, "timeout": wait_seconds})[0]["acquired"] != 1:
                raise MigrationError(f"another `db upgrade` held the lock for over {wait_seconds} s")
        return lock

    def unlock(self, lock):
        self.run(RELEASE_LOCK, lock)


def check_applied_files(migrations, applied):
    """Refuse to go on when an applied migration's file was edited, or is missing here."""
    by_version = {migration.version: migration for migration in migrations}
    for version, row in applied.items():
        migration = by_version.get(version)
        if migration is None:
            raise MigrationError(f"the database has migration {version:04d}_{row['name']}, which this "
                                 "code does not have: is it older than the database?")
        if migration.checksum() != row["checksum"]:
            raise MigrationError(
                f"{migration.label} was changed after it was applied (its checksum differs from "
                "schema_migrations). Put it back as it was and write the change as a new migration "
                "(`flask --app app db new NAME`). Nothing was changed.")


def upgrade(config, directory=MIGRATIONS_DIR, target=None, echo=print, lock_wait_seconds=LOCK_WAIT_SECONDS):
    """Apply the pending migrations (up to `target`) in order; return those applied.

    Holds the database's migration lock throughout, so a second upgrader waits and then
    finds nothing to do. A failing statement stops the run: the file is not recorded, and
    since its earlier statements may have been committed, it must be safe to run again.
    """
    migrations = read_migrations(directory)
    database = Database(config)
    try:
        lock = database.lock(lock_wait_seconds, lambda: echo("Another db upgrade is running; waiting for it."))
        try:
            applied = database.applied()
            check_applied_files(migrations, applied)
            pending = [m for m in migrations if m.version not in applied and (target is None or m.version <= target)]
            done = []
            for migration in pending:
                echo(f"Applying {migration.label} ...")
                started = time.monotonic()
                apply(database, migration, done)
                duration_ms = round((time.monotonic() - started) * 1000)
                database.run(RECORD, {"version": migration.version, "name": migration.name,
                                      "checksum": migration.checksum(), "applied_at": utc_now(),
                                      "duration_ms": duration_ms})
                echo(f"  done in {duration_ms} ms")
                done.append(migration)
            return done
        finally:
            database.unlock(lock)
    finally:
        database.close()


def apply(database, migration, done_now):
    statements = migration.statements()
    for number, statement in enumerate(statements, 1):
        try:
            database.run(statement)
        except MySQLdb.Error as error:
            applied_note = (", ".join(m.label for m in done_now) + " applied by this run"
                            if done_now else "nothing applied by this run")
            raise MigrationError(
                f"{migration.label} failed at statement {number} of {len(statements)}:\n"
                f"{statement}\n"
                f"MySQL said: {error.args[-1]}\n"
                f"{applied_note}; {migration.label} is not recorded. Statements before this one "
                f"may have been committed (MySQL commits DDL at once): fix the file and run "
                f"`db upgrade` again.") from None


def history(config, directory=MIGRATIONS_DIR):
    """Every migration file with its row in schema_migrations (None while pending)."""
    migrations = read_migrations(directory)
    database = Database(config)
    try:
        applied = database.applied()
    finally:
        database.close()
    return [(migration, applied.get(migration.version)) for migration in migrations]
