"""The public history of the list: every version, and what changed in it."""

import pytest
from django.urls import reverse

from services import services
from tests.services.factories import make_item, publish, terms

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def history(department):
    kept = make_item(department, code="MKT-001", name_en="Kept item")
    changed = make_item(department, code="MKT-002", name_en="Changed item", promised_limit_days=5)
    retired = make_item(department, code="MKT-003", name_en="Retired item")
    publish("First list")
    services.item_update(actor=None, item=changed, terms=terms(name_en="Changed item", promised_limit_days=2))
    services.item_retire(actor=None, item=retired)
    make_item(department, code="MKT-004", name_en="Added item")
    publish("Faster changes, one retired, one added")
    return kept


def test_the_versions_page_lists_every_version(client, history):
    body = client.get(reverse("catalogue_versions")).content.decode()
    assert "Version 1" in body and "Version 2" in body and "Faster changes, one retired, one added" in body


def test_a_version_page_shows_what_changed(client, history):
    body = client.get(reverse("catalogue_version", args=[2])).content.decode()
    assert "Added (1)" in body and "Added item" in body
    assert "Changed (1)" in body and "Promised time limit (working days)" in body
    assert "Retired (1)" in body and "Retired item" in body
    assert "Kept item" not in body


def test_the_first_version_adds_everything(client, history):
    body = client.get(reverse("catalogue_version", args=[1])).content.decode()
    assert "Added (3)" in body


def test_an_unknown_version_is_not_found(client, history):
    assert client.get(reverse("catalogue_version", args=[9])).status_code == 404
