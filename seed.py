"""flask --app app seed: fill the database with sample users, boards, comments and follows, fast.

Rows go in as multi-row INSERTs (MySQLdb's executemany rewrites sql/seed/insert_*.sql into
one statement per batch, which is why those files carry no leading comment), one transaction
per batch. Every seeded user shares one password, hashed once: user<N>@example.com with
SEED_PASSWORD unless --password says otherwise.
"""

import random

import click
from flask.cli import with_appcontext

from auth import hash_password
from db import load_sql
from versions import utc_now

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
