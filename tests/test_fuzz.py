"""Fuzzing from the OpenAPI document: schemathesis drives every operation of the live app.

The schemathesis command runs all its phases (the document's examples, boundary values,
random data, sequences of calls) with all its checks against the app behind a real HTTP
server: no answer may be a 5xx or differ from what /openapi.json documents. Its output is
shown when it finds something; OZ_FUZZ_SEED and OZ_FUZZ_EXAMPLES change the run.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

from app import create_app
from live_server import serving
from core.pagination import AFTER, encode_cursor

TESTS_DIR = Path(__file__).parent
EXAMPLES_PER_OPERATION = int(os.environ.get("OZ_FUZZ_EXAMPLES", "100"))
SEED = os.environ.get("OZ_FUZZ_SEED", "20261130")
RUN_TIMEOUT_SECONDS = 300

# Every fuzzed request signs in with an account of its own (see fuzz_hooks.py); only the
# ignored_auth check's probes share one made-up account, and after ten of them the throttle
# would answer 429, which that check does not count as a refusal. Throttling has its own tests.
UNTHROTTLED = {"FAILED_LOGIN_LIMIT": "1000000 per 5 minutes", "FAILED_LOGIN_ACCOUNT_LIMIT": "1000000 per 15 minutes"}

# A cursor is opaque and only the server makes valid ones, as with a password: the fuzzer
# sends a real one (malformed cursors are tested in test_boards.py and test_users.py), of
# the direction of each list (a board's comments run oldest first, see test_comments.py).
CONFIG = """\
[parameters]
"query.cursor" = "{cursor}"

[[operations]]
include-operation-id = "listComments"
parameters = {{ "query.cursor" = "{after_cursor}" }}
"""


def test_the_live_app_answers_every_generated_request_as_documented(app_config, tmp_path, request, capsys):
    config_file = tmp_path / "schemathesis.toml"
    config_file.write_text(CONFIG.format(cursor=encode_cursor(10**9), after_cursor=encode_cursor(1, AFTER)))
    with serving(create_app({**app_config, **UNTHROTTLED})) as base_url:
        run = subprocess.run(
            [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config_file),
             "run", f"{base_url}/openapi.json", "--checks", "all",
             "--max-examples", str(EXAMPLES_PER_OPERATION), "--seed", SEED, "--workers", "1",
             "--generation-database", "none", "--no-color"],
            env={**os.environ, "OZ_FUZZ_BASE_URL": base_url, "SCHEMATHESIS_HOOKS": "fuzz_hooks",
                 "PYTHONPATH": os.pathsep.join([str(TESTS_DIR), os.environ.get("PYTHONPATH", "")])},
            # In a scratch directory: schemathesis keeps a cache where it runs.
            cwd=tmp_path, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS,
        )
    assert run.returncode == 0, run.stdout[-20_000:] + run.stderr[-5_000:]
    operations = re.search(r"Tested: (\d+)", run.stdout).group(1)
    cases = re.search(r"(\d+) generated", run.stdout).group(1)
    assert re.search(r"Selected: (\d+)/\1", run.stdout), "every operation of the document is fuzzed"
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    with capsys.disabled():
        reporter.write_line(f"\noz fuzz: {cases} cases over {operations} operations, seed {SEED}, no failure")


# What the fuzzer found, pinned: the document and the app now agree on these.

def test_a_name_over_its_maximum_as_sent_is_422_even_if_it_trims_shorter(client):
    name = " " * 10 + "n" * 95
    response = client.post("/users", json={"name": name, "email": "long@example.com", "password": "correct horse"})
    assert response.status_code == 422
    assert "name" in response.json["errors"]["json"]


def test_the_document_says_what_trimming_and_partial_updates_require(client):
    schemas = client.get("/openapi.json").json["components"]["schemas"]
    assert schemas["UserCreate"]["properties"]["name"]["pattern"] == r"\S"
    assert schemas["BoardCreate"]["properties"]["title"]["pattern"] == r"\S"
    assert schemas["UserPatch"]["minProperties"] == 1
    assert schemas["BoardPatch"]["minProperties"] == 1
