"""The control for tests/browser/csp.py: a page the policy blocks something on fails its test."""

import pytest

from tests.browser import csp
from tests.browser.conftest import serve_html

POLICY = "default-src 'self'; script-src 'self'; style-src 'self'"
URL = "http://csp.invalid/"


def _serve(page, html: str) -> None:
    serve_html(page, html, url=URL, headers={"Content-Security-Policy": POLICY})


@pytest.mark.browser
def test_it_fails_on_an_inline_script_and_an_inline_style(bare_page):
    page = bare_page  # its context is watched, as every context the tests open
    _serve(page, "<!doctype html><title>t</title><style>p{}</style><script>document.title = 'ran'</script>")
    with pytest.raises(pytest.fail.Exception) as failure:
        csp.fail_on_violations(page)
    assert "script-src-elem blocked inline on http://csp.invalid/" in str(failure.value)
    assert "style-src-elem blocked inline" in str(failure.value)
    assert page.title() == "t"
    csp.fail_on_violations(page)  # reported once


@pytest.mark.browser
def test_it_passes_a_page_that_keeps_to_the_policy(bare_page):
    _serve(bare_page, '<!doctype html><title>t</title><p hidden>fine</p><script type="application/json">{}</script>')
    csp.fail_on_violations(bare_page)
