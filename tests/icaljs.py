"""
ical.js (npm, node_modules/) as a second, independent iCalendar parser: the tests hand it
the bytes Quórum serves and read back what it understood (tests/tools/parse_ical.mjs).

Without node or ical.js the tests that need it are skipped, saying why, except under CI
(CI=true), where they fail, like the browser tests.
"""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "tools" / "parse_ical.mjs"
MODULE = ROOT / "node_modules" / "ical.js" / "package.json"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _missing(reason: str):
    if _in_ci():
        pytest.fail(f"{reason} CI needs the ical.js tests.", pytrace=False)
    pytest.skip(reason)


def parse_with_icaljs(*bodies: bytes) -> list[dict]:
    """What ical.js reads in each calendar: method, name, time zones, events (as dicts)."""
    node = shutil.which("node")
    if node is None:
        _missing("node is not installed (Debian: apt-get install nodejs npm).")
    if not MODULE.exists():
        _missing("node_modules/ical.js is missing (npm ci at the repository root).")
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index, body in enumerate(bodies):
            path = Path(folder) / f"{index}.ics"
            path.write_bytes(body)
            paths.append(str(path))
        completed = subprocess.run(  # noqa: S603 (our own script, our own files)
            [node, str(SCRIPT), *paths], capture_output=True, check=True, cwd=ROOT, timeout=60
        )
    return json.loads(completed.stdout)
