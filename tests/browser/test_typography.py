"""English pages set the punctuation that Chinese fonts draw a full square wide (quotation marks,
dashes, ellipses) at its Latin width, with the site's own style sheet and fonts; Chinese quoted on
an English page keeps its full-width marks."""

from pathlib import Path

import pytest

from tests.browser.conftest import serve_html

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "onegate.css"
TEXT = "“”‘’—…"  # the marks alone, so that the widths compared are theirs


@pytest.mark.browser
def test_english_text_takes_latin_widths_and_chinese_keeps_its_own(bare_page):
    serve_html(
        bare_page,
        f'<!doctype html><html lang="en"><meta charset="utf-8"><title>t</title><style>{CSS.read_text()}</style>'
        f'<p><span id="en">{TEXT}</span></p><p lang="zh-Hans"><span id="zh">{TEXT}</span></p></html>',
        url="http://typography.invalid/",
    )
    english, chinese = bare_page.evaluate(
        "() => ['en', 'zh'].map((id) => document.getElementById(id).getBoundingClientRect().width)"
    )
    assert english < 0.85 * chinese, (english, chinese)
