"""Real-browser tests: Playwright drives Debian's Chromium (no browser download),
every page is checked with axe-core from the npm package, and any
Content-Security-Policy violation fails the test (tests/browser/csp.py)."""

import json
import os
import re
from functools import cache
from pathlib import Path

import pytest

from tests.browser import csp

# Debian's build of Chromium's headless shell: the same Blink and V8 as /usr/bin/chromium at the
# same version, without the desktop browser around them (the build Playwright itself runs headless).
# Measured on the 41 browser tests on a 2-core machine: 158 s and 105 CPU-seconds with
# /usr/bin/chromium, 128 s and 66 CPU-seconds with the shell, back to back; a new context with its
# first page costs 110 ms of the browser's CPU instead of 258 ms, and an idle page 10 ms a second
# instead of 47. CHROMIUM=/usr/bin/chromium runs the tests in the desktop browser.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium-headless-shell")
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Journeys keep screenshots of their steps only when asked (`make test-browser` asks): a full-page
# screenshot costs most of a second on a 2-core machine, and the page review (`make test-pages`)
# keeps one of every page of every role anyway.
SCREENSHOTS = os.environ.get("BROWSER_SCREENSHOTS") == "1"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium-headless-shell package (make test does), "
            "or point CHROMIUM at an installed Chromium."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        csp.watch_every_context(browser)
        yield browser
        browser.close()


@pytest.fixture(params=["desktop", "phone"])
def viewport(request):
    return request.param, DESKTOP if request.param == "desktop" else PHONE


@pytest.fixture
def page(browser, viewport, live_server):
    name, size = viewport
    context = browser.new_context(viewport=size, base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.viewport_name = name
    yield page
    try:
        csp.fail_on_violations()
    finally:
        context.close()


@pytest.fixture
def bare_page(browser):
    """A page of its own browser context, with no live server: for the controls of the checks, which
    serve their own HTML with `serve_html`. The context is watched for CSP violations like any other."""
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


def serve_html(page, html: str, *, url: str, headers: dict | None = None) -> None:
    """Open `html` in `page` as if `url` had answered with it (and with `headers`)."""
    page.route(url, lambda route: route.fulfill(status=200, headers=headers, content_type="text/html", body=html))
    page.goto(url)


def screenshot(page, name: str, folder: Path = ARTIFACTS) -> None:
    """Keep a full-page screenshot of the page as `folder/name.png`, when screenshots are asked for."""
    if SCREENSHOTS:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


# axe-core's whole result (every rule that passed or did not apply, with an example node each) is
# large: it is cut down in the page to what a failure reports, before it crosses to the test.
# Measured on a 20-row list page: 410 ms and 559 ms of CPU a check with the whole result, 358 ms
# and 495 ms with this.
SERIOUS_VIOLATIONS = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target)}));
}"""


@cache
def _axe_source() -> str:
    return AXE_JS.read_text()  # 560 KB, read once a process rather than once a check


def axe_violations(page) -> list[dict]:
    """The serious and critical axe-core violations on the current page: id, impact, help and up
    to five nodes each."""
    page.evaluate(_axe_source())  # not add_script_tag: the page's CSP blocks inline scripts
    return page.evaluate(SERIOUS_VIOLATIONS)


def axe_check(page, *, label: str = "") -> None:
    """Fail on any serious or critical axe-core violation on the current page."""
    page.wait_for_load_state()  # after a navigation a click started: the new page, its CSS applied
    csp.fail_on_violations(page)
    bad = axe_violations(page)
    if bad:
        pytest.fail(f"axe violations on {label or page.url}:\n{json.dumps(bad, indent=2, ensure_ascii=False)}")


def no_horizontal_scroll(page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px at {page.viewport_size['width']}px"


def without_pdf_viewer(context) -> None:
    """Leave the desk's inline PDF previews empty in this browser context.

    Chromium's built-in PDF viewer, loading in an <object> after the page's load
    event, takes the keyboard focus and swallows input on a busy machine: keys
    pressed and text typed into the desk's forms went to the viewer in about one
    run in four under full CPU load. The viewer is the browser's, not ours; the
    files themselves are served and checked in tests/workflow/test_desk_detail.py
    and tests/test_every_url_is_guarded.py. With the file request aborted, the
    <object> shows its fallback text and link, which axe still checks.
    """
    context.route(re.compile(r"/me/applications/[0-9a-f-]{36}/files/\d+/$"), lambda route: route.abort())
