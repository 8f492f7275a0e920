"""The control for tests/browser/csp.py: a page the policy blocks something on fails its test."""

import pytest

from tests.browser import csp

POLICY = "default-src 'self'; script-src 'self'; style-src 'self'"


def _serve(page, html: str) -> None:
    page.route(
        "http://csp.invalid/",
        lambda route: route.fulfill(
            status=200, headers={"Content-Security-Policy": POLICY}, content_type="text/html", body=html
        ),
    )
    page.goto("http://csp.invalid/")


@pytest.mark.browser
def test_it_fails_on_an_inline_script_and_an_inline_style(browser):
    context = browser.new_context()  # watched, as every context the tests open
    try:
        page = context.new_page()
        _serve(page, "<!doctype html><title>t</title><style>p{}</style><script>document.title = 'ran'</script>")
        with pytest.raises(pytest.fail.Exception) as failure:
            csp.fail_on_violations(page)
        assert "script-src-elem blocked inline on http://csp.invalid/" in str(failure.value)
        assert "style-src-elem blocked inline" in str(failure.value)
        assert page.title() == "t"
        csp.fail_on_violations(page)  # reported once
    finally:
        context.close()


@pytest.mark.browser
def test_it_passes_a_page_that_keeps_to_the_policy(browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        _serve(page, '<!doctype html><title>t</title><p hidden>fine</p><script type="application/json">{}</script>')
        csp.fail_on_violations(page)
    finally:
        context.close()
