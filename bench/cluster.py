"""oz on one database server against oz on a three-node Galera cluster: req/s with wrk.

    .venv/bin/python bench/cluster.py                 # about four minutes
    .venv/bin/python bench/cluster.py --duration 3    # a quick look

Three set-ups, each driven by the four scenarios of bench/run.py:
1. one app process on a plain private mariadbd (no Galera): the yardstick;
2. one app process on one Galera node, through HAProxy: what the cluster costs a request;
3. three app processes, each on its own node through HAProxy (node i's listener), all
   driven at once, their req/s added up.
An app process is `python serve.py` with WEB_CONCURRENCY=1 (one Granian worker) and
OZ_THREADS=2; app process i signs in as seeded user i+1 (--same-user: all as user1, so that
every POST /boards of all three updates one users row: the hot-row case). The cluster and the plain server are private (tests/galera_cluster.py,
tests/private_server.py), seeded with `flask seed`, and removed at the end. It prints the
table (bench/README.md shows it) and writes bench/results/cluster-<timestamp>.json.
"""

import argparse
import base64
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import MySQLdb

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
WRK_SCRIPT = BENCH / "wrk" / "scenario.lua"
sys.path.insert(0, str(REPO / "tests"))

from galera_cluster import GaleraCluster, die_with_parent  # noqa: E402 (after the path)
from private_server import PrivateServer, free_port  # noqa: E402

DATABASE = "oz_bench_cluster"
BIN = Path(sys.executable).parent
SEED_PASSWORD = "seed-password"  # `flask seed`'s default (cli.py)

# bench/run.py's four main scenarios: (label, path, extra wrk environment); a None is filled
# in with the seeded board ids.
SCENARIOS = [
    ("GET /boards/{id}", "/boards", {"BENCH_ID_RANGE": None}),
    ("GET /users/me", "/users/me", {}),
    ("GET /boards?limit=20", "/boards?limit=20", {}),
    ("POST /boards", "/boards", {"BENCH_BODY": json.dumps({"title": "Benchmark", "content": "Written by wrk."})}),
]


def authorization(number):
    """HTTP Basic for seeded user <number>: app process i signs in as user i+1."""
    return "Basic " + base64.b64encode(f"user{number}@example.com:{SEED_PASSWORD}".encode()).decode()


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())
    return f"{os.cpu_count()} cores, {cpu}, Linux {platform.release()}, Python {platform.python_version()}"


class AppProcess:
    """One `python serve.py` on a free port, on the given MySQL port."""

    def __init__(self, mysql_port, log_path, workers, authorization):
        self.authorization = authorization
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        env = {**os.environ, "MYSQL_HOST": "127.0.0.1", "MYSQL_PORT": str(mysql_port), "MYSQL_DB": DATABASE,
               "HOST": "127.0.0.1", "PORT": str(self.port), "WEB_CONCURRENCY": str(workers), "OZ_THREADS": "2"}
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen([sys.executable, "serve.py"], cwd=REPO, env=env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True,
                                            preexec_fn=die_with_parent)

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(f"{self.url}/users/me", headers={"Authorization": self.authorization})
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(request, timeout=5):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise SystemExit(f"the app process did not start:\n{self.log_path.read_text()[-3000:]}")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def seed(port, users, boards):
    """A fresh DATABASE on the server at port, seeded; returns the BENCH_ID_RANGE of its boards."""
    env = {**os.environ, "MYSQL_HOST": "127.0.0.1", "MYSQL_PORT": str(port), "MYSQL_DB": DATABASE}
    flask = [str(BIN / "flask"), "--app", "app"]
    subprocess.run([*flask, "init-db"], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*flask, "seed", "--users", str(users), "--boards", str(boards)], cwd=REPO, env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with MySQLdb.connect(host="127.0.0.1", port=port, user="root", database=DATABASE) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT MIN(id), MAX(id), COUNT(*) FROM boards")
        first, last, count = cursor.fetchone()
    # Seeded through one connection, the ids step evenly: by 1 on one server, by 3 on a node.
    step = (last - first) // (count - 1)
    if first + step * (count - 1) != last:
        raise SystemExit(f"the seeded board ids do not step evenly: {first}..{last}, {count} boards")
    return f"{first}:{last}:{step}"


