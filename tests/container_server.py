"""A throwaway MySQL server in a container, started through testcontainers.

tests/conftest.py uses it when the suite runs against a container (a Docker
engine, or the podman engine of scripts/container-engine.sh). No pytest
fixtures live here, so conftest decides when a server starts and stops.
"""

import os
import secrets
from dataclasses import dataclass, field

from testcontainers.community.mysql import MySqlContainer

DEFAULT_IMAGE = "mysql:8.4"
MYSQL_PORT = 3306


@dataclass(frozen=True)
class ContainerServer:
    """Where a started MySQL container answers, and how to stop it."""

    host: str
    port: int
    user: str
    password: str
    container_id: str
    image: str
    label: str
    _container: MySqlContainer = field(repr=False)
    kind: str = "container"

    def stop(self) -> None:
        """Remove the container and its data."""
        self._container.stop()

    def remove(self) -> None:
        """The same as stop(), under the name conftest's other servers use for it."""
        self.stop()


def start_mysql_container(image: str | None = None) -> ContainerServer:
    """Start a MySQL container (image: OZ_TEST_MYSQL_IMAGE, else mysql:8.4) and wait for it."""
    image = image or os.environ.get("OZ_TEST_MYSQL_IMAGE") or DEFAULT_IMAGE
    password = secrets.token_hex(16)
    container = MySqlContainer(image, username="root", password=password)
    try:
        container.start()
        wrapped = container.get_wrapped_container()
        version = container.get_docker_client().client.version()
    except BaseException:
        container.stop()
        raise
    # testcontainers names a local engine "localhost", which MySQLdb takes to
    # mean its UNIX socket: the tests would then reach whatever server runs on
    # this machine instead of the container.
    host = container.get_container_host_ip()
    if host == "localhost":
        host = "127.0.0.1"
    return ContainerServer(
        host=host,
        port=int(container.get_exposed_port(MYSQL_PORT)),
        user="root",
        password=password,
        container_id=wrapped.id,
        image=image,
        label=f"MySQL container {image} ({wrapped.short_id}) on {_engine_name(version)} via testcontainers",
        _container=container,
    )


def _engine_name(version: dict) -> str:
    """'Podman 4.3.1' or 'Docker 27.3.1', from the engine's /version answer."""
    components = {component.get("Name") for component in version.get("Components", [])}
    engine = "Podman" if "Podman Engine" in components else "Docker"
    return f"{engine} {version.get('Version', '')}".strip()
