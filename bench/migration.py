"""A migration on a big table while oz takes traffic: no failed request, p99 within 5x.

    .venv/bin/python bench/migration.py          # what `make bench-migration` runs

Seeds 1,000 users and 1,000,000 boards into its own database (oz_bench_migration, on the
server bench/run.py uses), serves oz (python serve.py, 2 workers), and keeps a steady load of
reads (GET /boards/{id}) and writes (POST /boards) going from client threads that time every
request. After a quiet-period baseline it applies bench/big_table_migrations/*.sql, as the next
numbered migrations after sql/migrations, with `migrations.upgrade` (what `flask db upgrade`
runs), and compares the p99 of the requests made during each migration with the p99 before.
"""

import argparse
import http.client
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from run import (AUTHORIZATION, BENCH_USER, BOARD_BODY, REPO, RESULTS, SERVERS, RunningServer,
                 connect, database_settings, flask)

sys.path.insert(0, str(REPO))
from core import migrations  # noqa: E402  (the repository is on the path only from here)

DATABASE = "oz_bench_migration"
DEMO_MIGRATIONS = REPO / "bench" / "big_table_migrations"


class Load:
    """Client threads sending requests back to back; every request's start, time and status."""

    def __init__(self, url, readers, writers, boards):
        self.host, self.port = url.removeprefix("http://").split(":")
        self.boards = boards
        self.samples = []  # (started, seconds, status or an error name, kind)
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.send, args=(kind,), daemon=True)
                        for kind in ["read"] * readers + ["write"] * writers]

    def start(self):
        for thread in self.threads:
            thread.start()

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join()

    def send(self, kind):
        connection = http.client.HTTPConnection(self.host, int(self.port), timeout=30)
        headers = {"Authorization": AUTHORIZATION, "Content-Type": "application/json"}
        while not self.stopping.is_set():
            started = time.monotonic()
            try:
                if kind == "read":
                    connection.request("GET", f"/boards/{random.randint(1, self.boards)}", headers=headers)
                else:
                    connection.request("POST", "/boards", body=BOARD_BODY, headers=headers)
                response = connection.getresponse()
                response.read()
                outcome = response.status
            except (OSError, http.client.HTTPException) as error:
                outcome = type(error).__name__
                connection.close()
                connection = http.client.HTTPConnection(self.host, int(self.port), timeout=30)
            self.samples.append((started, time.monotonic() - started, outcome, kind))

    def window(self, start, end):
        return [sample for sample in self.samples if start <= sample[0] < end]


def p99_ms(samples):
    times = sorted(sample[1] for sample in samples)
    return times[min(len(times) - 1, int(len(times) * 0.99))] * 1000 if times else float("nan")


def failed(samples):
    return [s for s in samples if not (isinstance(s[2], int) and 200 <= s[2] < 300)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--boards", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=float, default=15, help="seconds of load before the migration")
    parser.add_argument("--readers", type=int, default=6)
    parser.add_argument("--writers", type=int, default=2)
    args = parser.parse_args()

    settings, private_server = database_settings()
    env = {**os.environ, **settings, **BENCH_USER, "MYSQL_DB": DATABASE}
    config = {"MYSQL_HOST": settings["MYSQL_HOST"], "MYSQL_PORT": int(settings["MYSQL_PORT"]),
              "MYSQL_USER": settings["MYSQL_USER"], "MYSQL_PASSWORD": settings["MYSQL_PASSWORD"],
              "MYSQL_DB": DATABASE, "MYSQL_CONNECT_TIMEOUT": 5}
    work_dir = Path(tempfile.mkdtemp(prefix="oz-bench-migration-"))
    directory = work_dir / "migrations"
    shutil.copytree(migrations.MIGRATIONS_DIR, directory)
    demos = sorted(DEMO_MIGRATIONS.glob("*.sql"))
    for number, demo in enumerate(demos, len(migrations.read_migrations()) + 1):
        shutil.copy(demo, directory / f"{number:04d}_{demo.name}")
    server = None
    try:
        with connect(settings, database=None) as connection:
            connection.cursor().execute(f"DROP DATABASE IF EXISTS `{DATABASE}`")
        print(f"Seeding {DATABASE}: {args.users} users, {args.boards} boards.", flush=True)
        flask(env, "init-db")
        flask(env, "seed", "--users", str(args.users), "--boards", str(args.boards))
        server = RunningServer("oz", SERVERS["oz"], env, work_dir)
        server.wait_until_ready()
        load = Load(server.url, args.readers, args.writers, args.boards)
        load.start()
        time.sleep(2)  # warm-up, not counted
        baseline_start = time.monotonic()
        time.sleep(args.baseline)
        spans = []
        for migration in migrations.read_migrations(directory)[-len(demos):]:
            started = time.monotonic()
            migrations.upgrade(config, directory=directory, target=migration.version)
            spans.append((migration, started, time.monotonic()))
            time.sleep(3)
        load.stop()
    finally:
        if server is not None:
            server.stop()
        if private_server is not None:
            private_server.remove()
        shutil.rmtree(work_dir, ignore_errors=True)

    before = load.window(baseline_start, spans[0][1])
    rows = [("before (baseline)", f"{args.baseline:.0f} s", before)]
    rows += [(migration.label, f"{end - start:.2f} s", load.window(start, end)) for migration, start, end in spans]
    lines = ["| while | lasted | requests | failed | p99 ms (reads) | p99 ms (writes) | p99 ms (all) | p99 / before |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    baseline_p99 = p99_ms(before)
    for label, lasted, samples in rows:
        reads = [s for s in samples if s[3] == "read"]
        writes = [s for s in samples if s[3] == "write"]
        lines.append(f"| {label} | {lasted} | {len(samples)} | {len(failed(samples))} | {p99_ms(reads):.1f} | "
                     f"{p99_ms(writes):.1f} | {p99_ms(samples):.1f} | {p99_ms(samples) / baseline_p99:.2f} |")
    all_failed = failed(load.samples)
    lines.append("")
    lines.append(f"{len(load.samples)} requests in all ({args.readers} reader and {args.writers} writer threads), "
                 f"{len(all_failed)} failed; median request {statistics.median(s[1] for s in load.samples) * 1000:.1f} ms.")
    table = "\n".join(lines)
    print(table)
    RESULTS.mkdir(exist_ok=True)
    result_file = RESULTS / f"migration-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    result_file.write_text(json.dumps({"table": table, "boards": args.boards, "failed": len(all_failed)}, indent=2))
    print(f"Wrote {result_file.relative_to(REPO)}")
    if all_failed:
        raise SystemExit(f"{len(all_failed)} requests failed: {all_failed[:5]}")


if __name__ == "__main__":
    main()
