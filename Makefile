# oz: `make run` serves the API on 127.0.0.1:5000; `make test` runs the whole test suite.
# Each sets up what it needs first (system packages, .venv, a MySQL server).

.PHONY: run test

run:
	scripts/setup.sh run
	scripts/run.sh

test:
	scripts/setup.sh test
	.venv/bin/python -m pytest
