"""oz on a three-node MariaDB Galera cluster behind HAProxy (tests/galera_cluster.py).

`make test` runs this file once, with OZ_TEST_SERVER=galera: the run's server is then the
cluster. Run with any other server, it starts a cluster of its own. App processes reach the
cluster through HAProxy, app i on node i's listener (that node, the others as backups).
Every test leaves every node synced and routed again.
"""

import os
import secrets
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from MySQLdb.cursors import DictCursor

from app import create_app
from app_process import AppProcess
from conftest import TEST_PASSWORD_HASH_METHOD, next_link
from core.db import load_schema
from galera_cluster import GaleraCluster
from helpers import Call
from transactional_writes import ABSENT, WRITE_PATHS, WRITTEN, AppClient, NotPrepared, miscounted

FAILED_LOGINS_ALLOWED = 10
LOAD_SECONDS = 20
KILL_AFTER_SECONDS = 6
WRITERS_PER_APP = 2
# Longer than oz takes to answer when its database hangs (its connect and query timeouts, a
# transaction run again), so that a request that hangs fails its test instead of stalling the run.
REQUEST_TIMEOUT = 60
TAKE_OUT_AFTER_SECONDS = 3
# What core/db.py logs when a transaction runs again after its connection was lost before COMMIT.
RERUN_LOG_TEXT = "the transaction runs again"


@pytest.fixture(scope="module")
def cluster(request):
    """The run's cluster (OZ_TEST_SERVER=galera), or one of this module's own."""
    if os.environ.get("OZ_TEST_SERVER") == "galera":
        yield request.getfixturevalue("mysql_server")
        return
    own = GaleraCluster()
    own.start()
    try:
        yield own
    finally:
        own.remove()


@pytest.fixture(autouse=True)
def every_node_synced_afterwards(cluster):
    yield
    for node in cluster.nodes:
        if node.process is None:
            cluster.start_node(node)
    cluster.wait_synced(cluster.nodes)
    cluster.wait_routed(cluster.nodes)


@pytest.fixture(scope="module")
def config(cluster, redis_uri):
    """Settings for apps on a database of this module's own, through HAProxy (node 1 first)."""
    config = {
        "TESTING": True,
        "MYSQL_HOST": cluster.host,
        "MYSQL_PORT": cluster.port,
        "MYSQL_USER": cluster.user,
        "MYSQL_PASSWORD": cluster.password,
        "MYSQL_DB": f"oz_cluster_{secrets.token_hex(4)}",
        "MYSQL_CONNECT_TIMEOUT": 2,
        "PASSWORD_HASH_METHOD": TEST_PASSWORD_HASH_METHOD,
        "RATELIMIT_STORAGE_URI": redis_uri,
        "RATELIMIT_KEY_PREFIX": f"oz-cluster-{secrets.token_hex(6)}",
    }
    load_schema(config)
    yield config
    with cluster.connect() as connection:
        connection.cursor().execute(f"DROP DATABASE `{config['MYSQL_DB']}`")


def on_node(config, node):
    """Settings for an app on this node's HAProxy listener."""
    return {**config, "MYSQL_PORT": node.listen_port}


@pytest.fixture(scope="module")
def apps(cluster, config, tmp_path_factory):
    """Three app processes, app i on node i's listener, sharing the throttle through Redis."""
    logs = tmp_path_factory.mktemp("apps")
    processes = []
    try:
        for node in cluster.nodes:
            processes.append(AppProcess(on_node(config, node), logs / f"app-on-{node.name}.log"))
        for process in processes:
            process.wait_ready()
        yield processes
    finally:
        for process in processes:
            process.stop()


def new_member():
    name = f"member-{secrets.token_hex(5)}"
    return {"name": name, "email": f"{name}@example.com", "password": "correct horse"}


def sign_up(url):
    """A new member through the app process at url; returns (id, (email, password))."""
    member = new_member()
    response = requests.post(f"{url}/users", json=member, timeout=REQUEST_TIMEOUT)
    assert response.status_code == 201, response.text
    return response.json()["id"], (member["email"], member["password"])


def sign_up_with(client):
    """A new member through an app's test client; returns (email, password)."""
    member = new_member()
    response = client.post("/users", json=member)
    assert response.status_code == 201, response.json
    return member["email"], member["password"]


def report(request, capsys, line):
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    with capsys.disabled():
        reporter.write_line(f"\noz cluster: {line}")


