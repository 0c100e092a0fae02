"""The test suite's real MySQL server, the app on a fresh database, and small helpers.

Which server, in this order (OZ_TEST_SERVER=env|container|private forces one; galera, only when
named, is a three-node Galera cluster behind HAProxy: tests/galera_cluster.py):
1. the server named by OZ_TEST_MYSQL_HOST (and _PORT, _USER, _PASSWORD);
2. a testcontainers MySQL container (image OZ_TEST_MYSQL_IMAGE, default mysql:8.4) when a
   Docker engine answers;
3. a private server started from the installed mariadbd/mysqld in a temporary directory.
With none of them the run fails at once. Each run gets a database of its own, dropped
afterwards, so a shared server is left as it was.
"""

import itertools
import os
import secrets
from dataclasses import dataclass

import docker
import MySQLdb
import pytest
import requests

from app import create_app
from core.db import load_schema, load_sql
from redis_server import DEFAULT_ADDRESS, PrivateRedis, answers_ping

# The tests check behaviour, not hashing cost: a cheap hash keeps hundreds of sign-ups fast.
TEST_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"

NO_SERVER_HELP = """No MySQL server for the tests. Do one of:
  - run `make test`, which installs mariadb-server when it can and starts a private one;
  - install mariadb-server (Debian: apt-get install mariadb-server) so the tests start their own;
  - point the tests at a server: OZ_TEST_MYSQL_HOST=127.0.0.1 OZ_TEST_MYSQL_PORT=3306 ...;
  - start Docker and run OZ_TEST_SERVER=container make test."""


@dataclass
class EnvServer:
    host: str
    port: int
    user: str
    password: str
    kind: str = "env"

    @property
    def label(self):
        return f"server from OZ_TEST_MYSQL_HOST at {self.host}:{self.port}"

    def remove(self):
        """The server is not ours to stop."""


def docker_engine_answers():
    try:
        docker.from_env(timeout=3).ping()
    except (docker.errors.DockerException, requests.RequestException):
        return False
    return True


def start_server(choice):
    if choice == "env" or (not choice and os.environ.get("OZ_TEST_MYSQL_HOST")):
        return EnvServer(
            host=os.environ["OZ_TEST_MYSQL_HOST"],
            port=int(os.environ.get("OZ_TEST_MYSQL_PORT", "3306")),
            user=os.environ.get("OZ_TEST_MYSQL_USER", "root"),
            password=os.environ.get("OZ_TEST_MYSQL_PASSWORD", ""),
        )
    if choice == "galera":
        from galera_cluster import GaleraCluster
        try:
            cluster = GaleraCluster()
        except RuntimeError as error:
            pytest.exit(str(error), returncode=3)
        cluster.start()
        return cluster
    if choice == "container" or (not choice and docker_engine_answers()):
        from container_server import start_mysql_container
        return start_mysql_container(os.environ.get("OZ_TEST_MYSQL_IMAGE", "mysql:8.4"))
    from private_server import PrivateServer
    try:
        server = PrivateServer()
    except RuntimeError:
        pytest.exit(NO_SERVER_HELP, returncode=3)
    server.start()
    return server


@pytest.fixture(scope="session")
def mysql_server(request):
    server = start_server(os.environ.get("OZ_TEST_SERVER"))
    request.config.stash["oz_server_label"] = server.label
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter:
        reporter.write_line(f"\noz tests: MySQL server = {server.label}")
    yield server
    server.remove()


@pytest.fixture(scope="session")
def app_config(mysql_server):
    """Settings for apps on this run's own database, created from schema.sql."""
    config = {
        "TESTING": True,
        "MYSQL_HOST": mysql_server.host,
        "MYSQL_PORT": mysql_server.port,
        "MYSQL_USER": mysql_server.user,
        "MYSQL_PASSWORD": mysql_server.password,
        "MYSQL_DB": f"oz_test_{secrets.token_hex(4)}",
        "MYSQL_CONNECT_TIMEOUT": 5,
        "PASSWORD_HASH_METHOD": TEST_PASSWORD_HASH_METHOD,
    }
    load_schema(config)
    yield config
    with connect(config, database=None) as connection:
        connection.cursor().execute(f"DROP DATABASE `{config['MYSQL_DB']}`")


