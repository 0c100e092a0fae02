"""Database faults: the private server is stopped (or killed) and restarted under load.

While it is down every request that needs it answers 503 with Retry-After, quickly; when it
is back the service recovers by itself; a write answered 2xx is stored, and one answered
5xx is either wholly stored or not at all.
"""

import os
import secrets
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from app import create_app
from conftest import connect
from core.db import load_schema
from helpers import Call
from private_server import PrivateServer

CONNECT_TIMEOUT = 2
QUERY_TIMEOUT = 2
# How much longer than the connect timeout a request may take while the database is down.
SLACK_SECONDS = 1.5
OUTAGE_SECONDS = 2
RECOVERY_DEADLINE_SECONDS = 15
BOARDS_PER_VICTIM = 3
# Enough users for the delete worker to delete one per call all through the run.
VICTIMS = 150


@pytest.fixture(scope="module")
def outage_config(app_config):
    """Settings for an app on a private server of this module's own, which it may stop."""
    server = PrivateServer()
    server.start()
    config = {**app_config, "MYSQL_HOST": server.host, "MYSQL_PORT": server.port,
              "MYSQL_USER": server.user, "MYSQL_PASSWORD": server.password,
              "MYSQL_DB": "oz_outage", "MYSQL_CONNECT_TIMEOUT": CONNECT_TIMEOUT,
              "MYSQL_QUERY_TIMEOUT": QUERY_TIMEOUT}
    load_schema(config)
    yield server, config
    server.remove()


def take_down(server, how):
    if how == "stopped":
        server.stop()
    else:
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait()
        server.process = None


class Load:
    """Worker threads that each keep calling one kind of request until stopped."""

    def __init__(self, app):
        self.app = app
        self.calls = []
        self.stop = threading.Event()
        self.threads = []

    def run(self, worker, request):
        """Start a thread that keeps running request(client, n) -> (response, subject)."""

        def loop():
            client = self.app.test_client()
            n = 0
            while not self.stop.is_set():
                started = time.monotonic()
                response, subject = request(client, n)
                self.calls.append(Call(worker, started, time.monotonic(), response.status_code,
                                       response.headers.get("Retry-After"), subject))
                n += 1
                time.sleep(0.01)

        thread = threading.Thread(target=loop, name=worker)
        self.threads.append(thread)
        thread.start()

    def join(self):
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def first_success_after(self, worker, moment):
        return min((call.ended for call in self.calls
                    if call.worker == worker and call.started >= moment and call.status < 300), default=None)


def sign_up(client, name):
    credentials = (f"{name}@example.com", "correct horse")
    response = client.post("/users", json={"name": name, "email": credentials[0], "password": credentials[1]})
    assert response.status_code == 201
    return response.json["id"], credentials


