# oz: `make run` serves the API on 127.0.0.1:5000; `make test` runs the whole test suite.
# Each sets up what it needs first (system packages, .venv, a MySQL server).

.PHONY: run test test-container

run:
	scripts/setup.sh run
	scripts/run.sh

# The whole suite twice: on a private mariadbd, then through testcontainers on a MySQL
# container (mysql:8.4 on Docker when it answers, else podman with a local MariaDB image).
test:
	scripts/setup.sh test
	OZ_TEST_SERVER=private .venv/bin/python -m pytest
	OZ_TEST_SERVER=container scripts/container-engine.sh run .venv/bin/python -m pytest

test-container:
	scripts/setup.sh test
	OZ_TEST_SERVER=container scripts/container-engine.sh run .venv/bin/python -m pytest