def conflicts(cluster):
    """Writes the cluster has refused at COMMIT so far: certification failures and brute-force aborts."""
    total = 0
    for node in cluster.nodes:
        status = cluster.status(node)
        total += int(status["wsrep_local_cert_failures"]) + int(status["wsrep_local_bf_aborts"])
    return total


def test_haproxy_gives_no_traffic_to_a_node_that_is_not_synced(cluster):
    node = cluster.nodes[1]
    check_url = f"http://127.0.0.1:{node.check_port}/"
    assert requests.get(check_url, timeout=5).status_code == 200
    assert cluster.node_behind(node.listen_port) == node.name
    with cluster.connect(node) as connection:
        # What a donor does while it sends a joiner its datadir: state 2, Donor/Desynced.
        connection.cursor().execute("SET GLOBAL wsrep_desync = ON")
        try:
            check = requests.get(check_url, timeout=5)
            assert check.status_code == 503 and "Donor/Desynced" in check.text
            cluster.wait_routed([node], up=False, timeout=5)
            assert cluster.node_behind(node.listen_port) != node.name
            assert node.name not in {cluster.node_behind(cluster.any_node_port) for _ in range(6)}
        finally:
            connection.cursor().execute("SET GLOBAL wsrep_desync = OFF")
    cluster.wait_routed([node], timeout=10)
    assert cluster.node_behind(node.listen_port) == node.name


def test_a_node_cut_off_from_the_cluster_answers_503_and_haproxy_moves_oz_to_a_live_node(cluster, config, caplog):
    node = cluster.nodes[2]
    straight = create_app({**config, "MYSQL_PORT": node.port}).test_client()  # no HAProxy
    routed = create_app(on_node(config, node)).test_client()
    alice = sign_up_with(routed)
    assert routed.get("/boards", auth=alice).status_code == 200
    with cluster.connect(node) as connection:
        connection.cursor().execute("SET GLOBAL wsrep_provider_options = 'gmcast.isolate=1'")
        try:
            deadline = time.monotonic() + 30
            while cluster.status(node)["wsrep_ready"] == "ON":
                assert time.monotonic() < deadline, "the node was not cut off"
                time.sleep(0.2)
            # Straight to the node: it refuses every statement (1047), oz tries again a few
            # times, then answers 503, and nothing was written.
            name = f"refused-{secrets.token_hex(4)}"
            refused = straight.post("/users", json={"name": name, "email": f"{name}@example.com",
                                                    "password": "correct horse"})
            assert refused.status_code == 503 and refused.headers["Retry-After"]
            assert "1047" in caplog.text
            # Through HAProxy: once it has seen the node's state, oz's connection to the node
            # is cut and the next one reaches a live node.
            cluster.wait_routed([node], up=False, timeout=10)
            written = routed.post("/boards", json={"title": "moved", "content": "to a live node"}, auth=alice)
            assert written.status_code == 201
        finally:
            connection.cursor().execute("SET GLOBAL wsrep_provider_options = 'gmcast.isolate=0'")
    cluster.wait_synced([node])
    cluster.wait_routed([node])
    assert straight.get(f"/boards/{written.json['id']}", auth=alice).status_code == 200
    assert sign_up_with(straight)  # and it writes again


def test_conflicting_writes_on_three_nodes_are_retried_then_409_never_500(cluster, config, request, capsys):
    apps = [create_app(on_node(config, node)) for node in cluster.nodes]
    alice = sign_up_with(apps[0].test_client())
    board_id = apps[0].test_client().post("/boards", json={"title": "t", "content": "c"}, auth=alice).json["id"]
    conflicts_before = conflicts(cluster)

    def change_title(n):
        response = apps[n % 3].test_client().patch(f"/boards/{board_id}", json={"title": f"title {n}"}, auth=alice)
        return response.status_code, response.headers.get("Retry-After")

    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(change_title, range(300)))
    statuses = Counter(status for status, _ in answers)
    refused_at_commit = conflicts(cluster) - conflicts_before
    report(request, capsys, f"300 PATCHes of one board, 12 at a time on three nodes: {dict(statuses)}; "
                            f"the cluster refused {refused_at_commit} writes at COMMIT (certification)")
    assert set(statuses) <= {200, 409}
    assert all(retry_after for status, retry_after in answers if status == 409)
    assert refused_at_commit > 0, "no write conflicted: the test did not test retries"


