"""A Redis server for the throttling tests: the one at 127.0.0.1:6379, or a private one.

The private server is started from the installed redis-server (Debian: apt-get install
redis-server) on a free port, keeps nothing on disk, and is stopped after the run.
"""

import shutil
import socket
import subprocess
import time

from helpers import free_port

DEFAULT_ADDRESS = ("127.0.0.1", 6379)


def answers_ping(address, timeout=0.5):
    """Whether a Redis server answers PING at this address."""
    try:
        with socket.create_connection(address, timeout=timeout) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class PrivateRedis:
    """redis-server on a free 127.0.0.1 port, in memory only."""

    def __init__(self):
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("no redis-server on this machine (Debian: apt-get install redis-server)")
        self.port = free_port()
        self.process = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not answers_ping(("127.0.0.1", self.port)):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the private redis-server did not start")
            time.sleep(0.05)

    @property
    def uri(self):
        return f"redis://127.0.0.1:{self.port}"

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