def run_wrk(app, path, extra_env, args, duration):
    env = {**os.environ, **extra_env, "BENCH_AUTH": app.authorization}
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--latency",
               "-s", str(WRK_SCRIPT), app.url + path]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    result = json.loads(next(line for line in reversed(output.splitlines()) if line.startswith("{")))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def drive(apps, path, extra_env, args, duration):
    """wrk on every app process at once; their req/s added up, their latencies averaged."""
    with ThreadPoolExecutor(len(apps)) as pool:
        results = list(pool.map(lambda app: run_wrk(app, path, extra_env, args, duration), apps))
    return {"rps": sum(r["rps"] for r in results),
            "p50_ms": statistics.mean(r["p50_us"] for r in results) / 1000,
            "p99_ms": statistics.mean(r["p99_us"] for r in results) / 1000,
            "non_2xx": sum(r["non_2xx"] + r["socket_errors"] for r in results),
            "runs": results}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--boards", type=int, default=20_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads per app process")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections per app process")
    parser.add_argument("--workers", type=int, default=1, help="Granian workers per app process")
    parser.add_argument("--same-user", dest="users_apart", action="store_false",
                        help="every app process signs in as user1 (default: app process i as user i+1)")
    args = parser.parse_args()

    log_dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"oz-bench-cluster-{os.getpid()}"
    log_dir.mkdir(exist_ok=True)
    plain, cluster = PrivateServer(), GaleraCluster()
    try:
        plain.start()
        print(f"Starting the Galera cluster ({cluster.dir})...", flush=True)
        cluster.start()
        node_ports = [node.listen_port for node in cluster.nodes]
        print("Seeding both...", flush=True)
        id_ranges = {"plain": seed(plain.port, args.users, args.boards),
                     "galera": seed(node_ports[0], args.users, args.boards)}
        setups = [
            ("one app process, one plain mariadbd", "plain", [plain.port]),
            ("one app process, one Galera node", "galera", node_ports[:1]),
            ("three app processes, three Galera nodes", "galera", node_ports),
        ]
        results = {}
        for label, server, ports in setups:
            apps = [AppProcess(port, log_dir / f"app-{server}-{len(ports)}-{n}.log", args.workers,
                               authorization(n + 1 if args.users_apart else 1))
                    for n, port in enumerate(ports)]
            try:
                for app in apps:
                    app.wait_ready()
                runs = [(scenario_label, path, {name: id_ranges[server] if value is None else value
                                                for name, value in extra_env.items()})
                        for scenario_label, path, extra_env in SCENARIOS]
                for _, path, extra_env in runs:  # warm-up: connections opened, caches filled
                    drive(apps, path, extra_env, args, 1)
                for scenario_label, path, extra_env in runs:
                    cell = results[(label, scenario_label)] = drive(apps, path, extra_env, args, args.duration)
                    print(f"  {label:<42} {scenario_label:<22} {cell['rps']:8.0f} req/s  "
                          f"p50 {cell['p50_ms']:6.2f} ms  p99 {cell['p99_ms']:6.2f} ms  non-2xx {cell['non_2xx']}",
                          flush=True)
            finally:
                for app in apps:
                    app.stop()
    finally:
        cluster.remove()
        plain.remove()

    date = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"\nMeasured {date} on {machine()}; {args.users} users, {args.boards} boards; "
          f"wrk -t{args.threads} -c{args.connections} per app process, {args.duration} s per cell; "
          f"an app process is serve.py with {args.workers} worker(s) × 2 threads, app process i "
          f"signed in as {'user i+1' if args.users_apart else 'user1'}.\n")
    print("| scenario | set-up | req/s | p50 ms | p99 ms | non-2xx |\n|---|---|---:|---:|---:|---:|")
    for (label, scenario_label), cell in results.items():
        print(f"| {scenario_label} | {label} | {cell['rps']:.0f} | {cell['p50_ms']:.2f} | "
              f"{cell['p99_ms']:.2f} | {cell['non_2xx']} |")
    RESULTS.mkdir(exist_ok=True)
    output = RESULTS / f"cluster-{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}.json"
    output.write_text(json.dumps({"date": date, "machine": machine(), "args": vars(args),
                                  "results": [{"setup": label, "scenario": scenario, **cell}
                                              for (label, scenario), cell in results.items()]}, indent=1))
    print(f"\nWrote {output.relative_to(REPO)}")


if __name__ == "__main__":
    main()
