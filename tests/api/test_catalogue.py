"""GET /api/v1/catalogue/items and /items/{code}: the published list, for scope catalogue:read."""

from datetime import timedelta

import pytest
import time_machine
from django.test.utils import CaptureQueriesContext
from django.db import connection

from services import services
from tests.api.conftest import bearer, token
from tests.conftest import NOW
from tests.services.factories import make_item, publish, published_items


@pytest.fixture(autouse=True)
def _on_the_suite_day(frozen_time):
    pass


@pytest.fixture
def reader(api_client, catalogue_reader):
    return bearer(token(api_client, catalogue_reader))


def walk(api_client, reader, url):
    codes, pages = [], 0
    while url:
        response = api_client.get(url, **reader)
        assert response.status_code == 200, response.content
        body = response.json()
        codes += [item["code"] for item in body["items"]]
        url, pages = body["next"], pages + 1
    return codes, pages


def test_pagination_walks_the_whole_list_once(api_client, reader, department):
    published_items(7, department=department)
    codes, pages = walk(api_client, reader, "/api/v1/catalogue/items?limit=3")
    assert len(codes) == 7 and len(set(codes)) == 7
    assert codes == sorted(codes)
    assert pages == 3


def test_a_walk_reads_one_version_of_the_list(api_client, reader, department, list_admin):
    first = published_items(4, department=department)
    response = api_client.get("/api/v1/catalogue/items?limit=2", **reader).json()
    assert response["list_version"] == first.number
    published_items(3, department=department)  # a new version, published halfway through
    codes, _pages = walk(api_client, reader, response["next"])
    assert len([item["code"] for item in response["items"]] + codes) == 4


def test_the_cursor_is_opaque_and_cannot_be_forged(api_client, reader, department):
    published_items(3, department=department)
    next_url = api_client.get("/api/v1/catalogue/items?limit=1", **reader).json()["next"]
    cursor = next_url.split("cursor=")[1]
    assert "B-" not in cursor
    response = api_client.get("/api/v1/catalogue/items?cursor=eyJhZnRlciI6IiJ9", **reader)
    assert response.status_code == 400
    assert response.json()["type"] == "urn:onegate:problem:bad-cursor"


def test_it_filters_by_department(api_client, reader, department, other_department):
    published_items(2, department=department)
    published_items(1, department=other_department)
    body = api_client.get("/api/v1/catalogue/items?department=housing", **reader).json()
    assert [item["department"]["code"] for item in body["items"]] == ["housing"]


def test_it_filters_by_audience_and_refuses_an_unknown_one(api_client, reader, department):
    published_items(2, department=department)  # items for enterprises
    assert len(api_client.get("/api/v1/catalogue/items?audience=enterprise", **reader).json()["items"]) == 2
    assert api_client.get("/api/v1/catalogue/items?audience=person", **reader).json()["items"] == []
    assert api_client.get("/api/v1/catalogue/items?audience=martians", **reader).status_code == 422


def test_a_page_runs_a_fixed_number_of_queries(api_client, reader, department):
    published_items(3, department=department)
    with CaptureQueriesContext(connection) as few:
        api_client.get("/api/v1/catalogue/items?limit=50", **reader)
    published_items(30, department=department)
    with CaptureQueriesContext(connection) as many:
        api_client.get("/api/v1/catalogue/items?limit=50", **reader)
    assert len(many) == len(few)


def test_it_shows_no_draft(api_client, reader, department):
    make_item(department, code="MKT-900", name_zh="未发布的草稿事项")
    body = api_client.get("/api/v1/catalogue/items", **reader)
    assert "未发布的草稿事项" not in body.content.decode()
    assert api_client.get("/api/v1/catalogue/items/MKT-900", **reader).status_code == 404


def test_an_item_has_its_terms_and_its_published_versions(api_client, catalogue_reader, department):
    item = make_item(department, code="MKT-201", name_zh="食品经营许可")
    first = publish()
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        services.item_update(actor=None, item=item, terms={**_terms(item), "promised_limit_days": 3})
        second = publish()
        reader = bearer(token(api_client, catalogue_reader))
        body = api_client.get("/api/v1/catalogue/items/MKT-201", **reader).json()
    assert body["list_version"] == second.number
    assert body["item"]["code"] == "MKT-201" and body["item"]["promised_limit_days"] == 3
    assert [(v["first_published_in"], v["current"]) for v in body["versions"]] == [(first.number, False), (second.number, True)]


def test_a_retired_item_is_gone_and_an_unknown_one_not_found(api_client, catalogue_reader, department):
    item = make_item(department, code="MKT-301")
    publish()
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        services.item_retire(actor=None, item=item)
        publish()
        reader = bearer(token(api_client, catalogue_reader))
        retired = api_client.get("/api/v1/catalogue/items/MKT-301", **reader)
        unknown = api_client.get("/api/v1/catalogue/items/NOPE-1", HTTP_ACCEPT_LANGUAGE="en", **reader)
    assert retired.status_code == 410
    assert retired["Content-Type"] == "application/problem+json"
    assert unknown.status_code == 404
    assert "NOPE-1" in unknown.json()["detail"]


def _terms(item):
    from services.terms import TERM_FIELDS

    draft = item.versions.get(published_in__isnull=True)
    values = {name: getattr(draft, name) for name in TERM_FIELDS}
    values["license_type"] = draft.license_type
    return values
