"""`make cluster`: oz on three MariaDB Galera nodes behind HAProxy, on loopback, until Ctrl-C.

Starts the same topology as the tests (tests/galera_cluster.py: three private mariadbd in a
temporary directory, a nodecheck.py beside each, HAProxy in front), makes the MYSQL_DB
database (oz) through HAProxy with `flask init-db`, and serves oz with serve.py on HOST:PORT
(127.0.0.1:5000) pointed at HAProxy. It prints the MYSQL_HOST/MYSQL_PORT for more app
processes. Ctrl-C stops oz and the cluster and deletes the cluster's data.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from galera_cluster import GaleraCluster, die_with_parent  # noqa: E402 (after the path)

BIN = Path(sys.executable).parent


def describe(cluster, env):
    host, port = env.get("HOST", "127.0.0.1"), env.get("PORT", "5000")
    lines = [
        "",
        f"oz on a three-node Galera cluster: http://{host}:{port} (serve.py)",
        f"  oz's database, through HAProxy:   MYSQL_HOST={cluster.host} MYSQL_PORT={cluster.port} (node1 first)",
    ]
    for node in cluster.nodes:
        lines.append(f"  {node.name} first, through HAProxy:    MYSQL_PORT={node.listen_port}"
                     f"   (the node itself: {node.port}; its check: curl http://127.0.0.1:{node.check_port}/)")
    lines.append(f"  any synced node, through HAProxy: MYSQL_PORT={cluster.any_node_port}")
    lines += [
        f"  HAProxy's view:  echo 'show stat' | socat stdio {cluster.dir / 'haproxy.sock'} | cut -d, -f1,2,18",
        f"  another app process:  MYSQL_PORT={cluster.nodes[1].listen_port} PORT=5001 .venv/bin/python serve.py",
        f"Data and logs in {cluster.dir}, deleted on exit. Ctrl-C stops it all.",
        "",
    ]
    print("\n".join(lines), flush=True)


def stop(signal_number, frame):
    raise KeyboardInterrupt


def main():
    # Ctrl-C, or a TERM from whoever started it, stops everything in order.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        cluster = GaleraCluster()
    except RuntimeError as error:
        sys.exit(str(error))
    print(f"Starting three Galera nodes and HAProxy in {cluster.dir} (about 15 s)...", flush=True)
    oz = None
    try:
        cluster.start()
        env = {**os.environ, "MYSQL_HOST": cluster.host, "MYSQL_PORT": str(cluster.port),
               "MYSQL_USER": cluster.user, "MYSQL_PASSWORD": cluster.password}
        subprocess.run([str(BIN / "flask"), "--app", "app", "init-db"], cwd=REPO, env=env, check=True)
        # Its own session, so Ctrl-C reaches this script alone, which stops oz and then the cluster.
        oz = subprocess.Popen([sys.executable, "serve.py"], cwd=REPO, env=env, start_new_session=True,
                              preexec_fn=die_with_parent)
        describe(cluster, env)
        oz.wait()
    except KeyboardInterrupt:
        print("\nStopping oz and the cluster...", flush=True)
    finally:
        if oz is not None and oz.poll() is None:
            oz.terminate()
            oz.wait()
        cluster.remove()


if __name__ == "__main__":
    main()