def test_keyset_pages_visit_every_row_once_while_three_nodes_insert(cluster, config, apps):
    _, alice = sign_up(apps[0].url)
    for n in range(150):  # written through all three nodes, so that their ids interleave
        assert requests.post(f"{apps[n % 3].url}/boards", json={"title": f"old {n}", "content": "c"},
                             auth=alice, timeout=REQUEST_TIMEOUT).status_code == 201
    with cluster.connect(cluster.nodes[0], database=config["MYSQL_DB"]) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT id FROM boards")
        existing = {row[0] for row in cursor.fetchall()}

    stop = threading.Event()

    def insert_until_stopped(app):
        # A writer of its own per node: one author's board count written on three nodes at
        # once would conflict (docs/scaling.md), which is not what this test is about.
        _, writer = sign_up(app.url)
        with requests.Session() as session:
            while not stop.is_set():
                assert session.post(f"{app.url}/boards", json={"title": "new", "content": "c"},
                                    auth=writer, timeout=REQUEST_TIMEOUT).status_code == 201

    with ThreadPoolExecutor(3) as writers:
        running = [writers.submit(insert_until_stopped, app) for app in apps]
        try:
            time.sleep(0.5)  # the writers have signed up and are writing
            seen = []
            url, page = f"{apps[0].url}/boards?limit=20", 0
            while url:
                # Each page from the next app process: a cursor written on one node, read on another.
                url = apps[page % 3].url + urlsplit(url)._replace(scheme="", netloc="").geturl()
                response = requests.get(url, auth=alice, timeout=REQUEST_TIMEOUT)
                assert response.status_code == 200
                seen += [board["id"] for board in response.json()]
                url, page = next_link(response), page + 1
                time.sleep(0.02)
        finally:
            stop.set()
        for writer in running:
            writer.result()
    assert [board_id for board_id, times in Counter(seen).items() if times > 1] == []
    assert existing - set(seen) == set()
    assert len(seen) > len(existing), "nothing was inserted while the pages were read"


def test_failed_sign_ins_for_one_email_are_counted_once_across_three_app_processes(apps):
    _, (email, password) = sign_up(apps[0].url)
    statuses = [requests.get(f"{apps[n % 3].url}/users/me", auth=(email, "wrong password")).status_code
                for n in range(3 * FAILED_LOGINS_ALLOWED)]
    assert statuses == [401] * FAILED_LOGINS_ALLOWED + [429] * (2 * FAILED_LOGINS_ALLOWED)
    assert [requests.get(f"{app.url}/users/me", auth=(email, password)).status_code for app in apps] == [429] * 3


def test_failed_sign_ins_sent_at_once_to_three_app_processes_are_held_to_the_limit(apps):
    # Guesses for one email take turns through a lock in Redis (core/throttle.py), so no process
    # checks a guess against a count that another's failure is about to raise.
    _, (email, _) = sign_up(apps[0].url)

    def guess(n):
        return requests.get(f"{apps[n % 3].url}/users/me", auth=(email, f"wrong {n}"),
                            timeout=REQUEST_TIMEOUT).status_code

    with ThreadPoolExecutor(3 * FAILED_LOGINS_ALLOWED) as pool:
        statuses = Counter(pool.map(guess, range(3 * FAILED_LOGINS_ALLOWED)))
    assert statuses == {401: FAILED_LOGINS_ALLOWED, 429: 2 * FAILED_LOGINS_ALLOWED}


@dataclass
@dataclass
class TakeOut:
    """When a node was killed, dropped by the others, restarted, synced and routed again."""

    killed: float
    evicted: float
    restarted: float
    rejoined: float
    routed: float
    log_before_restart: int  # the size of its log when it was restarted


def kill_and_bring_back(cluster, victim, timeout=60):
    """SIGKILL a node; restart it once the others have dropped it; wait until it is synced and routed."""
    cluster.kill_node(victim)
    killed = time.monotonic()
    # The others wait evs.suspect_timeout (5 s) before they give up on it; a node
    # restarted sooner than that is still a member, and its return holds them up longer.
    survivor = next(node for node in cluster.nodes if node is not victim)
    while cluster.status(survivor)["wsrep_cluster_size"] != str(len(cluster.nodes) - 1):
        assert time.monotonic() < killed + timeout, f"{victim.name} was not dropped from the cluster"
        time.sleep(0.1)
    evicted = time.monotonic()
    log_before_restart = victim.log.stat().st_size
    restarted = time.monotonic()
    cluster.start_node(victim)
    cluster.wait_synced([victim], timeout=timeout)
    rejoined = time.monotonic()
    cluster.wait_routed([victim], timeout=10)
    return TakeOut(killed, evicted, restarted, rejoined, time.monotonic(), log_before_restart)


