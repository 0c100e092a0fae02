# oz: `make run` serves the API on 127.0.0.1:5000; `make test` runs the whole test suite.
# Each sets up what it needs first (system packages, .venv, a MySQL server).

.PHONY: run test test-container cluster bench bench-instructions bench-sweep bench-migration

run:
	scripts/setup.sh run
	scripts/run.sh

# The whole suite twice: on a private mariadbd, then through testcontainers on a MySQL
# container (mysql:8.4 on Docker when it answers, else podman with a local MariaDB image).
# Then, once, the cluster tests on three Galera nodes behind HAProxy (about a minute).
test:
	scripts/setup.sh test
	OZ_TEST_SERVER=private .venv/bin/python -m pytest --ignore=tests/test_cluster.py
	OZ_TEST_SERVER=container scripts/container-engine.sh run .venv/bin/python -m pytest --ignore=tests/test_cluster.py
	OZ_TEST_SERVER=galera .venv/bin/python -m pytest tests/test_cluster.py

test-container:
	scripts/setup.sh test
	OZ_TEST_SERVER=container scripts/container-engine.sh run .venv/bin/python -m pytest --ignore=tests/test_cluster.py

# oz on three MariaDB Galera nodes behind HAProxy, on loopback, until Ctrl-C (docs/scaling.md).
cluster:
	scripts/setup.sh cluster
	.venv/bin/python scripts/cluster.py

# The benchmark (bench/README.md): oz against bare Flask + MySQLdb and FastAPI, with wrk;
# about a quarter of an hour. Not part of `make test`.
bench:
	scripts/setup.sh run
	command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	.venv/bin/python -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	.venv/bin/python bench/run.py

# Instructions per request, oz against the floor and oz-before, counted by callgrind:
# repeatable where requests per second are not (bench/README.md). About three minutes.
bench-instructions:
	scripts/setup.sh run
	command -v valgrind >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null; }
	.venv/bin/python bench/instructions.py

# serve.py's workers × threads per worker, swept with wrk (bench/README.md). About five minutes.
bench-sweep:
	scripts/setup.sh run
	command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	.venv/bin/python bench/sweep.py

# A migration on a table of 1,000,000 boards while oz serves reads and writes: no failed
# request, p99 during the migration against p99 before (README, "Changing the schema").
bench-migration:
	scripts/setup.sh run
	.venv/bin/python bench/migration.py
