"""A process that starts Django (a manage.py command, a Celery worker, the web server) loads
pyHanko only once it seals, timestamps or checks a document: importing it costs about half a
second of every start."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

START = """
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
from portal.celery import app
app.loader.import_default_modules()
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules if name.startswith("pyhanko")})))
"""


def test_starting_django_its_urls_and_its_tasks_loads_no_pyhanko():
    result = subprocess.run(
        [sys.executable, "-c", START],
        cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True, text=True, check=True, timeout=120,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
