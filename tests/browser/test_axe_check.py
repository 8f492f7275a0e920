"""The control for `axe_check` (tests/browser/conftest.py): a page with a serious or critical
violation fails its test, and the failure names the rule and the element; a moderate one does not."""

import pytest

from tests.browser.conftest import axe_check, axe_violations, serve_html

URL = "http://axe.invalid/"


@pytest.mark.browser
def test_it_fails_on_an_image_without_a_text_alternative(bare_page):
    page = bare_page
    serve_html(
        page,
        '<!doctype html><html lang="en"><title>t</title><main><h1>t</h1>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="logo"></main></html>',
        url=URL,
    )
    with pytest.raises(pytest.fail.Exception) as failure:
        axe_check(page, label="an image without alt")
    assert "axe violations on an image without alt" in str(failure.value)
    assert [(v["id"], v["impact"], v["nodes"]) for v in axe_violations(page)] == [
        ("image-alt", "critical", [["#logo"]])
    ]


@pytest.mark.browser
def test_it_passes_a_page_with_only_a_moderate_violation(bare_page):
    page = bare_page
    # No main landmark, no heading, text outside every landmark: three moderate violations
    # (landmark-one-main, page-has-heading-one, region) that axe reports and the check lets pass.
    serve_html(page, '<!doctype html><html lang="en"><title>t</title><p>outside every landmark</p></html>', url=URL)
    axe_check(page)
    assert axe_violations(page) == []
