"""flask --app app init-db | db ... | create-admin | seed: the database, its migrations, its first admin, sample data."""

import os
import random

import click
import MySQLdb
from flask import current_app
from flask.cli import with_appcontext

from auth import hash_password
from core import migrations
from core.db import load_schema, load_sql, utc_now

INSERT_USER = load_sql("users/insert")


def register_commands(app, mysql):
    app.cli.add_command(create_seed_command(mysql))

    app.cli.add_command(db_commands)

    @app.cli.command("init-db")
    def init_db_command():
        """Create the database from schema.sql, or bring an existing one up to date."""
        config = current_app.config
        if migrations.is_new_database(config):
            load_schema(config)
            click.echo(f"Created database {config['MYSQL_DB']} from schema.sql.")
        upgrade(config)
        click.echo(f"Database {config['MYSQL_DB']} is ready.")

    @app.cli.command("create-admin")
    @click.option("--email", required=True, help="The admin's email (their sign-in name).")
    @click.option("--name", required=True, help="The admin's display name.")
    def create_admin_command(email, name):
        """Create an admin account; the password comes from OZ_ADMIN_PASSWORD or a prompt."""
        password = os.environ.get("OZ_ADMIN_PASSWORD") or click.prompt(
            "Password", hide_input=True, confirmation_prompt=True)
        if not 8 <= len(password) <= 128:
            raise click.BadParameter("the password must be 8 to 128 characters long")
        try:
            mysql.execute(INSERT_USER, name=name.strip(), email=email.strip().lower(),
                          password_hash=hash_password(password), role="admin", now=utc_now())
        except MySQLdb.IntegrityError:
            raise click.ClickException("that name or email is already taken") from None
        click.echo(f"Admin {email} created.")


def upgrade(config, target=None):
    """Apply the pending migrations, saying what was done; a failure ends the command non-zero."""
    try:
        applied = migrations.upgrade(config, target=target, echo=click.echo)
    except migrations.MigrationError as error:
        raise click.ClickException(str(error)) from None
    if not applied:
        click.echo("The database is up to date.")


@click.group("db")
def db_commands():
    """Schema migrations: the numbered SQL files in sql/migrations."""


@db_commands.command("upgrade")
@click.argument("version", type=int, required=False)
@with_appcontext
def db_upgrade_command(version):
    """Apply the pending migrations in order (up to VERSION when given)."""
    upgrade(current_app.config, target=version)


@db_commands.command("current")
@with_appcontext
def db_current_command():
    """Say which migration the database is at, and how many are pending."""
    states = db_history(current_app.config)
    applied = [migration for migration, row in states if row]
    pending = len(states) - len(applied)
    click.echo(applied[-1].label if applied else "No migration applied.")
    click.echo(f"{pending} pending." if pending else "Up to date.")


@db_commands.command("history")
@with_appcontext
def db_history_command():
    """List every migration: when it was applied and how long it took, or pending."""
    for migration, row in db_history(current_app.config):
        if row is None:
            click.echo(f"{migration.label}  pending")
        else:
            click.echo(f"{migration.label}  applied {row['applied_at']:%Y-%m-%d %H:%M:%S} UTC "
                       f"in {row['duration_ms']} ms")


@db_commands.command("new")
@click.argument("name")
def db_new_command(name):
    """Write the next numbered, empty migration file: sql/migrations/NNNN_NAME.sql."""
    try:
        path = migrations.new_migration(name)
    except migrations.MigrationError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Wrote {path.relative_to(migrations.SQL_DIR.parent)}: write the change, run "
               "`flask --app app db upgrade`, then make schema.sql equal the result.")


def db_history(config):
    try:
        return migrations.history(config)
    except migrations.MigrationError as error:
        raise click.ClickException(str(error)) from None


# `seed`: rows go in as multi-row INSERTs (MySQLdb's executemany rewrites sql/seed/insert_*.sql
# into one statement per batch, which is why those files carry no leading comment), one
# transaction per batch. Every seeded user shares one password, hashed once:
# user<N>@example.com with SEED_PASSWORD unless --password says otherwise.
INSERT_USERS = load_sql("seed/insert_users")
INSERT_BOARDS = load_sql("seed/insert_boards")
LAST_USER_ID = load_sql("seed/last_user_id")
USER_IDS = load_sql("seed/user_ids")
INSERT_COMMENTS = load_sql("seed/insert_comments")
NEWEST_BOARD_IDS = load_sql("seed/newest_board_ids")
RECOUNT_COMMENT_COUNTS = load_sql("seed/recount_comment_counts")
INSERT_FOLLOWS = load_sql("seed/insert_follows")
RECOUNT_USERS = load_sql("counters/recount_users")

