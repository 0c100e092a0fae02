"""Three MariaDB Galera nodes behind HAProxy on loopback, in a temporary directory.

For the tests (OZ_TEST_SERVER=galera, tests/test_cluster.py) and for `make cluster`
(scripts/cluster.py). Every node is a private mariadbd (cluster/node.cnf.template) with its
own ports and datadir; beside each runs cluster/nodecheck.py, which HAProxy asks whether the
node is synced (cluster/haproxy.cfg.template). Node 1 bootstraps the cluster, nodes 2 and 3
join it by SST (a copy of node 1's datadir, by rsync).

HAProxy answers on each node's `listen_port` (that node, the others as backups) and on
`any_node_port` (the least busy synced node). `port`, what the test suite and `make cluster`
connect oz to, is node 1's listener: an app process keeps to one node, as docs/scaling.md
advises, and moves to another only when its node is not synced. Every process started here is killed by the kernel if the process that
started it dies (PR_SET_PDEATHSIG), so a test run that is itself killed leaves nothing
running; start and restart nodes from one thread, since the signal follows the thread.
As root the nodes run as the `mysql` user: rsync SST refuses to run as root.
"""

import ctypes
import getpass
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

import MySQLdb

from helpers import free_port
from private_server import INSTALL_DB_BINARIES, SERVER_BINARIES, find_binary

REPO = Path(__file__).resolve().parent.parent
CLUSTER_FILES = REPO / "cluster"
PROVIDERS = ("/usr/lib/galera/libgalera_smm.so", "/usr/lib/galera-4/libgalera_smm.so",
             "/usr/lib64/galera-4/libgalera_smm.so", "/usr/lib64/galera/libgalera_smm.so")
NODE_COUNT = 3
SYNCED = "4"
# Seconds a test's own statement or command may take: a node that hangs fails the test
# instead of stalling the run.
QUERY_TIMEOUT = 30
COMMAND_TIMEOUT = 120
INSTALL_HELP = "Debian: apt-get install mariadb-server galera-4 haproxy rsync"

_prctl = ctypes.CDLL(None, use_errno=True).prctl
PR_SET_PDEATHSIG = 1


