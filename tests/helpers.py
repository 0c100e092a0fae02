"""Small helpers the test modules share: a free port, calls released at once, a statement
count, the record of one request made under load, and a TCP relay to a server."""

import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from MySQLdb.connections import Connection


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TcpRelay:
    """Listens on a free port of 127.0.0.1 and relays each connection to the server at
    server_host:server_port, in a thread of its own.

    A subclass says what happens on the way: carry(client, server) passes the bytes until
    either end hangs up, and accepts() may refuse a new connection (it is closed at once).
    """

    host = "127.0.0.1"

    def __init__(self, server_host, server_port):
        self.server_address = (server_host, server_port)
        self.listener = socket.create_server((self.host, 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, name=f"{type(self).__name__}-accept", daemon=True).start()

    def accepts(self):
        return True

    def carry(self, client, server):
        raise NotImplementedError

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # the listener was closed
            if not self.accepts():
                client.close()
                continue
            threading.Thread(target=self._relay, args=(client,), name=f"{type(self).__name__}-relay",
                             daemon=True).start()

    def _relay(self, client):
        with client:
            try:
                server = socket.create_connection(self.server_address)
            except OSError:
                return  # no server there: the client's connection is closed, as a refused one would be
            with server:
                self.carry(client, server)


def all_at_once(calls):
    """Run the calls in threads released together; return their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


class StatementCounter:
    """Counts the statements the app sends to the server: every one goes through MySQLdb's
    Connection.query, which its cursors call too."""

    def __init__(self, monkeypatch):
        self.count = 0
        original = Connection.query

        def counting_query(connection, query):
            self.count += 1
            return original(connection, query)

        monkeypatch.setattr(Connection, "query", counting_query)


@dataclass
class Call:
    """One request made by a worker of a load: when, and what it answered."""

    worker: str
    started: float
    ended: float
    status: int
    retry_after: str | None
    subject: object = None
