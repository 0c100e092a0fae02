"""The README's curl tour runs as written, top to bottom, against a live oz on a fresh database."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from live_server import serving

README = Path(__file__).resolve().parent.parent / "README.md"
TOUR_HEADING = "## Using the API with curl"
BASE_URL_LINE = "OZ=http://127.0.0.1:5000"


def tour_script():
    """The shell blocks of the README's tour, in order, as one script."""
    text = README.read_text(encoding="utf-8")
    tour = text.split(TOUR_HEADING, 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```sh\n(.*?)^```", tour, flags=re.M | re.S)
    assert len(blocks) >= 8, "the tour's shell blocks are missing"
    return "\n".join(blocks)


def test_the_tour_starts_at_make_runs_address():
    assert tour_script().splitlines()[0] == BASE_URL_LINE


def test_the_readme_tour_runs_as_pasted(app, app_config):
    with serving(app) as url:
        script = tour_script().replace(BASE_URL_LINE, f"OZ={url}", 1)
        # The tour calls the venv's flask; here it is this interpreter's.
        script = script.replace(".venv/bin/flask", f"{shlex.quote(sys.executable)} -m flask")
        env = {**os.environ, **{key: str(app_config[key]) for key in
                                ("MYSQL_HOST", "MYSQL_PORT", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DB")}}
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=README.parent, env=env,
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    # The two refused writes answer as the tour says.
    assert re.findall(r"^(412|403)$", result.stdout, flags=re.M) == ["412", "403"]
    assert result.stdout.rstrip().endswith("oz")
