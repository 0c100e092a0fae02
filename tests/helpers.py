"""Small helpers the test modules share: a free port, calls released at once, a statement
count, and the record of one request made under load."""

import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import MySQLdb


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def all_at_once(calls):
    """Run the calls in threads released together; return their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


class StatementCounter:
    """Counts the statements the app sends through MySQLdb's cursors."""

    def __init__(self, monkeypatch):
        self.count = 0
        original = MySQLdb.cursors.BaseCursor.execute

        def counting_execute(cursor, query, args=None):
            self.count += 1
            return original(cursor, query, args)

        monkeypatch.setattr(MySQLdb.cursors.BaseCursor, "execute", counting_execute)


@dataclass
class Call:
    """One request made by a worker of a load: when, and what it answered."""

    worker: str
    started: float
    ended: float
    status: int
    retry_after: str | None
    subject: object = None
