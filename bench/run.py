"""Benchmark oz against its floor (bare Flask + MySQLdb), an alternative (FastAPI + asyncmy, as
written without authentication, and running oz's statements) and an earlier oz (oz-before,
the reference a change is held to).

    .venv/bin/python bench/run.py            # what `make bench` runs
    .venv/bin/python bench/run.py --duration 3 --rounds 1 --deep-boards 200000   # a quick look

It seeds its own database (oz_bench, dropped and recreated) on the server named by MYSQL_HOST,
MYSQL_PORT, MYSQL_USER, MYSQL_PASSWORD (127.0.0.1:3306, root), or on a private mariadbd when
none answers; starts every server with 2 workers on free ports; and drives each scenario with
wrk (bench/wrk/scenario.lua), servers taking turns so drift on a shared machine cancels out.
It prints the table, writes bench/results/<timestamp>.json and puts the table in
bench/README.md.
"""

import argparse
import base64
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import MySQLdb

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
RESULTS = BENCH / "results"
README = BENCH / "README.md"
WRK_SCRIPT = BENCH / "wrk" / "scenario.lua"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO / "tests"))

DATABASE = "oz_bench"
SEED_PASSWORD = "seed-password"  # `flask seed`'s default (cli.py)
# Who oz's requests sign in as, and whom the unauthenticated yardsticks act as: the first
# seeded user of a fresh database.
BENCH_USER = {"BENCH_USER_ID": "1", "BENCH_USER_NAME": "user1", "BENCH_USER_EMAIL": "user1@example.com"}
AUTHORIZATION = "Basic " + base64.b64encode(f"user1@example.com:{SEED_PASSWORD}".encode()).decode()
BOARD_BODY = json.dumps({"title": "Benchmark", "content": "Written by wrk."})  # what POST /boards sends
README_START, README_END = "<!-- results:start -->", "<!-- results:end -->"

# The earlier oz that today's is held to, scenario by scenario in the same run (OZ_BEFORE_KEPT):
# oz before the move of its machinery into core/ and of its seams' fixes. It runs from an export
# of that commit, on its own database seeded by its own code. Move it forward when a change is
# to be measured against the code before it.
BEFORE_COMMIT = "af6084d"
BEFORE_DATABASE = "oz_bench_before"

