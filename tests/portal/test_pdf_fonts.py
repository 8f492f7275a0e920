"""The fonts of the sealed documents: a process that made a PDF leaves no copy of them behind
when it ends, and English lines get the Latin widths of quotation marks, dashes and ellipses.

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


# -- English lines in the sealed documents ------------------------------------------------------

# Every template WeasyPrint lays out: the ones that set up a page (@page).
PDF_TEMPLATES = sorted(
    str(path.relative_to(ROOT))
    for path in ROOT.glob("**/templates/**/*.html")
    if not {".venv", "node_modules"} & set(path.parts) and "@page" in path.read_text()
)


def test_the_cut_faces_keep_the_latin_widths_of_quotation_marks_dashes_and_ellipses(tmp_path, settings):
    """A Chinese face draws them a full square wide unless asked for proportional widths (the
    OpenType feature pwid), which HarfBuzz drops from a cut unless told to keep it."""
    import re
    from urllib.parse import unquote, urlsplit

    from fontTools.ttLib import TTFont

    from portal import fonts

    settings.VAR_DIR = str(tmp_path)
    fonts._font_faces_css.cache_clear()
    try:
        css = fonts.font_faces_css()
    finally:
        fonts._font_faces_css.cache_clear()
    faces = [Path(unquote(urlsplit(url).path)) for url in re.findall(r'url\("([^"]+)"\)', css)]
    assert len(faces) == 2 and all(face.parent == tmp_path / "fonts" for face in faces)
    for face in faces:
        features = {record.FeatureTag for record in TTFont(face)["GSUB"].table.FeatureList.FeatureRecord}
        assert "pwid" in features, face.name


@pytest.mark.parametrize("template", PDF_TEMPLATES)
def test_the_english_lines_of_every_sealed_document_ask_for_them(template):
    import tinycss2

    assert len(PDF_TEMPLATES) >= 5  # documents, licenses, guide forms, reports and the base

    source = (ROOT / template).read_text()
    style = source[source.index("<style>") + len("<style>"):source.index("</style>")]
    rules = [
        rule for rule in tinycss2.parse_stylesheet(style, skip_comments=True, skip_whitespace=True)
        if rule.type == "qualified-rule" and tinycss2.serialize(rule.prelude).strip() == ".en"
    ]
    assert len(rules) == 1, "one rule for the English lines"
    declarations = {
        d.lower_name: tinycss2.serialize(d.value).strip()
        for d in tinycss2.parse_blocks_contents(rules[0].content, skip_comments=True, skip_whitespace=True)
        if d.type == "declaration"
    }
    assert declarations.get("font-variant-east-asian") == "proportional-width"
