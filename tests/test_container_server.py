"""The tests reach the server the fixture started, not another MySQL on this machine.

MySQLdb reads host "localhost" as "use the local UNIX socket", which would silently reach
the machine's own server instead of a container or a private server on a TCP port.
"""

import MySQLdb


def test_the_suite_talks_to_the_server_it_started_over_tcp(mysql_server):
    connection = MySQLdb.connect(
        host=mysql_server.host, port=mysql_server.port,
        user=mysql_server.user, password=mysql_server.password)
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT @@hostname, @@port, @@datadir")
        hostname, port, datadir = cursor.fetchone()
        assert "TCP/IP" in connection.get_host_info()
    finally:
        connection.close()
    if mysql_server.kind == "container":
        # Docker and podman name a container's host after the first 12 digits of its id.
        assert hostname == mysql_server.container_id[:12]
    elif mysql_server.kind == "private":
        assert (port, datadir.rstrip("/")) == (mysql_server.port, str(mysql_server.dir / "data"))
    elif mysql_server.kind == "galera":
        # HAProxy hands the connection to one of the cluster's own nodes.
        nodes = {(node.port, str(node.dir / "data")) for node in mysql_server.nodes}
        assert (port, datadir.rstrip("/")) in nodes
    else:
        assert port == mysql_server.port
