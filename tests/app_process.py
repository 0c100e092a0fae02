"""oz in a process of its own, for tests that need several app processes.

    python tests/app_process.py PORT '{"MYSQL_PORT": 3306, ...}'

A real HTTP server (werkzeug, a thread per request, each thread with its own MySQL
connection) on 127.0.0.1:PORT, serving create_app(config) with the JSON config given. The
AppProcess class starts one, waits until /health answers, and stops it; the process is
killed by the kernel if the test run that started it dies. serve_py_process runs oz's
production server (serve.py) instead.
"""

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from galera_cluster import die_with_parent
from helpers import free_port

REPO = Path(__file__).resolve().parent.parent


class AppProcess:
    def __init__(self, config, log_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, __file__, str(self.port), json.dumps(config)], cwd=REPO,
                stdout=log, stderr=subprocess.STDOUT, preexec_fn=die_with_parent)

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            try:
                if requests.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app process did not start:\n{Path(self.log_path).read_text()[-3000:]}")
            time.sleep(0.1)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@contextlib.contextmanager
def serve_py_process(app_config, log_path):
    """oz's production server (serve.py) in a process of its own, on this run's database."""
    port = free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1", "OZ_THREADS": "2",
           **{key: str(app_config[key]) for key in ("MYSQL_HOST", "MYSQL_PORT", "MYSQL_USER", "MYSQL_PASSWORD",
                                                    "MYSQL_DB")}}
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "serve.py"], cwd=REPO, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log_path.read_text()
            try:
                if requests.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def main():
    sys.path[:0] = [str(REPO), str(REPO / "tests")]
    from werkzeug.serving import make_server

    from app import create_app

    port, config = int(sys.argv[1]), json.loads(sys.argv[2])
    os.chdir(REPO)
    make_server("127.0.0.1", port, create_app(config), threaded=True).serve_forever()


if __name__ == "__main__":
    main()
