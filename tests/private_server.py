"""A private MariaDB/MySQL server for the tests, started from the installed binaries.

It lives in a temporary directory (own datadir, socket and TCP port), answers on 127.0.0.1
as root with an empty password, and can be stopped and started again to test outages.
"""

import getpass
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import MySQLdb

from helpers import free_port

SERVER_BINARIES = ("mariadbd", "mysqld")
INSTALL_DB_BINARIES = ("mariadb-install-db", "mysql_install_db")
SBIN_DIRS = ("/usr/sbin", "/usr/local/sbin", "/usr/libexec")


def find_binary(names):
    search_path = os.pathsep.join([os.environ.get("PATH", ""), *SBIN_DIRS])
    return next((found for name in names if (found := shutil.which(name, path=search_path))), None)


class PrivateServer:
    kind = "private"
    host = "127.0.0.1"
    user = "root"
    password = ""

    def __init__(self, base_dir=None):
        self.server_binary = find_binary(SERVER_BINARIES)
        self.install_db_binary = find_binary(INSTALL_DB_BINARIES)
        if not (self.server_binary and self.install_db_binary):
            raise RuntimeError("no mariadbd/mysqld and mariadb-install-db on this machine")
        self.dir = Path(tempfile.mkdtemp(prefix="oz-mysql-", dir=base_dir))
        self.port = free_port()
        self.process = None
        self.label = f"private {Path(self.server_binary).name} on 127.0.0.1:{self.port} ({self.dir})"
        subprocess.run(
            [self.install_db_binary, "--no-defaults", f"--datadir={self.dir / 'data'}", f"--user={getpass.getuser()}",
             "--auth-root-authentication-method=normal", "--skip-test-db"],
            check=True, capture_output=True,
        )

    def start(self, timeout=30):
        self.process = subprocess.Popen(
            [self.server_binary, "--no-defaults", f"--datadir={self.dir / 'data'}",
             f"--socket={self.dir / 'mysqld.sock'}", f"--port={self.port}",
             "--bind-address=127.0.0.1", f"--user={getpass.getuser()}",
             f"--log-error={self.dir / 'error.log'}", f"--pid-file={self.dir / 'mysqld.pid'}",
             "--skip-name-resolve", "--innodb-buffer-pool-size=128M",
             "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_520_ci"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                MySQLdb.connect(host=self.host, port=self.port, user=self.user, connect_timeout=2).close()
                return
            except MySQLdb.OperationalError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    log = (self.dir / "error.log").read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"the private server did not start:\n{log}") from None
                time.sleep(0.1)

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def remove(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