def test_a_node_killed_under_write_load_loses_no_acknowledged_write_and_rejoins(cluster, config, apps, request, capsys):
    victim = cluster.nodes[1]
    writers = [sign_up(app.url)[1] for app in apps]
    calls, written = [], {}
    stop = threading.Event()

    def write_until_stopped(index, worker):
        """POST boards through app `index`; read each one back through the next app (node)."""
        app, reader, credentials = apps[index], apps[(index + 1) % 3], writers[index]
        with requests.Session() as session:
            n = 0
            while not stop.is_set():
                title = f"load {index}.{worker}.{n}"
                started = time.monotonic()
                response = session.post(f"{app.url}/boards", json={"title": title, "content": title},
                                        auth=credentials, timeout=REQUEST_TIMEOUT)
                calls.append(Call(f"app {index} write", started, time.monotonic(), response.status_code,
                                  response.headers.get("Retry-After")))
                if response.status_code == 201:
                    board_id = response.json()["id"]
                    written[board_id] = title
                    started = time.monotonic()
                    read = session.get(f"{reader.url}/boards/{board_id}", auth=credentials, timeout=REQUEST_TIMEOUT)
                    calls.append(Call(f"app {(index + 1) % 3} read", started, time.monotonic(), read.status_code,
                                      read.headers.get("Retry-After")))
                    # Never a 404: the node that answers waits until it has the new board.
                    assert read.status_code in (200, 503)
                    assert read.status_code == 503 or read.json()["title"] == title
                n += 1

    with ThreadPoolExecutor(3 * WRITERS_PER_APP) as pool:
        started_at = time.monotonic()
        running = [pool.submit(write_until_stopped, index, worker)
                   for index in range(3) for worker in range(WRITERS_PER_APP)]
        try:
            time.sleep(KILL_AFTER_SECONDS)
            out = kill_and_bring_back(cluster, victim)
            time.sleep(max(0.0, started_at + LOAD_SECONDS - time.monotonic()))
        finally:
            stop.set()
        for writer in running:
            writer.result()

    statuses = Counter(call.status for call in calls)
    during_kill = [call for call in calls if call.ended >= out.killed and call.started <= out.routed]
    failed_during_kill = [call for call in during_kill if call.status >= 300]
    slowest = max(call.ended - call.started for call in calls)
    slow = [call for call in calls if call.ended - call.started > 1]
    slow_window = (f"{min(c.started for c in slow) - started_at:.1f}-{max(c.ended for c in slow) - started_at:.1f} s"
                   if slow else "none")
    report(request, capsys,
           f"{len(calls)} requests in {LOAD_SECONDS} s (6 writers on 3 app processes, each write read back "
           f"through another node): {dict(statuses)}; {victim.name} SIGKILLed at {out.killed - started_at:.1f} s, "
           f"left the cluster's view {out.evicted - out.killed:.1f} s later and was restarted, synced "
           f"{out.rejoined - out.restarted:.1f} s after its restart (IST), "
           f"routed again {out.routed - out.rejoined:.1f} s later; from the kill until then "
           f"{len(failed_during_kill)} of {len(during_kill)} requests failed "
           f"({100 * len(failed_during_kill) / max(1, len(during_kill)):.1f}%); failures (with Retry-After) at "
           f"{', '.join(f'{call.started - started_at:.1f}' for call in calls if call.status >= 300) or 'none'} s; "
           f"slowest answer {slowest:.2f} s; {len(slow)} answers took over 1 s (within {slow_window})")

    assert statuses[500] == 0
    assert set(statuses) <= {200, 201, 409, 503}
    assert all(call.retry_after for call in calls if call.status in (409, 503))
    # Every acknowledged write is on every node, the killed one included.
    for node in cluster.nodes:
        with cluster.connect(node, database=config["MYSQL_DB"]) as connection:
            cursor = connection.cursor()
            cursor.execute("SELECT id, title FROM boards WHERE title LIKE 'load %%'")
            stored = dict(cursor.fetchall())
        assert {board_id: stored.get(board_id) for board_id in written} == written, node.name
    # It caught up with only the write sets it missed (IST), not a copy of the datadir, and
    # HAProxy sends its listener's connections to it again.
    with open(victim.log, errors="replace") as log:
        log.seek(out.log_before_restart)
        assert "IST received" in log.read()
    assert cluster.node_behind(victim.listen_port) == victim.name
    assert requests.get(f"{apps[1].url}/health", timeout=REQUEST_TIMEOUT).status_code == 200