def die_with_parent():
    """Run in a child before exec: the kernel kills it when its parent (thread) ends."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


@dataclass
class Node:
    number: int
    dir: Path
    port: int = field(default_factory=free_port)  # its MySQL clients' port
    gcomm_port: int = field(default_factory=free_port)  # group communication
    ist_port: int = field(default_factory=free_port)  # incremental state transfer
    sst_port: int = field(default_factory=free_port)  # rsync, when it receives a whole datadir
    check_port: int = field(default_factory=free_port)  # its nodecheck.py, for HAProxy
    listen_port: int = field(default_factory=free_port)  # HAProxy: this node, others as backups
    process: subprocess.Popen | None = None
    check: subprocess.Popen | None = None

    @property
    def name(self):
        return f"node{self.number}"

    @property
    def config_file(self):
        return self.dir / "my.cnf"

    @property
    def log(self):
        return self.dir / "error.log"


class GaleraCluster:
    kind = "galera"
    host = "127.0.0.1"
    user = "root"
    password = ""

    def __init__(self, base_dir=None):
        self.server_binary = find_binary(SERVER_BINARIES)
        self.install_db_binary = find_binary(INSTALL_DB_BINARIES)
        self.haproxy_binary = find_binary(("haproxy",))
        self.provider = next((path for path in PROVIDERS if os.path.exists(path)), None)
        missing = [name for name, found in [("mariadbd", self.server_binary),
                                            ("mariadb-install-db", self.install_db_binary),
                                            ("haproxy", self.haproxy_binary),
                                            ("libgalera_smm.so (galera-4)", self.provider),
                                            ("rsync", shutil.which("rsync"))] if not found]
        if missing:
            raise RuntimeError(f"a Galera cluster needs {', '.join(missing)} ({INSTALL_HELP})")
        # rsync SST drops to `nobody` when run as root and then cannot read the datadir.
        self.run_as = "mysql" if os.geteuid() == 0 else getpass.getuser()
        self.dir = Path(tempfile.mkdtemp(prefix="oz-galera-", dir=base_dir))
        account = pwd.getpwnam(self.run_as)
        os.chown(self.dir, account.pw_uid, account.pw_gid)
        self.nodes = [Node(number, self.dir / f"node{number}") for number in range(1, NODE_COUNT + 1)]
        self.port = self.nodes[0].listen_port
        self.any_node_port = free_port()
        self.haproxy = None
        self.label = (f"Galera cluster of {NODE_COUNT} mariadbd behind HAProxy, node 1's listener on "
                      f"127.0.0.1:{self.port} ({self.dir})")

    # --- starting and stopping --------------------------------------------------------------

    def start(self, timeout=120):
        """Bootstrap node 1, join nodes 2 and 3, then start the checks and HAProxy."""
        try:
            for node in self.nodes:
                self._write_config(node)
            self._install_db(self.nodes[0])
            self.start_node(self.nodes[0], bootstrap=True)
            self.wait_synced(self.nodes[:1], timeout=timeout)
            for node in self.nodes[1:]:
                self.start_node(node)
            self.wait_synced(self.nodes, timeout=timeout)
            for node in self.nodes:
                node.check = self._spawn(
                    [sys.executable, str(CLUSTER_FILES / "nodecheck.py"),
                     "--listen", f"127.0.0.1:{node.check_port}", "--mysql", f"127.0.0.1:{node.port}"])
            self._start_haproxy()
            self.wait_routed(self.nodes, timeout=timeout)
        except BaseException:
            self.remove()
            raise

    def _spawn(self, command, **options):
        # A session of its own: Ctrl-C in `make cluster` reaches only scripts/cluster.py,
        # which then stops everything in order.
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True, preexec_fn=die_with_parent, **options)

    def _as_node_user(self):
        if os.geteuid() != 0:
            return {}
        return {"user": self.run_as, "group": pwd.getpwnam(self.run_as).pw_gid, "extra_groups": []}

    def _write_config(self, node):
        node.dir.mkdir()
        (node.dir / "data").mkdir()
        account = pwd.getpwnam(self.run_as)
        for path in (node.dir, node.dir / "data"):
            os.chown(path, account.pw_uid, account.pw_gid)
        template = Template((CLUSTER_FILES / "node.cnf.template").read_text())
        node.config_file.write_text(template.substitute(
            dir=node.dir, name=node.name, port=node.port, provider=self.provider,
            gcomm_port=node.gcomm_port, ist_port=node.ist_port, sst_port=node.sst_port,
            cluster_address=",".join(f"127.0.0.1:{other.gcomm_port}" for other in self.nodes)))

    def _install_db(self, node):
        """System tables for the bootstrap node; the others receive its datadir by SST."""
        subprocess.run(
            [self.install_db_binary, f"--defaults-file={node.config_file}", "--auth-root-authentication-method=normal",
             "--skip-test-db", "--wsrep-on=OFF"],
            check=True, capture_output=True, timeout=COMMAND_TIMEOUT, **self._as_node_user())

    def start_node(self, node, bootstrap=False):
        """Start a node's mariadbd: the first of a new cluster, or one that joins the others."""
        command = [self.server_binary, f"--defaults-file={node.config_file}"]
        if bootstrap:
            command.append("--wsrep-new-cluster")
        else:
            command += self._recovered_position(node)
        node.process = self._spawn(command, **self._as_node_user())

    def _recovered_position(self, node):
        """After a crash, the node's last committed write set, read back from InnoDB.

        A node killed mid-flight leaves seqno -1 in grastate.dat, and the cluster would send it
        a whole datadir (SST). mariadbd --wsrep-recover finds the position in InnoDB, as the
        galera_recovery script of the Debian service does, so the node asks only for the
        write sets it missed (IST).
        """
        state = node.dir / "data" / "grastate.dat"
        if not state.exists() or "seqno:   -1" not in state.read_text():
            return []
        recovery_log = node.dir / "recovery.log"
        subprocess.run([self.server_binary, f"--defaults-file={node.config_file}", "--wsrep-recover",
                        f"--log-error={recovery_log}"],
                       check=True, capture_output=True, timeout=COMMAND_TIMEOUT, **self._as_node_user())
        for line in reversed(recovery_log.read_text(errors="replace").splitlines()):
            if "WSREP: Recovered position:" in line:
                return [f"--wsrep-start-position={line.rsplit(' ', 1)[-1]}"]
        return []

    def kill_node(self, node):
        """SIGKILL a node's mariadbd, as a crash would."""
        node.process.kill()
        node.process.wait(timeout=COMMAND_TIMEOUT)
        node.process = None

    def _start_haproxy(self):
        template = Template((CLUSTER_FILES / "haproxy.cfg.template").read_text())
        ports = {}
        for node in self.nodes:
            ports.update({f"{node.name}_port": node.port, f"{node.name}_check_port": node.check_port,
                          f"{node.name}_listen_port": node.listen_port})
        config = self.dir / "haproxy.cfg"
        config.write_text(template.substitute(dir=self.dir, any_node_port=self.any_node_port, **ports))
        subprocess.run([self.haproxy_binary, "-c", "-q", "-f", str(config)], check=True, timeout=COMMAND_TIMEOUT)
        self.haproxy = self._spawn([self.haproxy_binary, "-db", "-f", str(config)])

    def remove(self):
        """Stop everything and delete the directory."""
        processes = [self.haproxy, *(node.check for node in self.nodes), *(node.process for node in self.nodes)]
        for process in processes:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in processes:
            if process is not None:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self.haproxy = None
        for node in self.nodes:
            node.process = node.check = None
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- what the cluster is doing ---------------------------------------------------------

    def connect(self, node=None, **options):
        """A connection straight to a node (not through HAProxy), or through HAProxy's `port`."""
        port = node.port if node else self.port
        return MySQLdb.connect(host=self.host, port=port, user=self.user, password=self.password,
                               connect_timeout=2, autocommit=True,
                               **{"read_timeout": QUERY_TIMEOUT, "write_timeout": QUERY_TIMEOUT, **options})

    def status(self, node):
        """The node's wsrep status variables, as a dict of strings."""
        with self.connect(node) as connection:
            cursor = connection.cursor()
            cursor.execute("SHOW GLOBAL STATUS LIKE 'wsrep%'")
            return dict(cursor.fetchall())

    def is_synced(self, node):
        try:
            status = self.status(node)
        except MySQLdb.OperationalError:
            return False
        return (status["wsrep_local_state"] == SYNCED and status["wsrep_ready"] == "ON"
                and status["wsrep_cluster_status"] == "Primary")

    def wait_synced(self, nodes, timeout=120):
        """Wait until every one of these nodes is synced with the cluster."""
        deadline = time.monotonic() + timeout
        while not all(self.is_synced(node) for node in nodes):
            for node in nodes:
                if node.process is None or node.process.poll() is not None:
                    raise RuntimeError(f"{node.name} stopped:\n{self.log_tail(node)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"not synced within {timeout} s:\n"
                                   + "\n".join(self.log_tail(node) for node in nodes))
            time.sleep(0.2)

    def log_tail(self, node, characters=3000):
        text = node.log.read_text(errors="replace") if node.log.exists() else "(no log)"
        return f"--- {node.name} ({node.log}) ---\n{text[-characters:]}"

    def haproxy_servers(self):
        """{(listener, server): status}, such as {("node2", "node1"): "UP"}, from HAProxy's stats."""
        with socket.socket(socket.AF_UNIX) as stats:
            stats.settimeout(QUERY_TIMEOUT)
            stats.connect(str(self.dir / "haproxy.sock"))
            stats.sendall(b"show stat\n")
            text = b""
            while chunk := stats.recv(65536):
                text += chunk
        lines = text.decode().splitlines()
        header = lines[0].lstrip("# ").split(",")
        rows = [dict(zip(header, line.split(","))) for line in lines[1:] if line]
        return {(row["pxname"], row["svname"]): row["status"] for row in rows
                if row["svname"] not in ("FRONTEND", "BACKEND")}

    def wait_routed(self, nodes, up=True, timeout=30):
        """Wait until HAProxy has marked these nodes UP (or, with up=False, DOWN)."""
        deadline = time.monotonic() + timeout
        wanted = "UP" if up else "DOWN"
        while True:
            try:
                servers = self.haproxy_servers()
            except OSError as error:  # its stats socket is not there yet
                servers = {"stats": str(error)}
            if all(servers.get(("any_node", node.name)) == wanted for node in nodes):
                return
            if self.haproxy.poll() is not None:
                raise RuntimeError(f"haproxy stopped (exit status {self.haproxy.returncode})")
            if time.monotonic() > deadline:
                raise RuntimeError(f"HAProxy did not mark {[n.name for n in nodes]} {wanted}: {servers}")
            time.sleep(0.1)

    def node_behind(self, port):
        """The name of the node a new connection to this HAProxy port reaches."""
        with MySQLdb.connect(host=self.host, port=port, user=self.user, password=self.password,
                             connect_timeout=2, read_timeout=QUERY_TIMEOUT) as connection:
            cursor = connection.cursor()
            cursor.execute("SELECT @@wsrep_node_name")
            return cursor.fetchone()[0]
