"""Start-up: the site, ``manage.py check`` and the project's commands load without the heavy
libraries; SciPy, WeasyPrint, openpyxl and pycel are imported where a file or a selection is
built. A fresh interpreter is the only place where ``sys.modules`` tells the truth."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("scipy", "numpy", "weasyprint", "openpyxl", "pycel")

# Sets Django up, imports the URLconf (every view module), runs the system checks as
# `manage.py check` does and loads every command of the project's apps; then prints which
# heavy libraries are in sys.modules.
PROBE = """
import json, sys
import django
from django.core.management import call_command, get_commands, load_command_class
django.setup()
import klassa_app.urls
call_command("check")
for name, app in get_commands().items():
    if not app.startswith("django."):
        load_command_class(app, name)
heavy = set(json.loads(sys.argv[1]))
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in heavy)))
"""


@pytest.mark.parametrize("library", HEAVY)
def test_the_heavy_libraries_are_installed(library):
    # Otherwise the start-up test below would pass for the wrong reason.
    assert importlib.util.find_spec(library) is not None


def test_site_check_and_commands_start_without_the_heavy_libraries():
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(HEAVY)],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "klassa_app.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == []
