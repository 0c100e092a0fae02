"""Serve oz in production: `python serve.py` runs it under Granian (WSGI), 2 worker processes.

Granian was picked by measurement (bench/README.md): on the same machine it serves oz more
requests per second than gunicorn's sync or gthread workers. gunicorn still works:
`gunicorn -c gunicorn.conf.py`. Settings come from the environment: HOST (127.0.0.1),
PORT (5000), WEB_CONCURRENCY (worker processes, 2) and OZ_THREADS (threads per worker, 2):
the knee of `make bench-sweep` (bench/README.md); each thread keeps one MySQL connection. The
access log is oz's own (core/request_log.py: one line per request on stderr, never a header,
query string or body), so Granian's is left off.

`python serve.py module:factory` serves another app factory with the same settings (the
benchmark's floor uses it).
"""

import os
import sys
from pathlib import Path

from granian import Granian
from granian.constants import Interfaces

from core.request_log import lean_log_records


def create_server(target="app:create_app", env=os.environ):
    """The Granian server for an app factory, configured from the environment."""
    return Granian(
        target,
        factory=True,
        interface=Interfaces.WSGI,
        address=env.get("HOST", "127.0.0.1"),
        port=int(env.get("PORT", "5000")),
        workers=int(env.get("WEB_CONCURRENCY", "2")),
        blocking_threads=int(env.get("OZ_THREADS", "2")),
        working_dir=Path(__file__).resolve().parent,
        respawn_failed_workers=True,
        # A worker that does not stop within this many seconds of a shutdown is killed.
        workers_kill_timeout=30,
    )


if __name__ == "__main__":
    lean_log_records()  # before the workers start, so that they inherit it
    create_server(*sys.argv[1:2]).serve()
