"""flask --app app init-db | create-admin | seed: set up the database, its first admin, sample data."""

import os

import click
import MySQLdb
from flask import current_app

from auth import hash_password
from db import load_schema, load_sql
from seed import create_seed_command
from versions import utc_now

INSERT_USER = load_sql("users/insert")


def register_commands(app, mysql):
    app.cli.add_command(create_seed_command(mysql))

    @app.cli.command("init-db")
    def init_db_command():
        """Create the database and its tables from schema.sql (safe to run again)."""
        load_schema(current_app.config)
        click.echo(f"Database {current_app.config['MYSQL_DB']} is ready.")

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