SEED_PASSWORD = "seed-password"
CONTENT = ("Seeded by `flask seed` for trying the pages and for the benchmark. "
           "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.")
# Seeded comments go to this many of the newest boards, where the pages show them.
COMMENTED_BOARDS = 10_000


def follow_pairs(follower_ids, user_ids, per_follower):
    """(follower, followee) pairs: each follower follows per_follower others, picked at random.

    Only the users a seed adds follow: they follow nobody yet, so every pair is new, and
    nobody follows themself.
    """
    per_follower = max(0, min(per_follower, len(user_ids) - 1))
    picks = random.Random(2)
    return [(follower_id, followee_id) for follower_id in follower_ids
            for followee_id in [other for other in picks.sample(user_ids, per_follower + 1)
                                if other != follower_id][:per_follower]]


def create_seed_command(mysql):
    """The `seed` click command, writing through the app's MySQL connection."""

    def insert_in_batches(statement, count, make_row, batch_size, label):
        """Insert make_row(1..count) batch by batch, each batch one transaction, with a progress bar."""
        connection = mysql.connection
        with click.progressbar(length=count, label=label) as bar:
            for start in range(1, count + 1, batch_size):
                batch = [make_row(n) for n in range(start, min(start + batch_size, count + 1))]
                connection.begin()
                try:
                    connection.cursor().executemany(statement, batch)
                except BaseException:
                    connection.rollback()
                    raise
                connection.commit()
                bar.update(len(batch))

    @click.command("seed")
    @click.option("--users", default=1000, show_default=True, help="How many users to add.")
    @click.option("--boards", default=10000, show_default=True,
                  help="How many boards to add, spread over all users.")
    @click.option("--comments", default=0, show_default=True,
                  help=f"How many comments to add, on the newest {COMMENTED_BOARDS:,} boards.")
    @click.option("--follows", default=0, show_default=True,
                  help="How many others each added user follows, picked at random among all users.")
    @click.option("--password", default=SEED_PASSWORD, show_default=True,
                  help="The password every seeded user gets.")
    @click.option("--batch-size", default=1000, show_default=True, help="Rows per INSERT.")
    @with_appcontext
    def seed_command(users, boards, comments, follows, password, batch_size):
        """Add sample users (user<N>@example.com), boards, comments and follows, in batches."""
        now = utc_now()
        first = mysql.fetch_one(LAST_USER_ID)["last_id"] + 1
        password_hash = hash_password(password)
        insert_in_batches(INSERT_USERS, users, lambda n: {
            "name": f"user{first + n - 1}", "email": f"user{first + n - 1}@example.com",
            "password_hash": password_hash, "now": now,
        }, batch_size, "users")

        author_ids = [row["id"] for row in mysql.fetch_all(USER_IDS)]
        if boards and not author_ids:
            raise click.UsageError("There are no users to write the boards: seed some with --users.")
        authors = random.Random(0)
        insert_in_batches(INSERT_BOARDS, boards, lambda n: {
            "user_id": authors.choice(author_ids), "title": f"Board {n}",
            "content": f"{n}: {CONTENT}", "now": now,
        }, batch_size, "boards")

        if comments:
            board_ids = [row["id"] for row in mysql.fetch_all(NEWEST_BOARD_IDS, limit=COMMENTED_BOARDS)]
            if not board_ids:
                raise click.UsageError("There are no boards to comment on: seed some with --boards.")
            picks = random.Random(1)
            insert_in_batches(INSERT_COMMENTS, comments, lambda n: {
                "board_id": picks.choice(board_ids), "user_id": picks.choice(author_ids),
                "content": f"Comment {n}, seeded.", "now": now,
            }, batch_size, "comments")
            # The rows went in without their counter: count the boards that got them once.
            mysql.execute(RECOUNT_COMMENT_COUNTS, from_id=min(board_ids))

        pairs = follow_pairs([user_id for user_id in author_ids if user_id >= first], author_ids, follows)
        if pairs:
            insert_in_batches(INSERT_FOLLOWS, len(pairs), lambda n: {
                "follower_id": pairs[n - 1][0], "followee_id": pairs[n - 1][1], "now": now,
            }, batch_size, "follows")
        # The boards and follows went in without their users' counts: count them once.
        mysql.execute(RECOUNT_USERS)
        click.echo(f"Added {users} users (password {password!r}), {boards} boards, {comments} comments "
                   f"and {len(pairs)} follows.")

    return seed_command
