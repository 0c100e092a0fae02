"""Instructions per request, oz against the floor, counted by callgrind: `make bench-instructions`.

Requests per second on a shared 2-core machine move by a tenth from run to run; the number
of instructions a request executes in the app process does not. This calls each app's WSGI
entry point directly (no server, no load generator) with the benchmark's requests and
has callgrind count the instructions of N requests after a warm-up, for oz (signed in with
Basic, or with a token it mints through POST /tokens for the Bearer rows) and for the floor
(which takes no credentials, so its Bearer rows are its Basic ones). The database server's
work is not counted: it is the same for both.

    .venv/bin/python bench/instructions.py [--requests 300]

It uses the benchmark's database (oz_bench on MYSQL_HOST, seeded by `make bench`), seeding
it the same way when it is missing. Needs valgrind and a C compiler (for the two-line
library that switches counting on and off around the measured requests).
"""

import argparse
import ctypes
import gc
import io
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import MySQLdb

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.run import (AUTHORIZATION, BENCH_USER, BOARD_BODY, DATABASE, connect,  # noqa: E402
                       database_settings, fresh_database)

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
    if name == "oz":
        import logging

        from app import create_app
        from core.request_log import lean_log_records

        lean_log_records()  # as serve.py does
        app = create_app()
        # The log line is still formatted and written, to /dev/null instead of the terminal.
        logging.getLogger("oz.requests").handlers[0].setStream(open(os.devnull, "w"))
        return app, {"Authorization": AUTHORIZATION}
    from bench.floor import create_app

    return create_app(), {}


def count_in_this_process(name, scenario, requests, library):
    """Run under callgrind: answer `requests` requests with counting switched on."""
    from werkzeug.test import EnvironBuilder

    app, headers = make_app(name)
    method, path, body = SCENARIOS[scenario]
    if scenario.endswith("(Bearer)") and name == "oz":
        headers = {"Authorization": "Bearer " + mint_token(app, headers)}
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


def count(name, scenario, requests, library, env):
    """Instructions per request of one app and scenario, from a callgrind run of this script."""
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null",
         sys.executable, __file__, "--count", name, scenario, "--requests", str(requests),
         "--library", str(library)],
        cwd=REPO, env=env, capture_output=True, text=True)
    collected = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode or not collected:
        raise SystemExit(f"callgrind run failed for {name} {scenario}:\n{result.stderr[-2000:]}")
    return int(collected.group(1)) / requests


def seeded_settings():
    settings, private_server = database_settings()
    env = {**os.environ, **settings, **BENCH_USER, "MYSQL_DB": DATABASE}
    try:
        with connect(settings) as connection:
            cursor = connection.cursor()
            cursor.execute("SELECT COUNT(*) FROM boards")
            seeded = cursor.fetchone()[0] >= 100_000
    except (MySQLdb.OperationalError, MySQLdb.ProgrammingError):  # no such database or table
        seeded = False
    if not seeded:
        fresh_database(env, users=1000, boards=100_000)
    return env, private_server


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="requests counted per app and scenario")
    parser.add_argument("--count", nargs=2, metavar=("APP", "SCENARIO"), help=argparse.SUPPRESS)
    parser.add_argument("--library", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count:
        count_in_this_process(*args.count, args.requests, args.library)
        return

    env, private_server = seeded_settings()
    try:
        with tempfile.TemporaryDirectory() as directory:
            library = build_toggle_library(directory)
            print(f"Instructions per request in the app process (callgrind, {args.requests} requests "
                  "after a warm-up; the database server's work is not counted):\n")
            print("| scenario | oz | floor | oz − floor | oz / floor |")
            print("|---|---:|---:|---:|---:|")
            for scenario in SCENARIOS:
                oz, floor = (count(name, scenario, args.requests, library, env) for name in ("oz", "floor"))
                print(f"| {scenario} | {oz / 1000:,.0f}k | {floor / 1000:,.0f}k | {(oz - floor) / 1000:,.0f}k "
                      f"| {oz / floor:.2f} |", flush=True)
    finally:
        if private_server:
            private_server.stop()


if __name__ == "__main__":
    main()
