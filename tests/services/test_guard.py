"""No approval beyond the list: the guard refuses unknown, draft and retired items on every channel."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from services import services, views
from services.services import ItemNotOnList, item_for_new_application
from tests.services.conftest import writes
from tests.services.factories import make_item, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(department):
    """One item of each kind: published, draft (never published), retired, and one published then changed."""
    published = make_item(department, code="MKT-001", name_zh="企业变更登记", name_en="Changing a registration")
    retired = make_item(department, code="MKT-002", name_zh="食品小作坊登记", name_en="Small food workshop")
    publish("v1")
    services.item_retire(actor=None, item=retired)
    draft = make_item(department, code="MKT-003", name_zh="新事项", name_en="A new item")
    publish("v2: retire MKT-002")  # publishes the retirement, and MKT-003 too ...
    services.item_retire(actor=None, item=draft)  # ... so make a fresh never-published one
    never = make_item(department, code="MKT-004", name_zh="草稿事项", name_en="Draft item")
    return {"published": published, "retired": retired, "draft": never}


REFUSED = [("retired", "MKT-002", ItemNotOnList.RETIRED), ("draft", "MKT-004", ItemNotOnList.DRAFT),
           ("unknown", "NOPE-999", ItemNotOnList.UNKNOWN)]


def test_it_returns_the_published_terms(items):
    version = item_for_new_application(code="mkt-001")
    assert version.item == items["published"]
    assert version.published_in.number == 1
    assert not version.is_draft


@pytest.mark.parametrize("label, code, reason", REFUSED)
def test_it_refuses_items_not_on_the_list(items, label, code, reason):
    with pytest.raises(ItemNotOnList) as refused:
        item_for_new_application(code=code)
    assert refused.value.reason == reason
    assert refused.value.code == reason  # ValidationError code, for callers that key on it
    assert code in refused.value.messages[0] or reason == ItemNotOnList.RETIRED


def test_it_words_each_refusal_clearly_in_both_languages(items):
    from django.utils import translation

    expected = {
        "MKT-002": ("was removed from the approval list in version 2", "已于第 2 版从事项清单中移除"),
        "MKT-004": ("is not on the published approval list yet", "尚未列入已公布的事项清单"),
        "NOPE-999": ("There is no item with the code", "事项清单中没有编码为"),
    }
    for code, (english, chinese) in expected.items():
        with translation.override("en"), pytest.raises(ItemNotOnList) as refused:
            item_for_new_application(code=code)
        assert english in refused.value.messages[0]
        with translation.override("zh-hans"), pytest.raises(ItemNotOnList) as refused:
            item_for_new_application(code=code)
        assert chinese in refused.value.messages[0]


def test_it_uses_the_list_in_force_at_the_given_time(department):
    item = make_item(department, code="MKT-010")
    before = timezone.now()
    publish("v1", at=before + datetime.timedelta(hours=1))
    with pytest.raises(ItemNotOnList):
        item_for_new_application(code=item.code, at=before)
    assert item_for_new_application(code=item.code, at=before + datetime.timedelta(hours=2)).item == item


def test_a_retired_item_stays_available_until_the_retirement_is_published(department):
    item = make_item(department, code="MKT-011")
    publish("v1")
    services.item_retire(actor=None, item=item)
    assert item_for_new_application(code=item.code).item == item
    publish("v2")
    with pytest.raises(ItemNotOnList):
        item_for_new_application(code=item.code)


def test_a_restored_item_comes_back_with_the_next_version(department):
    item = make_item(department, code="MKT-012")
    publish("v1")
    services.item_retire(actor=None, item=item)
    publish("v2")
    services.item_restore(actor=None, item=item)
    publish("v3")
    assert item_for_new_application(code=item.code).published_in.number == 3


# Every channel that exists goes through the same guard and writes nothing when it refuses.

CHANNELS = [
    ("web item page", "catalogue_item"),
    ("web apply", "catalogue_apply"),
    ("API", "api_catalogue_item"),
]


@pytest.fixture
def spy(monkeypatch):
    """Counts calls of the one guard from every channel."""
    calls = []
    original = services.item_for_new_application

    def counting(**kwargs):
        calls.append(kwargs["code"])
        return original(**kwargs)

    monkeypatch.setattr(views, "item_for_new_application", counting)
    return calls


@pytest.mark.parametrize("channel, url_name", CHANNELS)
@pytest.mark.parametrize("label, code, reason", REFUSED)
def test_each_channel_refuses_through_the_guard(client, items, spy, channel, url_name, label, code, reason):
    from django.urls import reverse

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(url_name, args=[code]))
    assert spy == [code]
    assert response.status_code == (410 if reason == ItemNotOnList.RETIRED else 404)
    assert writes(queries.captured_queries) == []
    with pytest.raises(ItemNotOnList) as refused:
        item_for_new_application(code=code)
    body = response.content.decode()
    if url_name == "api_catalogue_item":
        assert response.json() == {"error": reason, "message": refused.value.messages[0]}
    else:
        assert refused.value.messages[0].replace("“", "&ldquo;")[:10] in body or refused.value.messages[0][:10] in body


@pytest.mark.parametrize("channel, url_name", CHANNELS)
def test_each_channel_lets_a_published_item_through(client, items, spy, channel, url_name):
    from django.urls import reverse

    response = client.get(reverse(url_name, args=["MKT-001"]))
    assert response.status_code == (302 if url_name == "catalogue_apply" else 200)
    assert spy == ["MKT-001"]


def test_apply_online_leads_to_the_application_start_page(client, items):
    from django.urls import reverse

    response = client.get(reverse("catalogue_apply", args=["MKT-001"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("apply_start", args=["MKT-001"])


# A departmental system's submission (POST /api/v1/applications) starts the application through the
# same guard, inside approvals.services, and keeps nothing when it refuses.


@pytest.mark.parametrize("label, code, reason", REFUSED)
def test_the_api_submission_refuses_through_the_guard(client, items, monkeypatch, applicant, list_admin, label, code, reason):
    from api.services import machine_client_register
    from approvals import services as workflow
    from django.utils import translation

    from approvals.models import Application
    from tests.api.conftest import bearer, token

    calls = []
    original = workflow.item_for_new_application

    def counting(**kwargs):
        calls.append(kwargs["code"])
        return original(**kwargs)

    monkeypatch.setattr(workflow, "item_for_new_application", counting)
    system = machine_client_register(
        department=items["published"].department, name="业务系统", scopes=["applications:write"], actor=list_admin
    )
    body = {
        "item": code,
        "applicant": {"resident_id": applicant.person.resident_id, "real_name": applicant.person.real_name},
        "answers": {},
        "declaration": True,
    }
    response = client.post(
        "/api/v1/applications", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en",
        **bearer(token(client, system)),
    )
    assert calls == [code]
    assert response.status_code == 422
    with translation.override("en"), pytest.raises(ItemNotOnList) as refused:
        item_for_new_application(code=code)
    assert response.json()["type"] == "urn:onegate:problem:not-on-list"
    assert response.json()["detail"] == refused.value.messages[0]
    assert not Application.objects.exists()
