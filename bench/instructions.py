"""Instructions per request, oz against the floor and oz-before, counted by callgrind:
`make bench-instructions`.

Requests per second on a shared 2-core machine move by a tenth from run to run; the number
of instructions a request executes in the app process does not. This calls each app's WSGI
entry point directly (no server, no load generator) with the benchmark's requests and
has callgrind count the instructions of N requests after a warm-up, for oz and oz-before
(signed in with Basic, or with a token each mints through POST /tokens for the Bearer rows)
and for the floor (which reads no credentials: sent a token, it signs in through the tokens
table by one it made). The database server's work is not counted: it is the same for all three.

    .venv/bin/python bench/instructions.py [--requests 300]

oz runs on the benchmark's database (oz_bench on MYSQL_HOST, as `make bench` leaves it) and
oz-before, exported from BEFORE_COMMIT as `make bench` does, on its own (oz_bench_before);
each is seeded by its own code when it is missing. It prints the table with the goal of
bench/README.md (oz within OZ_BEFORE_SHARE of oz-before's instructions) and writes
bench/results/instructions-<timestamp>.json. Needs valgrind and a C compiler (for the
two-line library that switches counting on and off around the measured requests).
"""

import argparse
import ctypes
import gc
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import MySQLdb

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.run import (AUTHORIZATION, BEFORE_COMMIT, BEFORE_DATABASE, BOARD_BODY, RESULTS,  # noqa: E402
                       bench_environment, connect, export_commit, fresh_database, machine)

# The goal (bench/README.md, "The FastAPI goal"): on every scenario, oz at most this share of
# oz-before's instructions per request.
OZ_BEFORE_SHARE = 0.80

SCENARIOS = {
    "GET /boards/{id}": ("GET", "/boards/4242", None),
    "GET /boards/{id} (Bearer)": ("GET", "/boards/4242", None),
    "GET /users/me": ("GET", "/users/me", None),
    "GET /users/me (Bearer)": ("GET", "/users/me", None),
    "GET /boards?limit=20": ("GET", "/boards?limit=20", None),
    "POST /boards": ("POST", "/boards", BOARD_BODY.encode()),
}
WARM_UP_REQUESTS = 50

TOGGLE_SOURCE = """
#include <valgrind/callgrind.h>
void start_counting(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; }
void stop_counting(void) { CALLGRIND_STOP_INSTRUMENTATION; }
"""


def build_toggle_library(directory):
    source, library = Path(directory) / "toggle.c", Path(directory) / "toggle.so"
    source.write_text(TOGGLE_SOURCE)
    subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    return library


def make_app(name):
    """The app as its server runs it: oz and oz-before (from whichever tree is first on
    sys.path) with their serve.py's logging set-up, or the floor."""
    if name == "floor":
        from bench.floor import create_app

        return create_app(), {}
    import logging

    from app import create_app
    from serve import lean_log_records

    lean_log_records()
    app = create_app()
    # The log line is still formatted and written, to /dev/null instead of the terminal.
    logging.getLogger("oz.requests").handlers[0].setStream(open(os.devnull, "w"))
    return app, {"Authorization": AUTHORIZATION}


def count_in_this_process(name, scenario, requests, library, tree):
    """Run under callgrind: answer `requests` requests with counting switched on."""
    from werkzeug.test import EnvironBuilder

    sys.path.insert(0, tree)  # oz-before's export, or this checkout
    app, headers = make_app(name)
    method, path, body = SCENARIOS[scenario]
    if scenario.endswith("(Bearer)"):
        token = "unread" if name == "floor" else mint_token(app, headers)
        headers = {"Authorization": "Bearer " + token}
    builder = EnvironBuilder(path=path, method=method, headers=headers, data=body,
                             content_type="application/json" if body else None)
    environ = builder.get_environ()
    statuses = []

    def start_response(status, response_headers, exc_info=None):
        statuses.append(status)

    def answer(count):
        for _ in range(count):
            request_environ = dict(environ)
            if body is not None:
                request_environ["wsgi.input"] = io.BytesIO(body)
            response = app(request_environ, start_response)
            b"".join(response)
            if hasattr(response, "close"):  # as a WSGI server does: a list has none
                response.close()

    answer(WARM_UP_REQUESTS)
    # What start-up and the warm-up made is set aside for the garbage collector: otherwise a
    # rare full collection of the whole heap lands in some counts and not others, while over
    # many requests its share averages out to nothing (bench/README.md).
    gc.collect()
    gc.freeze()
    toggle = ctypes.CDLL(library)
    toggle.start_counting()
    answer(requests)
    toggle.stop_counting()
    if not statuses[-1].startswith("20"):
        raise SystemExit(f"{name} {scenario}: answered {statuses[-1]}")


