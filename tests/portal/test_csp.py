"""Every page carries a Content-Security-Policy that allows no inline script.

The pages are the URL audit's (tests/test_every_url_is_guarded.py): each public
route fetched anonymously, and each protected page as its rightful user. Each
HTML page is also read for what the policy would block in a browser: an inline
<script> or <style> without the response's nonce, an event-handler attribute
(onclick=…, hx-on…) or a javascript: URL. The browser tests see the rest
(tests/browser/csp.py fails a test on any violation the browser reports).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.test_every_url_is_guarded import (  # world: the audit's module-wide fixture
    PROTECTED,
    PUBLIC,
    PUBLIC_QUERIES,
    PUBLIC_URLS,
    body,
    client_for,
    url_for,
    world,  # noqa: F401
)

HEADER = "Content-Security-Policy"


def directives(response) -> dict[str, list[str]]:
    assert response.has_header(HEADER), f"{response.request['PATH_INFO']} has no {HEADER} header"
    policy = {}
    for part in response[HEADER].split(";"):
        name, *values = part.split()
        policy[name] = values
    return policy


def check_policy(response, url: str) -> dict[str, list[str]]:
    policy = directives(response)
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts, f"{url}: no script-src nor default-src in {response[HEADER]}"
    assert "'unsafe-inline'" not in scripts, f"{url}: script-src allows inline scripts"
    assert "'unsafe-eval'" not in scripts, f"{url}: script-src allows eval"
    assert "'unsafe-inline'" not in policy.get("style-src", []), f"{url}: style-src allows inline <style>"
    assert policy["object-src"] == ["'self'"], url
    assert policy["base-uri"] == ["'none'"], url
    return policy


class InlineCode(HTMLParser):
    """What a browser would run or apply inline, and whether it has the nonce."""

    HANDLER = re.compile(r"^(on[a-z]+|hx-on.*)$")

    def __init__(self, nonce: str | None):
        super().__init__()
        self.nonce = nonce
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        handlers = sorted(name for name in attrs if self.HANDLER.match(name))
        if handlers:
            self.found.append(f"<{tag} {' '.join(handlers)}>")
        for name in ("href", "src", "action", "formaction"):
            if (attrs.get(name) or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")
        executable = tag == "script" and (attrs.get("type") or "text/javascript") in ("text/javascript", "module")
        if (executable and "src" not in attrs) or tag == "style":
            if self.nonce is None or attrs.get("nonce") != self.nonce:
                self.found.append(f"<{tag}> without the response's nonce")


def check_page(response, url: str) -> None:
    policy = check_policy(response, url)
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return
    nonces = [value[len("'nonce-") : -1] for value in policy["script-src"] if value.startswith("'nonce-")]
    parser = InlineCode(nonces[0] if nonces else None)
    parser.feed(response.content.decode())
    assert not parser.found, f"{url}: the policy blocks {parser.found}"


def public_url(name, w) -> str:
    return reverse(name, kwargs=PUBLIC_URLS.get(name, lambda w: {})(w)) + PUBLIC_QUERIES.get(name, lambda w: "")(w)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_it_sends_the_policy_on_every_public_route(world, name):
    url = public_url(name, world)
    response = client_for().get(url)
    body(response)
    check_page(response, url)
    assert directives(response)["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(name for name, spec in PROTECTED.items() if "GET" in spec.methods))
def test_it_sends_the_policy_on_every_signed_in_page(world, name):
    url, spec = url_for(name, world), PROTECTED[name]
    response = client_for(getattr(world, spec.owner)).get(url)
    body(response)
    assert response.status_code in spec.owner_status, f"{spec.owner} GET {url} got {response.status_code}"
    check_page(response, url)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/portal/user/",
        "/admin/portal/user/add/",
        "/admin/services/serviceitem/",
        "/admin/services/department/add/",
        "/admin/seals/seal/",
        "/admin/password_change/",
    ],
)
def test_it_sends_the_policy_on_the_admin(world, url):
    response = client_for(world.superuser).get(url)
    assert response.status_code == 200, url
    check_page(response, url)


@pytest.mark.django_db
def test_it_lets_only_our_own_pages_frame_a_material_file(world):
    """The desk previews a PDF in an <object>: the file allows its own site as a frame ancestor, no one else."""
    attachment = world.submitted_attachment
    url = reverse("application_file", args=[world.submitted.uid, attachment.pk])
    response = client_for(world.approver).get(url)
    body(response)
    assert response.status_code == 200
    assert directives(response)["frame-ancestors"] == ["'self'"]
    assert directives(response)["default-src"] == ["'self'"]


def test_the_parser_finds_what_the_policy_would_block():
    """The control for check_page: each kind of inline code is found, and a nonced or data block is not."""
    parser = InlineCode("abc")
    parser.feed(
        '<button onclick="go()"></button><div hx-on:click="x()"></div><a href="javascript:go()">x</a>'
        "<script>go()</script><style>p{}</style>"
        '<script nonce="abc">ok()</script><style nonce="abc"></style><script src="/static/a.js"></script>'
        '<script type="application/json">{"data": 1}</script>'
    )
    assert parser.found == [
        "<button onclick>",
        "<div hx-on:click>",
        "<a href=javascript:…>",
        "<script> without the response's nonce",
        "<style> without the response's nonce",
    ]
