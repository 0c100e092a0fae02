"""flask --app app init-db and create-admin."""

from app import create_app
from conftest import connect


def test_init_db_creates_the_database_from_schema_sql(app_config):
    config = {**app_config, "MYSQL_DB": app_config["MYSQL_DB"] + "_cli"}
    result = create_app(config).test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    with connect(config) as connection:
        cursor = connection.cursor()
        cursor.execute("SHOW TABLES")
        assert {next(iter(row.values())) for row in cursor.fetchall()} == {
            "users", "boards", "tokens", "comments", "follows", "schema_migrations"}
        cursor.execute(f"DROP DATABASE `{config['MYSQL_DB']}`")


def test_create_admin_makes_an_admin_who_can_sign_in(app, client):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "Root@Example.com", "--name", "root"],
        env={"OZ_ADMIN_PASSWORD": "admin password"})
    assert result.exit_code == 0, result.output
    me = client.get("/users/me", auth=("root@example.com", "admin password")).json
    assert me["role"] == "admin"


def test_create_admin_prompts_for_the_password(app, client, monkeypatch):
    monkeypatch.delenv("OZ_ADMIN_PASSWORD", raising=False)
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "p@example.com", "--name", "p"],
        input="prompted password\nprompted password\n")
    assert result.exit_code == 0, result.output
    assert client.get("/users/me", auth=("p@example.com", "prompted password")).json["role"] == "admin"


def test_create_admin_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "q@example.com", "--name", "q"], env={"OZ_ADMIN_PASSWORD": "short"})
    assert result.exit_code != 0
    assert "8 to 128" in result.output


def test_create_admin_refuses_a_taken_email(app, accounts):
    alice = accounts.member()
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", alice.email, "--name", "other"], env={"OZ_ADMIN_PASSWORD": "password1"})
    assert result.exit_code != 0
    assert "already taken" in result.output
