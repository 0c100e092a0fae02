"""flask --app app init-db | db ... | create-admin | seed: the database, its migrations, its first admin, sample data."""

import os

import click
import MySQLdb
from flask import current_app
from flask.cli import with_appcontext

from auth import hash_password
import migrations
from db import load_schema, load_sql
from seed import create_seed_command
from versions import utc_now

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