@pytest.mark.parametrize("how", ["stopped", "killed"])
def test_an_outage_answers_503_quickly_and_the_service_recovers_by_itself(outage_config, how, request, capsys):
    server, config = outage_config
    app = create_app(config)
    setup = app.test_client()
    run = secrets.token_hex(3)
    alice_id, alice = sign_up(setup, f"writer-{how}-{run}")
    board_id = setup.post("/boards", json={"title": "v-start", "content": "c"}, auth=alice).json["id"]
    victims = []
    for n in range(VICTIMS):
        victim_id, victim = sign_up(setup, f"victim-{how}-{run}-{n}")
        for _ in range(BOARDS_PER_VICTIM):
            setup.post("/boards", json={"title": "doomed", "content": "c"}, auth=victim)
        victims.append((victim_id, victim))

    def read(client, n):
        path = "/health" if n % 2 else "/boards?limit=5"
        return client.get(path, auth=alice), None

    def write(client, n):
        title = f"w-{how}-{run}-{n}"
        return client.post("/boards", json={"title": title, "content": title * 3}, auth=alice), title

    def change(client, n):
        title = f"v-{how}-{n}"
        return client.patch(f"/boards/{board_id}", json={"title": title}, auth=alice), title

    def delete(client, n):
        victim_id, victim = victims[n % len(victims)]
        time.sleep(0.02)
        return client.delete(f"/users/{victim_id}", auth=victim), victim_id

    load = Load(app)
    for worker, call in [("read", read), ("write", write), ("change", change), ("delete", delete)]:
        load.run(worker, call)
    time.sleep(1)
    take_down(server, how)
    down_at = time.monotonic()
    time.sleep(OUTAGE_SECONDS)
    restart_at = time.monotonic()
    server.start()
    up_at = time.monotonic()
    deadline = up_at + RECOVERY_DEADLINE_SECONDS
    while time.monotonic() < deadline and not all(
            load.first_success_after(worker, up_at) for worker in ("read", "write", "change")):
        time.sleep(0.05)
    time.sleep(0.5)
    load.join()

    calls = load.calls
    assert {call.status for call in calls} <= {200, 201, 204, 401, 404, 503}
    assert [call for call in calls if call.status == 503 and not call.retry_after] == []
    assert max(call.ended - call.started for call in calls) < CONNECT_TIMEOUT + SLACK_SECONDS
    during_outage = [call for call in calls if call.started > down_at and call.ended < restart_at]
    assert during_outage and {call.status for call in during_outage} == {503}

    recovered_at = [load.first_success_after(worker, up_at) for worker in ("read", "write", "change")]
    assert all(recovered_at), "the service did not recover by itself"
    recovery_seconds = max(recovered_at) - up_at
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    with capsys.disabled():
        reporter.write_line(
            f"\noz faults ({how}): {len(calls)} requests, {len(during_outage)} answered 503 while down "
            f"(slowest answer {max(call.ended - call.started for call in calls):.2f} s); the server took "
            f"{up_at - restart_at:.2f} s to start, and every worker succeeded again {recovery_seconds:.2f} s "
            f"after it accepted connections ({sum(call.started >= up_at and call.status == 503 for call in calls)} "
            f"503s after that)")

    with connect(config) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT title, content FROM boards WHERE user_id = %s", (alice_id,))
        stored = {row["title"]: row["content"] for row in cursor.fetchall()}
        for call in calls:
            if call.worker == "write" and call.status == 201:
                assert stored.get(call.subject) == call.subject * 3
            if call.worker == "write" and call.subject in stored:
                assert stored[call.subject] == call.subject * 3

        patches = [call for call in calls if call.worker == "change"]
        last_ok = max((i for i, call in enumerate(patches) if call.status == 200), default=-1)
        # A 503 whose answer was lost may have been applied; nothing older than a 200 may be.
        allowed = {patches[last_ok].subject} | {call.subject for call in patches[last_ok + 1:]
                                                if call.status == 503}
        cursor.execute("SELECT title FROM boards WHERE id = %s", (board_id,))
        assert cursor.fetchone()["title"] in allowed

        deleted = {call.subject for call in calls if call.worker == "delete" and call.status == 204}
        for victim_id, _ in victims:
            cursor.execute("SELECT COUNT(*) AS n FROM users WHERE id = %s", (victim_id,))
            exists = cursor.fetchone()["n"]
            cursor.execute("SELECT COUNT(*) AS n FROM boards WHERE user_id = %s", (victim_id,))
            boards = cursor.fetchone()["n"]
            assert (exists, boards) in {(1, BOARDS_PER_VICTIM), (0, 0)}
            assert not (victim_id in deleted and exists)


def test_a_hung_database_answers_503_within_the_timeouts_then_recovers(outage_config):
    server, config = outage_config
    app = create_app(config)
    # One thread, so the second request reuses the connection the first one opened.
    with ThreadPoolExecutor(1) as thread:
        client = app.test_client()
        assert thread.submit(client.get, "/health").result().status_code == 200
        os.kill(server.process.pid, signal.SIGSTOP)
        try:
            started = time.monotonic()
            # Bounded, so that a request that hangs fails the test instead of stalling it.
            on_open_connection = thread.submit(client.get, "/health").result(timeout=30)
            open_connection_seconds = time.monotonic() - started
            started = time.monotonic()
            on_new_connection = app.test_client().get("/health")
            new_connection_seconds = time.monotonic() - started
        finally:
            os.kill(server.process.pid, signal.SIGCONT)
        # The open connection's read times out (MYSQL_QUERY_TIMEOUT); a new one cannot connect.
        assert on_open_connection.status_code == 503 and on_open_connection.headers["Retry-After"]
        assert open_connection_seconds < QUERY_TIMEOUT + CONNECT_TIMEOUT + SLACK_SECONDS
        assert on_new_connection.status_code == 503 and on_new_connection.headers["Retry-After"]
        assert new_connection_seconds < CONNECT_TIMEOUT + SLACK_SECONDS
        assert thread.submit(client.get, "/health").result().status_code == 200

