"""The container runs reach the container, not a MySQL server of the machine running them."""

import MySQLdb
import pytest


def test_a_container_run_talks_to_the_container_over_tcp(mysql_server):
    if mysql_server.kind != "container":
        pytest.skip("only a run against a container (OZ_TEST_SERVER=container) has one to check")
    connection = MySQLdb.connect(
        host=mysql_server.host, port=mysql_server.port,
        user=mysql_server.user, password=mysql_server.password)
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT @@hostname")
        (hostname,) = cursor.fetchone()
        # With host "localhost" MySQLdb would take the UNIX socket to the machine's own server.
        assert "TCP/IP" in connection.get_host_info()
        # Docker and podman name a container's host after the first 12 digits of its id.
        assert hostname == mysql_server.container_id[:12]
    finally:
        connection.close()
