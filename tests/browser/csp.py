"""Browser tests fail on any Content-Security-Policy violation.

Every browser context the tests open (the `page` fixture's, and those a test
opens itself for a second user) records each `securitypolicyviolation` event
of its pages through a binding, so reports survive the navigation that follows
them. `axe_check` and the `page` fixture's teardown fail on any that were
recorded: a blocked inline script, style or handler, or a resource from another
origin, is a page that works differently for our users than it looks in the
template.

Scripts of our own run through page.evaluate (as axe-core does), which a page's
policy does not govern; page.add_script_tag(content=…) is an inline script and
is blocked like any other.
"""

from __future__ import annotations

import pytest

BINDING = "__recordCspViolation"

LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.%s({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile ? `${event.sourceFile}:${event.lineNumber}` : "",
    sample: event.sample,
    page: location.href,
  });
}, true);
""" % BINDING

# What each watched context recorded and nobody has checked yet.
_watched: list = []


def watch(context) -> None:
    """Record the CSP violations of every page of this browser context."""
    context.csp_violations = []
    context.expose_binding(BINDING, lambda source, violation: context.csp_violations.append(violation))
    context.add_init_script(LISTENER)
    _watched.append(context)


def watch_every_context(browser) -> None:
    """Make browser.new_context() return watched contexts, for the fixtures and the tests alike."""
    new_context = browser.new_context

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        watch(context)
        return context

    browser.new_context = watched_context


def _settle(context) -> None:
    """Let events the pages have queued reach us: the violation event fires in a task after the block."""
    for page in context.pages:
        try:
            page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 0))")
        except Exception:  # a page closing or navigating: its events were delivered or are gone with it
            pass


def _describe(violations: list[dict]) -> str:
    return "\n".join(
        f"  {v['directive']} blocked {v['blocked'] or 'inline'} on {v['page']}"
        + (f" ({v['source']})" if v["source"] else "")
        + (f": {v['sample']!r}" if v["sample"] else "")
        for v in violations
    )


def fail_on_violations(page=None) -> None:
    """Fail if a watched context recorded a violation (only page's context, if given).

    Recorded violations are reported once: they are cleared as they are checked.
    """
    contexts = [page.context] if page is not None else list(_watched)
    found = []
    for context in contexts:
        if getattr(context, "csp_violations", None) is None:
            continue
        _settle(context)
        found += context.csp_violations
        context.csp_violations.clear()
    if page is None:
        _watched.clear()
    if found:
        pytest.fail(f"Content-Security-Policy violations:\n{_describe(found)}", pytrace=False)