def connect(config, database=True):
    """A plain driver connection for the tests' own checks (autocommit, dict rows)."""
    return MySQLdb.connect(
        host=config["MYSQL_HOST"], port=config["MYSQL_PORT"], user=config["MYSQL_USER"],
        password=config["MYSQL_PASSWORD"], charset="utf8mb4", autocommit=True,
        cursorclass=MySQLdb.cursors.DictCursor,
        **({"database": config["MYSQL_DB"]} if database else {}),
    )


@pytest.fixture(scope="session")
def sql_connection(app_config):
    with connect(app_config) as connection:
        yield connection


@pytest.fixture
def sql(sql_connection):
    """Run a statement on the test database directly; returns the rows."""

    def run(statement, *params):
        cursor = sql_connection.cursor()
        cursor.execute(statement, params or None)
        return list(cursor.fetchall())

    return run


USERS_MISCOUNTED = load_sql("counters/users_miscounted")
BOARDS_MISCOUNTED = load_sql("counters/boards_miscounted")


@pytest.fixture
def app(app_config, sql):
    """A fresh app on empty tables; afterwards, every kept count equals its COUNT(*).

    The check runs after every test that used the app, so each write path of the whole
    suite (and each bulk insert of a test) is held to keeping the counters exact.
    """
    sql("DELETE FROM boards")
    sql("DELETE FROM users")
    yield create_app(app_config)
    assert sql(USERS_MISCOUNTED) == [], "users.board_count, follower_count or following_count is off"
    assert sql(BOARDS_MISCOUNTED) == [], "boards.comment_count is off"


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass
class Account:
    id: int
    name: str
    email: str
    password: str
    role: str

    @property
    def auth(self):
        return (self.email, self.password)


_numbers = itertools.count(1)


class Accounts:
    """Makes users through the API (members) or the create-admin command (admins)."""

    def __init__(self, app, client):
        self.app = app
        self.client = client

    def member(self, name=None, password="correct horse"):
        number = next(_numbers)
        name = name or f"member{number}"
        email = f"{name}.{number}@example.com".lower()
        response = self.client.post("/users", json={"name": name, "email": email, "password": password})
        assert response.status_code == 201, response.json
        return Account(response.json["id"], name, email, password, "member")

    def admin(self, name=None, password="admin password"):
        number = next(_numbers)
        name = name or f"admin{number}"
        email = f"{name}.{number}@example.com".lower()
        result = self.app.test_cli_runner().invoke(
            args=["create-admin", "--email", email, "--name", name],
            env={"OZ_ADMIN_PASSWORD": password})
        assert result.exit_code == 0, result.output
        me = self.client.get("/users/me", auth=(email, password)).json
        return Account(me["id"], name, email, password, "admin")


@pytest.fixture
def accounts(app, client):
    return Accounts(app, client)


@pytest.fixture
def alice(accounts):
    return accounts.member("alice")


@pytest.fixture
def bob(accounts):
    return accounts.member("bob")


@pytest.fixture(params=["login_required", "signed-in user", "signed-in read"])
def signed_in_path(request, client, accounts):
    """A path that takes sign-in, each way oz signs in: behind login_required (GET /users/{id}),
    in the view whose answer is the sign-in row (GET /users/me, Auth.signed_in_user), and in
    the same statement as the read (GET /boards/{id}, Auth.fetch_signed_in).

    The user and the board are someone else's, so that a deleted caller's read still finds them.
    """
    if request.param == "signed-in user":
        return "/users/me"
    author = accounts.member()
    if request.param == "login_required":
        return f"/users/{author.id}"
    board = client.post("/boards", json={"title": "Signed-in read"}, auth=author.auth)
    return f"/boards/{board.json['id']}"


@pytest.fixture(scope="session")
def redis_uri():
    """The machine's Redis when one answers on 6379, else a private redis-server."""
    if answers_ping(DEFAULT_ADDRESS):
        yield "redis://{}:{}".format(*DEFAULT_ADDRESS)
        return
    server = PrivateRedis()
    try:
        yield server.uri
    finally:
        server.stop()


def pytest_terminal_summary(terminalreporter, config):
    label = config.stash.get("oz_server_label", None)
    if label:
        terminalreporter.write_line(f"oz tests ran against: {label}")


def next_link(response):
    """The URL of the Link: rel="next" header, or None on the last page."""
    link = response.headers.get("Link")
    if link is None:
        return None
    url, rel = link.split(";", 1)
    assert rel.strip() == 'rel="next"'
    return url.strip().strip("<>")
