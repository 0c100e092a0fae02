"""The README's curl tour runs as pasted, top to bottom, against a live oz on a fresh database."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from live_server import serving

README = Path(__file__).resolve().parent.parent / "README.md"
TOUR_HEADING = "## Using the API with curl"
BASE_URL_LINE = "OZ=http://127.0.0.1:5000"  # where `make run` serves
STATUS_PRINTED = "-w '%{http_code}\\n'"


def tour_script():
    """The ```sh blocks under the tour's heading, in order, as one script."""
    text = README.read_text(encoding="utf-8")
    tour = text.split(TOUR_HEADING, 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```sh\n(.*?)^```", tour, flags=re.M | re.S)
    assert len(blocks) >= 8, "the tour's shell blocks are missing"
    return "\n".join(blocks)


def commands(script):
    """The script's commands, one a line, continuation lines joined."""
    return [line for line in script.replace("\\\n", " ").splitlines() if line.strip()]


def without_comment(command):
    return re.split(r"\s#\s", " " + command, maxsplit=1)[0]


def expected_statuses(script):
    """The statuses the commands that print one say they print, in the comment after them."""
    expected = []
    for command in commands(script):
        if STATUS_PRINTED in command:
            stated = re.search(r"\s#\s*(\d{3})\b", command)
            assert stated, f"says no status it expects: {command}"
            expected.append(stated.group(1))
    return expected


def test_the_tour_starts_at_make_runs_address_and_names_it_once():
    script = tour_script()
    assert script.splitlines()[0] == BASE_URL_LINE
    assert script.count("127.0.0.1") == 1, "every command reaches the server through $OZ"


def test_every_request_of_the_tour_shows_its_failure():
    for command in commands(tour_script()):
        code = without_comment(command)
        for call in re.findall(r"\bcurl\b[^|;)]*", code):
            assert "--fail-with-body" in call or STATUS_PRINTED in call, f"a failure would pass unseen: {command}"
    assert len(expected_statuses(tour_script())) >= 3


def test_the_readme_tour_runs_as_pasted(app, app_config):
    script = tour_script()
    with serving(app) as url:
        script = script.replace(BASE_URL_LINE, f"OZ={url}", 1)
        # `.venv/bin/flask` in the README; this interpreter's flask here, on the test database.
        script = script.replace(".venv/bin/flask", f"{shlex.quote(sys.executable)} -m flask")
        env = {**os.environ, **{key: str(app_config[key]) for key in
                                ("MYSQL_HOST", "MYSQL_PORT", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DB")}}
        env.pop("OZ_ADMIN_PASSWORD", None)
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=README.parent, env=env,
                                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    printed = re.findall(r"^(\d{3})$", result.stdout, flags=re.M)
    assert printed == expected_statuses(script), result.stdout[-3000:]
    assert result.stdout.rstrip().endswith("oz")
