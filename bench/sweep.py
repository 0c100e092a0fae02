"""Workers × threads per worker for `python serve.py`, swept on this machine: `make bench-sweep`.

Each setting runs as its own oz server (WEB_CONCURRENCY workers, OZ_THREADS threads each, one
MySQL connection per thread) on the benchmark's data, and the servers take turns at the
benchmark's scenarios with wrk, as in `make bench`. It prints requests per second for each
setting and writes bench/results/sweep-<timestamp>.json; bench/README.md ("Workers, threads
and the server's settings") says where the knee is and why.

    .venv/bin/python bench/sweep.py [--settings 2x1,2x2,3x1,3x2,4x1] [--rounds 3] [--duration 4]
"""

import argparse
import json
import shutil
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.run import (DATABASE, RESULTS, RunningServer, bench_environment, fresh_database,  # noqa: E402
                       jsonable, machine, measure, scenarios, warm_up)

SWEPT_SCENARIOS = ("board_by_id", "users_me", "first_page", "post_board")


def server_spec(workers, threads):
    return {"command": [sys.executable, "serve.py"], "auth": True,
            "env": {"WEB_CONCURRENCY": str(workers), "OZ_THREADS": str(threads)},
            "about": f"oz (python serve.py), {workers} workers × {threads} threads"}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--settings", default="2x1,2x2,3x1,3x2,4x1", help="workers x threads, comma-separated")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--boards", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=4, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench-sweep does it).")

    settings, private_server, env = bench_environment()
    swept = [scenario for scenario in scenarios(args.boards) if scenario[0] in SWEPT_SCENARIOS]
    servers = {}
    try:
        print(f"Seeding {DATABASE}: {args.users} users, {args.boards} boards.")
        fresh_database(env, args.users, args.boards)
        with tempfile.TemporaryDirectory(prefix="oz-sweep-") as log_dir:
            for setting in args.settings.split(","):
                workers, threads = (int(number) for number in setting.split("x"))
                servers[setting] = RunningServer(setting, server_spec(workers, threads), env, Path(log_dir))
            for server in servers.values():
                server.wait_until_ready()
            print("Warming up.")
            warm_up(servers, swept, args)
            print("Measuring.")
            results = measure(servers, swept, args, settings, args.rounds)
    finally:
        for server in servers.values():
            server.stop()
        if private_server:
            private_server.stop()

    print(f"\n{machine()}; wrk -t{args.threads} -c{args.connections}, {args.rounds} × {args.duration} s "
          "per cell, the settings taking turns; req/s, mean of the rounds:\n")
    print("| workers × threads | " + " | ".join(label for _, label, _, _ in swept) + " |")
    print("|---|" + "---:|" * len(swept))
    for setting in servers:
        cells = " | ".join(f"{results[(setting, key)]['rps']:.0f}" for key, _, _, _ in swept)
        print(f"| {setting.replace('x', ' × ')} | {cells} |")
    RESULTS.mkdir(exist_ok=True)
    result_file = RESULTS / f"sweep-{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}.json"
    result_file.write_text(json.dumps({
        "meta": {"machine": machine(), "duration": args.duration, "rounds": args.rounds,
                 "threads": args.threads, "connections": args.connections},
        "servers": {name: server.spec["about"] for name, server in servers.items()},
        "results": jsonable(results),
    }, indent=2), encoding="utf-8")
    print(f"\nWrote {result_file.relative_to(REPO)}")


if __name__ == "__main__":
    main()
