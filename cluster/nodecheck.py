"""A Galera node's health for HAProxy: HTTP 200 while the node is synced and ready, else 503.

    python cluster/nodecheck.py --listen 127.0.0.1:9200 --mysql 127.0.0.1:3306

HAProxy's own `option mysql-check` only logs in: a node that is a donor, a joiner, or cut off
from the cluster's primary component still accepts logins, and would still get traffic. So
HAProxy asks this service instead (`option httpchk`, `check port`), and it asks the node:
`wsrep_local_state` must be 4 (Synced) and `wsrep_ready` ON. Anything else, including a node
that does not answer within a second, is a 503 with the reason in the body. It runs beside
each node, as clustercheck does in Galera deployments, and keeps one connection to it.
"""

import argparse
from http.server import BaseHTTPRequestHandler, HTTPServer

import MySQLdb

SYNCED = "4"
STATE_NAMES = {"1": "Joining", "2": "Donor/Desynced", "3": "Joined", "4": "Synced"}
WSREP_STATE = ("SHOW GLOBAL STATUS WHERE Variable_name IN "
               "('wsrep_local_state', 'wsrep_ready', 'wsrep_cluster_status')")


class Node:
    """The node being checked, through one kept connection (reopened after a failure)."""

    def __init__(self, host, port, user, password):
        self.options = {"host": host, "port": port, "user": user, "password": password,
                        "connect_timeout": 1, "read_timeout": 1, "write_timeout": 1}
        self.connection = None

    def health(self):
        """(healthy, reason): whether the node may take traffic, and why."""
        try:
            if self.connection is None:
                self.connection = MySQLdb.connect(**self.options)
            cursor = self.connection.cursor()
            cursor.execute(WSREP_STATE)
            status = dict(cursor.fetchall())
        except MySQLdb.Error as error:
            self.close()
            return False, f"node does not answer: {error}"
        state = status.get("wsrep_local_state", "")
        reason = (f"wsrep_local_state={state} ({STATE_NAMES.get(state, 'unknown')}), "
                  f"wsrep_ready={status.get('wsrep_ready')}, "
                  f"wsrep_cluster_status={status.get('wsrep_cluster_status')}")
        return state == SYNCED and status.get("wsrep_ready") == "ON", reason

    def close(self):
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.close()
            except MySQLdb.Error:
                pass  # closing a connection that already failed


def handler_for(node):
    class CheckHandler(BaseHTTPRequestHandler):
        def do_GET(self):
            healthy, reason = node.health()
            body = f"{'synced' if healthy else 'not synced'}: {reason}\n".encode()
            self.send_response(200 if healthy else 503)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

        do_OPTIONS = do_GET  # HAProxy's httpchk sends OPTIONS unless told otherwise

        def log_message(self, format, *args):
            """HAProxy asks several times a second: no log line per check."""

    return CheckHandler


def address(text):
    host, _, port = text.rpartition(":")
    return host, int(port)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", type=address, required=True, help="host:port to serve the check on")
    parser.add_argument("--mysql", type=address, required=True, help="host:port of the node's MySQL")
    parser.add_argument("--user", default="root")
    parser.add_argument("--password", default="")
    options = parser.parse_args()
    node = Node(*options.mysql, options.user, options.password)
    # One check at a time: HAProxy's checks are short and this keeps a single connection.
    HTTPServer(options.listen, handler_for(node)).serve_forever()


if __name__ == "__main__":
    main()