# name -> how to start it (with 2 workers), whether requests carry credentials and whether it
# takes tokens (runs the Bearer turns); "checkout" runs it from an export of that commit instead
# of this tree. The floor takes a token without reading it, as it takes no password: it signs
# in through the tokens table by one it made itself (bench/floor.py).
SERVERS = {
    "oz": {"command": [sys.executable, "serve.py"], "auth": True, "tokens": True,
           "about": "oz, production entry point: python serve.py (Granian WSGI)"},
    "oz-before": {"command": [sys.executable, "serve.py"], "auth": True, "tokens": True, "checkout": BEFORE_COMMIT,
                  "database": BEFORE_DATABASE,
                  "about": f"oz at {BEFORE_COMMIT}, on its own copy of the data (python serve.py)"},
    "floor": {"command": [sys.executable, "serve.py", "bench.floor:create_app"], "auth": False, "tokens": True,
              "about": "bare Flask + MySQLdb on the same server as oz"},
    "alternative": {"command": [str(BIN / "uvicorn"), "bench.alternative:app", "--workers", "2",
                                "--host", "127.0.0.1", "--port", "{port}"], "auth": False,
                    "about": "FastAPI + asyncmy pool + pydantic under uvicorn"},
    "alternative-same-sql": {"command": [str(BIN / "uvicorn"), "bench.alternative:same_sql_app", "--workers", "2",
                                         "--host", "127.0.0.1", "--port", "{port}"], "auth": False,
                             "about": "the alternative running oz's statements, its sign-in lookup included, "
                                      "with nothing verified"},
    "oz-gunicorn-sync": {"command": [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"], "auth": True,
                         "tokens": True, "env": {"OZ_THREADS": "1"}, "about": "oz under gunicorn, 2 sync workers"},
    "oz-gunicorn-gthread": {"command": [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"], "auth": True,
                            "tokens": True, "env": {"OZ_THREADS": "2"},
                            "about": "oz under gunicorn, 2 gthread workers with 2 threads"},
}
COMPARED = ("oz", "oz-before", "floor", "alternative")
# The servers that also serve the deep pages at 1,000,000 boards.
DEEP_COMPARED = ("oz", "floor", "alternative")


def cursor_before(board_id):
    return base64.urlsafe_b64encode(f"before:{board_id}".encode()).decode()


# The Bearer scenarios' Authorization: each of oz's servers is sent one it minted itself
# (oz-before has its own database), the floor oz's; put in by run_wrk.
BEARER_AUTH = "Bearer {token}"


def scenarios(boards):
    """The main scenarios: (name, label, path, extra wrk environment).

    The Bearer ones send a token instead of the password, to oz's servers and the floor (the
    alternative takes no credentials): each is measured against its Basic twin.
    """
    bearer = {"BENCH_AUTH": BEARER_AUTH}
    return [
        ("board_by_id", "GET /boards/{id}", "/boards", {"BENCH_ID_RANGE": f"1:{boards}"}),
        ("board_by_id_bearer", "GET /boards/{id} (Bearer)", "/boards", {"BENCH_ID_RANGE": f"1:{boards}", **bearer}),
        ("users_me", "GET /users/me", "/users/me", {}),
        ("users_me_bearer", "GET /users/me (Bearer)", "/users/me", bearer),
        ("first_page", "GET /boards?limit=20", "/boards?limit=20", {}),
        ("post_board", "POST /boards", "/boards",
         {"BENCH_BODY": BOARD_BODY}),
    ]


# Each Bearer scenario and its Basic twin; a token must serve BEARER_KEPT × Basic's req/s.
BASIC_TWIN = {"board_by_id_bearer": "board_by_id", "users_me_bearer": "users_me"}
BEARER_KEPT = 0.95


def runs_on(server, key):
    """Whether a scenario runs on a server: the Bearer ones only on those that take tokens."""
    return key not in BASIC_TWIN or server.spec.get("tokens", False)


DEEP_SCENARIOS = [
    ("first_page", "GET /boards?limit=20", "/boards?limit=20", {}),
    # Near the end of the newest-first order: the last full page before the oldest boards.
    ("deep_page", "GET /boards?limit=20&cursor=(near the end)", f"/boards?limit=20&cursor={cursor_before(41)}", {}),
]


# The readers of GET /feed: one follows 500 of the seeded users, the
# other 3 users who wrote 30 boards in all, spread evenly over the table.
DENSE_FOLLOWS, SPARSE_AUTHORS, SPARSE_BOARDS = 500, 3, 30
RECOUNT_USERS = (REPO / "sql" / "counters" / "recount_users.sql").read_text(encoding="utf-8")
# The share of oz-before's rate that oz must keep on every main scenario, in the same run.
OZ_BEFORE_KEPT = 0.95
# The goal against the yardsticks on every main scenario, in the same run: at least FastAPI's
# rate, and most of the floor's.
ALTERNATIVE_KEPT = 1.0
FLOOR_KEPT = 0.85
# What one of oz's worker processes may hold in memory at most.
WORKER_RSS_MIB = 64


def basic_authorization(email):
    return "Basic " + base64.b64encode(f"{email}:{SEED_PASSWORD}".encode()).decode()


def add_feed_readers(env, settings):
    """Seed the dense and the sparse reader; return the four feed scenarios.

    Both readers and the sparse reader's authors are seeded users (so they sign in with the
    seed's password); the follows and the authors' boards are set directly, then every user's
    counts are recounted. Page 51 of the dense feed starts after its 1,000th board; the sparse
    feed has only two pages (30 boards), so its deep page is its last.
    """
    flask(env, "seed", "--users", str(2 + SPARSE_AUTHORS), "--boards", "0")
    with connect(settings) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT id, email FROM users ORDER BY id")
        users = cursor.fetchall()
        (dense, dense_email), (sparse, sparse_email) = users[-2 - SPARSE_AUTHORS:-SPARSE_AUTHORS]
        authors = [user_id for user_id, _ in users[-SPARSE_AUTHORS:]]
        followed = [user_id for user_id, _ in users[:-2 - SPARSE_AUTHORS:2]][:DENSE_FOLLOWS]
        cursor.executemany("INSERT INTO follows (follower_id, followee_id) VALUES (%s, %s)",
                           [(dense, user_id) for user_id in followed] + [(sparse, user_id) for user_id in authors])
        cursor.execute("SELECT MAX(id) FROM boards")
        last_board = cursor.fetchone()[0]
        for n in range(SPARSE_BOARDS):
            cursor.execute("UPDATE boards SET user_id = %s WHERE id = %s",
                           (authors[n % SPARSE_AUTHORS], last_board * (2 * n + 1) // (2 * SPARSE_BOARDS)))
        cursor.execute(RECOUNT_USERS)
        cursor.execute("ANALYZE TABLE users, follows, boards")

        def cursor_after(reader, boards):
            """The feed's cursor after its first `boards` boards."""
            cursor.execute("SELECT b.id FROM boards AS b JOIN follows AS f ON f.follower_id = %s "
                           "AND f.followee_id = b.user_id ORDER BY b.id DESC LIMIT 1 OFFSET %s", (reader, boards - 1))
            return cursor_before(cursor.fetchone()[0])

        dense_auth = {"BENCH_AUTH": basic_authorization(dense_email)}
        sparse_auth = {"BENCH_AUTH": basic_authorization(sparse_email)}
        return [
            ("feed_dense_first", "GET /feed (follows 500), first page", "/feed?limit=20", dense_auth),
            ("feed_dense_deep", "GET /feed (follows 500), page 51", f"/feed?limit=20&cursor={cursor_after(dense, 1000)}",
             dense_auth),
            ("feed_sparse_first", "GET /feed (follows 3: 30 boards), first page", "/feed?limit=20", sparse_auth),
            ("feed_sparse_last", "GET /feed (follows 3: 30 boards), page 2 (its last)",
             f"/feed?limit=20&cursor={cursor_after(sparse, 20)}", sparse_auth),
        ]


def check_feed_pages(server, feed_scenarios):
    """Each feed scenario must answer a full page (the last: the sparse feed's 10 left)."""
    for key, label, path, extra_env in feed_scenarios:
        status, _, body = server.get(path, extra_env["BENCH_AUTH"])
        expected = 10 if key == "feed_sparse_last" else 20
        if status != 200 or len(body) != expected:
            raise SystemExit(f"{label}: {path} answered {status} with {len(body or [])} boards, not {expected}")


# --- the database -----------------------------------------------------------------------------

def database_settings():
    """The MySQL server from MYSQL_*; a private mariadbd when none answers (and its handle)."""
    settings = {
        "MYSQL_HOST": os.environ.get("MYSQL_HOST", "127.0.0.1"),
        "MYSQL_PORT": os.environ.get("MYSQL_PORT", "3306"),
        "MYSQL_USER": os.environ.get("MYSQL_USER", "root"),
        "MYSQL_PASSWORD": os.environ.get("MYSQL_PASSWORD", ""),
    }
    try:
        connect(settings, database=None).close()
        return settings, None
    except MySQLdb.OperationalError as error:
        print(f"No MySQL server at {settings['MYSQL_HOST']}:{settings['MYSQL_PORT']} ({error.args[1]}); "
              "starting a private one.")
    from private_server import PrivateServer
    server = PrivateServer()
    server.start()
    return {"MYSQL_HOST": server.host, "MYSQL_PORT": str(server.port), "MYSQL_USER": server.user,
            "MYSQL_PASSWORD": server.password}, server


def bench_environment():
    """The database settings, the private mariadbd started when none answers (or None), and
    the environment the benchmark's servers and commands run with."""
    settings, private_server = database_settings()
    return settings, private_server, {**os.environ, **settings, **BENCH_USER, "MYSQL_DB": DATABASE}


def connect(settings, database=DATABASE):
    return MySQLdb.connect(host=settings["MYSQL_HOST"], port=int(settings["MYSQL_PORT"]),
                           user=settings["MYSQL_USER"], password=settings["MYSQL_PASSWORD"],
                           connect_timeout=3, autocommit=True, **({"database": database} if database else {}))


def server_version(settings):
    with connect(settings, database=None) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT VERSION()")
        return cursor.fetchone()[0]


def questions(connection):
    """The server's count of statements received so far (SHOW GLOBAL STATUS counts itself)."""
    cursor = connection.cursor()
    cursor.execute("SHOW GLOBAL STATUS LIKE 'Questions'")
    return int(cursor.fetchone()[1])


def flask(env, *args, tree=REPO):
    subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=tree, env=env, check=True)


def fresh_database(env, users, boards, tree=REPO):
    """Drop and re-create env's MYSQL_DB with the schema and seed of the code in `tree`."""
    with connect(env, database=None) as connection:
        connection.cursor().execute(f"DROP DATABASE IF EXISTS `{env['MYSQL_DB']}`")
    flask(env, "init-db", tree=tree)
    flask(env, "seed", "--users", str(users), "--boards", str(boards), tree=tree)


def export_commit(commit, directory):
    """The files of `commit` (git archive) in `directory`, to run oz as it was then."""
    directory.mkdir()
    archive = subprocess.run(["git", "archive", commit], cwd=REPO, capture_output=True)
    if archive.returncode:
        raise SystemExit(f"oz-before needs commit {commit} of this repository (a full clone; in a shallow "
                         f"one, `git fetch --unshallow`): {archive.stderr.decode().strip()}")
    subprocess.run(["tar", "-x", "-C", str(directory)], input=archive.stdout, check=True)
    return directory


# --- the servers ------------------------------------------------------------------------------

def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RunningServer:
    """One server under test, in its own process group, logging to a file."""

    def __init__(self, name, spec, env, log_dir, tree=REPO):
        self.name, self.spec = name, spec
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"{name}.log"
        command = [part.format(port=self.port) for part in spec["command"]]
        server_env = {**env, "WEB_CONCURRENCY": "2", **spec.get("env", {}), "HOST": "127.0.0.1",
                      "PORT": str(self.port), "PYTHONPATH": str(tree)}
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, cwd=tree, env=server_env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        self.rss_mib = 0.0  # all its processes together
        self.largest_rss_mib = 0.0  # its largest process (a worker)
        self.token = None

    def wait_until_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                self.get("/boards/1")
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"{self.name} did not start; its log:\n{self.log_path.read_text()[-3000:]}")

    def get(self, path, authorization=None):
        """GET a path with these credentials, or the benchmark user's password where the server
        takes one: status, headers, JSON."""
        request = urllib.request.Request(self.url + path)
        authorization = authorization or (AUTHORIZATION if self.spec["auth"] else None)
        if authorization:
            request.add_header("Authorization", authorization)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, error.headers, None

    def sample_rss(self):
        """Remember the largest total resident memory its worker processes have reached."""
        sizes = [rss_kib(pid) / 1024 for pid in descendants(self.process.pid)]
        self.rss_mib = max(self.rss_mib, sum(sizes))
        self.largest_rss_mib = max(self.largest_rss_mib, *sizes, 0)

    def mint_token(self):
        """A 30-day token for the benchmark's user, through oz's own POST /tokens."""
        request = urllib.request.Request(self.url + "/tokens", data=json.dumps({"expires_in": 2_592_000}).encode(),
                                         headers={"Authorization": AUTHORIZATION,
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)["token"]

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def descendants(pid):
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        found.append(child)
        todo.extend(children.get(child, []))
    return found


def rss_kib(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def check_same_json(servers):
    """The yardsticks must answer exactly what oz answers, or the comparison means nothing.

    oz-before is the older oz itself: its boards have no comment count and its users no
    profile counts, so it is held only to answering each path with 200. Signed in with a token,
    oz and the floor answer what oz answers to the password.
    """
    oz = servers["oz"]
    for path in ("/boards/5", "/users/me", "/boards?limit=3"):
        status, headers, body = oz.get(path)
        for other in servers.values():
            if "checkout" in other.spec:
                if other.get(path)[0] != 200:
                    raise SystemExit(f"{other.name} does not answer {path} with 200")
                continue
            other_status, other_headers, other_body = other.get(path)
            if (other_status, other_body) != (status, body):
                raise SystemExit(f"{other.name} answers {path} differently from oz:\n"
                                 f"  oz: {status} {body}\n  {other.name}: {other_status} {other_body}")
            if path.startswith("/boards?") and not other_headers.get("Link"):
                raise SystemExit(f"{other.name} sends no Link header for {path}")
            if other.spec.get("tokens"):
                with_token = other.get(path, BEARER_AUTH.format(token=other.token))
                if with_token[::2] != (status, body):
                    raise SystemExit(f"{other.name} answers {path} with a token differently from oz:\n"
                                     f"  oz: {status} {body}\n  {other.name}: {with_token[0]} {with_token[2]}")


# --- the load ---------------------------------------------------------------------------------

def run_wrk(server, path, extra_env, args, duration):
    # A scenario may sign in otherwise (a token, the feed's readers): its BENCH_AUTH comes last.
    env = {**os.environ, "BENCH_AUTH": AUTHORIZATION if server.spec["auth"] else "", **extra_env}
    env["BENCH_AUTH"] = env["BENCH_AUTH"].replace("{token}", server.token or "")
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--latency",
               "-s", str(WRK_SCRIPT), server.url + path]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    result = json.loads(next(line for line in reversed(output.splitlines()) if line.startswith("{")))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def turns(scenario_list):
    """The scenarios grouped for taking turns: each Bearer scenario with its Basic twin.

    A server runs the two back to back, so that the ratio the Bearer target reads compares
    turns seconds apart, not half a minute apart on a machine whose speed drifts.
    """
    groups = []
    for scenario in scenario_list:
        if scenario[0] in BASIC_TWIN:
            next(group for group in groups if group[0][0] == BASIC_TWIN[scenario[0]]).append(scenario)
        else:
            groups.append([scenario])
    return groups


def measure(servers, scenario_list, args, settings, rounds):
    """Each scenario on each server, `rounds` times, the servers' order turning every time.

    Within a group (a Basic scenario and its Bearer twin) the order turns too, every round.
    """
    names = list(servers)
    groups = turns(scenario_list)
    counter = connect(settings, database=None)
    runs = {(name, key): [] for name in names for key, _, _, _ in scenario_list if runs_on(servers[name], key)}
    for round_number in range(rounds):
        for index, group in enumerate(groups):
            shift = (round_number * len(groups) + index) % len(names)
            in_turn = group if round_number % 2 == 0 else group[::-1]
            for name in names[shift:] + names[:shift]:
                server = servers[name]
                for key, label, path, extra_env in in_turn:
                    if not runs_on(server, key):
                        continue
                    before = questions(counter)
                    result = run_wrk(server, path, extra_env, args, args.duration)
                    result["sql_per_request"] = (questions(counter) - before - 1) / max(result["requests"], 1)
                    server.sample_rss()
                    runs[(name, key)].append(result)
                    print(f"  round {round_number + 1}  {label:<28} {name:<20} {result['rps']:8.0f} req/s  "
                          f"p50 {result['p50_us'] / 1000:6.2f} ms  non-2xx {result['non_2xx']}", flush=True)
    counter.close()
    return {key: summarize(results) for key, results in runs.items()}


def summarize(results):
    return {
        "rps": statistics.mean(r["rps"] for r in results),
        "p50_ms": statistics.mean(r["p50_us"] for r in results) / 1000,
        "p99_ms": statistics.mean(r["p99_us"] for r in results) / 1000,
        "non_2xx": sum(r["non_2xx"] + r["socket_errors"] for r in results),
        "sql_per_request": statistics.mean(r["sql_per_request"] for r in results),
        "runs": results,
    }


def warm_up(servers, scenario_list, args):
    for server in servers.values():
        for key, _, path, extra_env in scenario_list:
            if runs_on(server, key):
                run_wrk(server, path, extra_env, args, 1)


# --- the report -------------------------------------------------------------------------------

def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())
    return f"{os.cpu_count()} cores, {cpu}, Linux {platform.release()}, Python {platform.python_version()}"


def ratio(a, b):
    return a / b if b else float("nan")


def round_ratios(oz_cell, cell):
    """oz's req/s over the other server's, round by round: how far the machine's noise moves it."""
    ratios = [ratio(mine["rps"], theirs["rps"]) for mine, theirs in zip(oz_cell["runs"], cell["runs"])]
    return f"{min(ratios):.2f}–{max(ratios):.2f}"


def report(results, scenario_list, deep, feed, servers, meta, targets):
    lines = [
        f"Measured {meta['date']} on {meta['machine']}, {meta['mysql']}; "
        f"{meta['users']} users, {meta['boards']} boards; wrk -t{meta['threads']} -c{meta['connections']}, "
        f"{meta['rounds']} × {meta['duration']} s per cell, servers taking turns. oz signs every request in "
        "(HTTP Basic); the floor runs the same SQL with nothing verified; the alternative does no "
        "authentication, and alternative-same-sql runs oz's statements (the sign-in lookup included) with "
        "nothing verified. oz-before is oz at " + BEFORE_COMMIT + ", on its own copy of the data. The (Bearer) rows send a token instead of the password, to oz's servers (one each "
        "from its POST /tokens) and to the floor (which signs in through the tokens table by one it made), each "
        "server running them next to their Basic twin.",
        "",
        "| scenario | server | req/s | p50 ms | p99 ms | non-2xx | SQL/req | oz/this | by round |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, label, _, _ in scenario_list:
        oz_cell = results[("oz", key)]
        for name in servers:
            if (name, key) not in results:
                continue
            cell = results[(name, key)]
            relative, by_round = ("", "") if name == "oz" else (
                f"{ratio(oz_cell['rps'], cell['rps']):.2f}", round_ratios(oz_cell, cell))
            lines.append(f"| {label} | {name} | {cell['rps']:.0f} | {cell['p50_ms']:.2f} | {cell['p99_ms']:.2f} "
                         f"| {cell['non_2xx']} | {cell['sql_per_request']:.2f} | {relative} | {by_round} |")
    lines += ["", "| server | what | RSS (MiB, all workers) | largest worker's RSS (MiB) |", "|---|---|---:|---:|"]
    lines += [f"| {name} | {server.spec['about']} | {server.rss_mib:.0f} | {server.largest_rss_mib:.0f} |"
              for name, server in servers.items()]
    lines += ["", f"Deep pages at {meta['deep_boards']} boards (p50 of the last page against the first):", "",
              "| server | first page p50 ms | deep page p50 ms | deep/first | deep page req/s |",
              "|---|---:|---:|---:|---:|"]
    for name in deep["servers"]:
        first, last = deep["results"][(name, "first_page")], deep["results"][(name, "deep_page")]
        lines.append(f"| {name} | {first['p50_ms']:.2f} | {last['p50_ms']:.2f} | "
                     f"{ratio(last['p50_ms'], first['p50_ms']):.2f} | {last['rps']:.0f} |")
    list_p50 = deep["results"][("oz", "first_page")]["p50_ms"]
    lines += ["", f"GET /feed at {meta['deep_boards']} boards (oz only; p50 against oz's first page of "
              "GET /boards?limit=20 above):", "",
              "| scenario | req/s | p50 ms | p99 ms | non-2xx | SQL/req | p50 / list's |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for key, label, _, _ in feed["scenarios"]:
        cell = feed["results"][("oz", key)]
        lines.append(f"| {label} | {cell['rps']:.0f} | {cell['p50_ms']:.2f} | {cell['p99_ms']:.2f} | {cell['non_2xx']} "
                     f"| {cell['sql_per_request']:.2f} | {ratio(cell['p50_ms'], list_p50):.2f} |")
    lines += ["", "| target | measured | met |", "|---|---|---|"]
    lines += [f"| {target} | {measured} | {'yes' if met else '**no**'} |" for target, measured, met in targets]
    return "\n".join(lines)


def check_targets(results, scenario_list, deep, feed, servers):
    largest = servers["oz"].largest_rss_mib
    targets = [(f"oz's largest worker ≤ {WORKER_RSS_MIB} MiB resident", f"{largest:.0f}", largest <= WORKER_RSS_MIB)]
    for key, label, _, _ in scenario_list:
        oz = results[("oz", key)]
        # The alternative takes no credentials: a Bearer scenario is held to its Basic twin's.
        alternative_key = BASIC_TWIN.get(key, key)
        if key in BASIC_TWIN:
            basic = results[("oz", BASIC_TWIN[key])]
            bearer_ratio = ratio(oz["rps"], basic["rps"])
            # What the same SQL gives bare Flask: the share of this target the statements allow.
            floor_bearer_ratio = ratio(results[("floor", key)]["rps"], results[("floor", BASIC_TWIN[key])]["rps"])
            targets.append((f"{label}: oz ≥ {BEARER_KEPT} × the same request with Basic",
                            f"{bearer_ratio:.2f} (by round {round_ratios(oz, basic)}; the floor's own: "
                            f"{floor_bearer_ratio:.2f})", bearer_ratio >= BEARER_KEPT))
        floor_ratio = ratio(oz["rps"], results[("floor", key)]["rps"])
        alternative_ratio = ratio(oz["rps"], results[("alternative", alternative_key)]["rps"])
        targets.append((f"{label}: oz ≥ {FLOOR_KEPT} × floor", f"{floor_ratio:.2f}", floor_ratio >= FLOOR_KEPT))
        targets.append((f"{label}: oz ≥ {ALTERNATIVE_KEPT} × alternative", f"{alternative_ratio:.2f}",
                        alternative_ratio >= ALTERNATIVE_KEPT))
        targets.append((f"{label}: oz ≤ 2 SQL statements per request", f"{oz['sql_per_request']:.2f}",
                        oz["sql_per_request"] <= 2 + 0.05))
        before = results[("oz-before", key)]
        before_ratio = ratio(oz["rps"], before["rps"])
        targets.append((f"{label}: oz ≥ {OZ_BEFORE_KEPT} × oz-before ({BEFORE_COMMIT}), same run",
                        f"{before_ratio:.2f} (by round {round_ratios(oz, before)})", before_ratio >= OZ_BEFORE_KEPT))
    first, last = deep["results"][("oz", "first_page")], deep["results"][("oz", "deep_page")]
    deep_ratio = ratio(last["p50_ms"], first["p50_ms"])
    targets.append(("deep page p50 ≤ 1.2 × first page p50 (oz)", f"{deep_ratio:.2f}", deep_ratio <= 1.2))
    for key, label, _, _ in feed["scenarios"]:
        feed_ratio = ratio(feed["results"][("oz", key)]["p50_ms"], first["p50_ms"])
        targets.append((f"{label}: p50 ≤ 2 × GET /boards?limit=20 p50 (oz)", f"{feed_ratio:.2f}", feed_ratio <= 2))
    return targets


def write_readme(table):
    text = README.read_text(encoding="utf-8")
    head, _, rest = text.partition(README_START)
    _, _, tail = rest.partition(README_END)
    README.write_text(f"{head}{README_START}\n{table}\n{README_END}{tail}", encoding="utf-8")


def jsonable(results):
    return {f"{name} {key}": value for (name, key), value in results.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--boards", type=int, default=100_000)
    parser.add_argument("--deep-boards", type=int, default=1_000_000,
                        help="boards in the table for the deep-page comparison")
    # Many short turns rather than a few long ones: the machine's speed drifts within minutes,
    # and the more often the servers take turns, the better that drift cancels out.
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--servers", default=",".join(SERVERS),
                        help=f"which to run ({', '.join(COMPARED)} always): {', '.join(SERVERS)}")
    parser.add_argument("--no-readme", action="store_true", help="leave bench/README.md as it is")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench does it).")
    chosen = list(COMPARED) + [name for name in args.servers.split(",") if name and name not in COMPARED]

    settings, private_server, env = bench_environment()
    log_dir = Path(tempfile.mkdtemp(prefix="oz-bench-"))
    servers = {}
    try:
        print(f"Seeding {DATABASE}: {args.users} users, {args.boards} boards.")
        fresh_database(env, args.users, args.boards)
        for name in chosen:
            spec = SERVERS[name]
            if "checkout" in spec:
                tree = export_commit(spec["checkout"], log_dir / spec["checkout"])
                tree_env = {**env, "MYSQL_DB": spec["database"]}
                print(f"Seeding {spec['database']} with the code of {spec['checkout']}.")
                fresh_database(tree_env, args.users, args.boards, tree=tree)
                servers[name] = RunningServer(name, spec, tree_env, log_dir, tree=tree)
            else:
                servers[name] = RunningServer(name, spec, env, log_dir)
        for server in servers.values():
            server.wait_until_ready()
        for server in servers.values():
            if server.spec.get("tokens"):
                server.token = server.mint_token() if server.spec["auth"] else servers["oz"].token
        check_same_json(servers)
        main_scenarios = scenarios(args.boards)
        print("Warming up.")
        warm_up(servers, main_scenarios, args)
        print("Measuring.")
        results = measure(servers, main_scenarios, args, settings, args.rounds)

        extra = args.deep_boards - args.boards
        print(f"Adding {extra} boards for the deep pages.")
        flask(env, "seed", "--users", "0", "--boards", str(max(extra, 0)))
        deep_servers = {name: servers[name] for name in DEEP_COMPARED}
        warm_up(deep_servers, DEEP_SCENARIOS, args)
        deep = {"servers": list(deep_servers),
                "results": measure(deep_servers, DEEP_SCENARIOS, args, settings, args.rounds)}

        print("Adding the feed's readers.")
        feed_scenarios = add_feed_readers(env, settings)
        feed_servers = {"oz": servers["oz"]}
        check_feed_pages(servers["oz"], feed_scenarios)
        warm_up(feed_servers, feed_scenarios, args)
        feed = {"scenarios": feed_scenarios,
                "results": measure(feed_servers, feed_scenarios, args, settings, args.rounds)}
    finally:
        for server in servers.values():
            server.stop()
        if private_server is not None:
            private_server.remove()

    meta = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
            "mysql": f"MySQL server {server_version(settings) if private_server is None else 'private mariadbd'}",
            "users": args.users, "boards": args.boards, "deep_boards": args.deep_boards,
            "duration": args.duration, "rounds": args.rounds, "threads": args.threads,
            "connections": args.connections}
    targets = check_targets(results, main_scenarios, deep, feed, servers)
    table = report(results, main_scenarios, deep, feed, servers, meta, targets)
    print()
    print(table)
    RESULTS.mkdir(exist_ok=True)
    result_file = RESULTS / f"{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}.json"
    result_file.write_text(json.dumps({
        "meta": meta, "servers": {name: {"about": s.spec["about"], "rss_mib": s.rss_mib,
                                    "largest_rss_mib": s.largest_rss_mib} for name, s in servers.items()},
        "results": jsonable(results), "deep": jsonable(deep["results"]), "feed": jsonable(feed["results"]),
        "targets": [{"target": t, "measured": m, "met": met} for t, m, met in targets],
    }, indent=2), encoding="utf-8")
    print(f"\nWrote {result_file.relative_to(REPO)}")
    if not args.no_readme:
        write_readme(table)
        print(f"Updated {README.relative_to(REPO)}")
    shutil.rmtree(log_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