def mint_token(app, headers):
    """A token for the benchmark's user, from the app's own POST /tokens."""
    response = app.test_client().post("/tokens", headers=headers, json={"expires_in": 3600})
    if response.status_code != 201:
        raise SystemExit(f"POST /tokens answered {response.status}")
    return response.get_json()["token"]


def count(name, scenario, requests, library, env, tree):
    """Instructions per request of one app and scenario, from a callgrind run of this script."""
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null",
         sys.executable, __file__, "--count", name, scenario, "--requests", str(requests),
         "--library", str(library), "--tree", str(tree)],
        cwd=tree, env=env, capture_output=True, text=True)
    collected = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode or not collected:
        raise SystemExit(f"callgrind run failed for {name} {scenario}:\n{result.stderr[-2000:]}")
    return int(collected.group(1)) / requests


def seed_if_missing(env, tree=REPO):
    """Seed env's MYSQL_DB with the code in `tree`, as `make bench` does, unless it is seeded."""
    try:
        with connect(env, database=env["MYSQL_DB"]) as connection:
            cursor = connection.cursor()
            cursor.execute("SELECT COUNT(*) FROM boards")
            if cursor.fetchone()[0] >= 100_000:
                return
    except (MySQLdb.OperationalError, MySQLdb.ProgrammingError):  # no such database or table
        pass
    fresh_database(env, users=1000, boards=100_000, tree=tree)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="requests counted per app and scenario")
    parser.add_argument("--count", nargs=2, metavar=("APP", "SCENARIO"), help=argparse.SUPPRESS)
    parser.add_argument("--library", help=argparse.SUPPRESS)
    parser.add_argument("--tree", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count:
        count_in_this_process(*args.count, args.requests, args.library, args.tree)
        return

    _, private_server, env = bench_environment()
    try:
        with tempfile.TemporaryDirectory() as directory:
            library = build_toggle_library(directory)
            before_tree = export_commit(BEFORE_COMMIT, Path(directory) / BEFORE_COMMIT)
            trees = {"oz": (REPO, env), "floor": (REPO, env),
                     "oz-before": (before_tree, {**env, "MYSQL_DB": BEFORE_DATABASE})}
            for tree, app_env in trees.values():
                seed_if_missing(app_env, tree)
            counts, targets = measure(args.requests, library, trees)
    finally:
        if private_server:
            private_server.stop()
    RESULTS.mkdir(exist_ok=True)
    result_file = RESULTS / f"instructions-{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}.json"
    result_file.write_text(json.dumps({
        "meta": {"machine": machine(), "requests": args.requests, "before_commit": BEFORE_COMMIT},
        "instructions_per_request": counts,
        "targets": [{"target": t, "measured": m, "met": met} for t, m, met in targets],
    }, indent=2), encoding="utf-8")
    print(f"\nWrote {result_file.relative_to(REPO)}")


def measure(requests, library, trees):
    """Count every app on every scenario, printing the table as it goes; the counts and targets."""
    print(f"Instructions per request in the app process (callgrind, {requests} requests after a "
          f"warm-up; the database server's work is not counted); oz-before is oz at {BEFORE_COMMIT}:\n")
    print("| scenario | oz | floor | oz-before | oz − floor | oz / floor | oz / oz-before |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    counts, targets = {}, []
    for scenario in SCENARIOS:
        cell = counts[scenario] = {name: count(name, scenario, requests, library, app_env, tree)
                                   for name, (tree, app_env) in trees.items()}
        oz, floor, before = cell["oz"], cell["floor"], cell["oz-before"]
        print(f"| {scenario} | {oz / 1000:,.0f}k | {floor / 1000:,.0f}k | {before / 1000:,.0f}k "
              f"| {(oz - floor) / 1000:,.0f}k | {oz / floor:.2f} | {oz / before:.2f} |", flush=True)
        targets.append((f"{scenario}: oz ≤ {OZ_BEFORE_SHARE:.2f} × oz-before's instructions",
                        f"{oz / before:.2f}", oz / before <= OZ_BEFORE_SHARE))
    print("\n| target | measured | met |\n|---|---|---|")
    for target, measured, met in targets:
        print(f"| {target} | {measured} | {'yes' if met else '**no**'} |")
    return counts, targets


if __name__ == "__main__":
    main()