@contextmanager
def node_sql(cluster, node, config):
    """sql(statement, *params) -> rows as dicts, on this node's copy of the test database."""
    with cluster.connect(node, database=config["MYSQL_DB"], cursorclass=DictCursor) as connection:
        def sql(statement, *params):
            cursor = connection.cursor()
            cursor.execute(statement, params or None)
            return list(cursor.fetchall())

        yield sql


def take_out_of_haproxy(cluster, node):
    """Desync a node (a donor's state) until HAProxy has taken it out, cutting its sessions; then resync it."""
    with cluster.connect(node) as connection:
        connection.cursor().execute("SET GLOBAL wsrep_desync = ON")
        try:
            cluster.wait_routed([node], up=False, timeout=10)
        finally:
            connection.cursor().execute("SET GLOBAL wsrep_desync = OFF")
    cluster.wait_routed([node], timeout=10)


def lines_in_logs(apps, text):
    return sum(Path(app.log_path).read_text(errors="replace").count(text) for app in apps)


def test_transactions_cut_when_nodes_are_taken_out_are_whole_or_absent_and_counts_stay_exact(
        cluster, config, apps, request, capsys):
    # Every write that runs a transaction, over and over through the three app processes, while
    # HAProxy takes node 3, node 1 and node 3 again out for a moment, cutting their sessions,
    # then node 2 is killed and brought back.
    desynced, victim, checker = cluster.nodes[2], cluster.nodes[1], cluster.nodes[0]
    sent, not_prepared = [], Counter()
    stop = threading.Event()
    reruns_before = lines_in_logs(apps, RERUN_LOG_TEXT)

    def write_until_stopped(index, worker):
        client = AppClient(apps[index].url, REQUEST_TIMEOUT)
        with node_sql(cluster, checker, config) as sql:
            n = worker
            while not stop.is_set():
                path, n = WRITE_PATHS[n % len(WRITE_PATHS)], n + 1
                try:
                    state = path.prepare(client, sql)
                except NotPrepared:
                    not_prepared[path.name] += 1  # the load runs on; only what was sent is checked
                    continue
                sent.append((path, state, path.send(client, state)))

    with ThreadPoolExecutor(3 * WRITERS_PER_APP) as pool:
        running = [pool.submit(write_until_stopped, index, index * WRITERS_PER_APP + worker)
                   for index in range(3) for worker in range(WRITERS_PER_APP)]
        try:
            time.sleep(TAKE_OUT_AFTER_SECONDS)
            for node in (desynced, cluster.nodes[0], desynced):
                take_out_of_haproxy(cluster, node)
            kill_and_bring_back(cluster, victim)
            time.sleep(1)
        finally:
            stop.set()
        for writer in running:
            writer.result()

    problems, outcomes = [], Counter()
    with node_sql(cluster, checker, config) as sql:
        for path, state, response in sent:
            outcome = path.outcome(sql, state, response)
            outcomes[response.status_code, outcome] += 1
            if response.status_code not in (path.success, 409, 503):
                problems.append(f"{path.name} answered {response.status_code}")
            elif response.status_code != path.success and not response.headers.get("Retry-After"):
                problems.append(f"{path.name} answered {response.status_code} without Retry-After")
            if outcome not in (WRITTEN, ABSENT):
                problems.append(f"{path.name} answered {response.status_code}: {outcome}")
            elif response.status_code == path.success and outcome != WRITTEN:
                problems.append(f"{path.name} answered {response.status_code} and is not written")
    miscounted_on = {}
    for node in cluster.nodes:
        with node_sql(cluster, node, config) as sql:
            miscounted_on[node.name] = miscounted(sql)
    report(request, capsys,
           f"{len(sent)} transactional writes ({', '.join(path.name for path in WRITE_PATHS)}) by "
           f"{3 * WRITERS_PER_APP} writers on 3 app processes while HAProxy took nodes out three times "
           f"and {victim.name} was killed and brought back: "
           + ", ".join(f"{n} x {status} {outcome}" for (status, outcome), n in sorted(outcomes.items()))
           + f"; {lines_in_logs(apps, RERUN_LOG_TEXT) - reruns_before} transactions ran again after losing "
           f"their connection; {sum(not_prepared.values())} writes not sent, their preparation refused")
    assert problems == []
    assert miscounted_on == {node.name: [] for node in cluster.nodes}
