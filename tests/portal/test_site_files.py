"""robots.txt, the favicon, page titles and meta descriptions: what crawlers, browser tabs and search results show."""

import re
from html import unescape

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.services.factories import make_item, publish

EN = {"HTTP_COOKIE": "django_language=en"}


def _title(body: str) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", body, re.S).group(1)).strip()


def _description(body: str) -> str:
    found = re.search(r'<meta name="description" content="([^"]*)">', body)
    return unescape(found.group(1)) if found else ""


@pytest.fixture
def item(department):
    make_item(
        department, code="MKT-001", name_zh="企业开办", name_en="Setting up an enterprise",
        description_zh="两个工作日内领取电子营业执照。", description_en="Get an electronic business license in 2 working days.",
    )
    publish("v1", departments=None)


def test_it_tells_crawlers_to_keep_out_of_every_signed_in_area(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for area in ["/me/", "/desk/", "/window/", "/supervision/", "/staff/", "/list-admin/", "/admin/", "/api/"]:
        assert f"Disallow: {area}" in lines
    for public in ["/catalogue/", "/track/", "/verify/", "/calendar/", "/notices/"]:
        assert not any(line.startswith("Disallow:") and public.startswith(line.split(": ", 1)[1]) for line in lines)
    assert "Allow: /" in lines


def test_it_serves_the_favicon_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    assert "max-age" in response["Cache-Control"]
    assert client.head("/favicon.ico").status_code == 200


def test_every_page_links_its_icons(client, item):
    body = client.get(reverse("home")).content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in body
    assert 'type="image/svg+xml"' in body and 'rel="apple-touch-icon"' in body
    icons = re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="/static/([^"]+)"', body)
    assert len(icons) == 3
    for icon in icons:
        assert finders.find(icon), icon


def test_page_titles_name_the_page_then_the_site_in_both_languages(client, item):
    assert _title(client.get(reverse("catalogue")).content.decode()) == "办事服务 – 一网通办"
    assert _title(client.get(reverse("catalogue"), **EN).content.decode()) == "Services – OneGate"
    assert _title(client.get(reverse("catalogue_item", args=["MKT-001"]), **EN).content.decode()) == (
        "Setting up an enterprise – OneGate"
    )
    assert _title(client.get(reverse("home"), **EN).content.decode()) == "OneGate – City government services"
    assert _title(client.get("/no-such-page/", **EN).content.decode()) == "Page not found – OneGate"


@pytest.mark.parametrize(
    "url",
    [
        reverse("home"), reverse("catalogue"), reverse("catalogue_item", args=["MKT-001"]), reverse("track"),
        reverse("verify"), reverse("calendar_year", args=[2026]), reverse("accountability_notices"),
    ],
)
def test_it_describes_every_public_page_for_search_results(client, item, url):
    body = client.get(url, **EN).content.decode()
    description = _description(body)
    assert 40 <= len(description) <= 200, description
    assert description == description.strip()


def test_public_pages_have_descriptions_of_their_own(client, item):
    descriptions = {
        url: _description(client.get(url, **EN).content.decode())
        for url in [reverse("home"), reverse("catalogue"), reverse("track"), reverse("verify"), reverse("calendar_year", args=[2026])]
    }
    assert len(set(descriptions.values())) == len(descriptions), descriptions
    item_page = client.get(reverse("catalogue_item", args=["MKT-001"]), **EN).content.decode()
    assert _description(item_page) == "Get an electronic business license in 2 working days."
