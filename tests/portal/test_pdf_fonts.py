"""A process that made a PDF leaves no copy of the fonts behind when it ends.

WeasyPrint copies the @font-face files into a temporary folder of its own and removes it when
its font configuration is collected. portal/pdf.py gives the configuration up at exit, and
portal/celery.py in a Celery pool child, which ends with os._exit (no atexit handlers) after
sending worker_process_shutdown. (Left to the interpreter's shutdown, the folder stayed behind when
WeasyPrint's module was torn down first, as in a test process.)"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

RENDER = """
import django, os, sys, tempfile
from pathlib import Path
django.setup()
from portal import fonts, pdf
html = f'<html><head><style>{fonts.font_faces_css()}</style></head>'
html += '<body style="font-family: sans-serif">营业执照<div id="seal-box">章</div></body></html>'
assert pdf.render_html(html).pdf.startswith(b"%PDF")
print(sorted(p.name for p in Path(tempfile.gettempdir()).glob("weasyprint-*")), flush=True)
if sys.argv[1] == "exit":
    import atexit  # what the interpreter runs as it exits, before tearing the modules down
    atexit._run_exitfuncs()
else:
    from celery.signals import worker_process_shutdown  # what billiard's pool child sends as it ends
    worker_process_shutdown.send(sender=None, pid=os.getpid(), exitcode=0)
os._exit(0)  # the rest of the interpreter's shutdown no longer matters
"""


@pytest.mark.parametrize("ending", ["exit", "pool child"])
def test_a_process_that_made_a_pdf_removes_its_copy_of_the_fonts_when_it_ends(tmp_path, ending):
    run = subprocess.run(
        [sys.executable, "-c", RENDER, ending],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "TMPDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() not in ("", "[]"), "the document used no copied fonts: nothing to check"
    assert "Exception ignored" not in run.stderr, run.stderr
    assert list(tmp_path.glob("weasyprint-*")) == []
