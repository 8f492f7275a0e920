"""The answers page: the form is built from the item's field definitions, checked
on the server (resident IDs and credit codes by the shared validators), and
nothing typed is lost when something is wrong."""

import re

import pytest
from django.urls import reverse

from approvals import services as workflow
from tests.factories import make_credit_code, make_resident_id
from tests.services.factories import make_item, publish

pytestmark = pytest.mark.django_db

FIELDS = [
    {"key": "owner_id", "type": "resident_id", "label_zh": "负责人身份证号", "label_en": "Owner's resident ID"},
    {"key": "partner_code", "type": "credit_code", "label_zh": "合作企业信用代码", "label_en": "Partner's credit code"},
    {"key": "phone", "type": "phone", "label_zh": "联系电话", "label_en": "Phone"},
    {"key": "stalls", "type": "number", "label_zh": "摊位数", "label_en": "Stalls", "min_value": 1, "max_value": 10},
    {"key": "kind", "type": "choice", "label_zh": "类型", "label_en": "Kind", "choices": "food|食品|Food\ngoods|百货|Goods"},
]


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def application(department, applicant):
    make_item(department, code="MKT-100", audience="person", fields=FIELDS)
    publish()
    return workflow.application_start(actor=applicant, item_code="MKT-100")


def _typed(**changes):
    values = {
        "owner_id": make_resident_id(),
        "partner_code": make_credit_code(),
        "phone": "13800000000",
        "stalls": "3",
        "kind": "food",
    }
    values.update(changes)
    return values


def test_it_builds_the_form_from_the_field_definitions(en, application, applicant):
    en.force_login(applicant)
    page = en.get(reverse("apply_answers", args=[application.uid])).content.decode()
    for label in ["Owner&#x27;s resident ID", "Partner&#x27;s credit code", "Phone", "Stalls", "Kind"]:
        assert label in page
    assert 'name="owner_id"' in page and 'type="tel"' in page and '<option value="goods"' in page


def test_nothing_typed_is_lost_on_a_validation_error(en, application, applicant):
    en.force_login(applicant)
    typed = _typed(owner_id="21140219900307001X", partner_code="91211400ABCDEFGHIJ", stalls="99", phone="12345")
    response = en.post(reverse("apply_answers", args=[application.uid]), {**typed, "continue": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    for key in ["owner_id", "partner_code", "stalls", "phone"]:
        assert f'href="#id_{key}"' in page  # each error links to its field
    for value in typed.values():
        assert f'value="{value}"' in page or f'value="{value}" selected' in page
    application.refresh_from_db()
    assert application.form_data == typed  # saved as typed, to be corrected later

    again = en.get(reverse("apply_answers", args=[application.uid])).content.decode()
    assert 'value="21140219900307001X"' in again and 'value="91211400ABCDEFGHIJ"' in again


def test_valid_identifiers_are_normalised_and_the_draft_continues(en, application, applicant):
    en.force_login(applicant)
    owner = make_resident_id()
    typed = _typed(owner_id=f" {owner.lower()} ")
    response = en.post(reverse("apply_answers", args=[application.uid]), {**typed, "continue": ""})
    assert response.status_code == 302
    assert response.url == reverse("apply_delivery", args=[application.uid])  # no materials to upload
    application.refresh_from_db()
    assert application.form_data["owner_id"] == owner
    assert application.form_data["stalls"] == "3"


def test_save_and_come_back_later_keeps_even_invalid_answers(en, application, applicant):
    en.force_login(applicant)
    response = en.post(
        reverse("apply_answers", args=[application.uid]), {"owner_id": "123", "stalls": "abc", "later": ""}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("me")
    assert "still need correcting" in response.content.decode()
    application.refresh_from_db()
    assert application.form_data["owner_id"] == "123" and application.form_data["stalls"] == "abc"
    tasks = en.get(reverse("my_application", args=[application.uid])).content.decode()
    assert "In progress" in tasks and "Cannot start yet" in tasks


def test_the_check_page_lists_what_still_stops_a_submission(en, application, applicant):
    en.force_login(applicant)
    en.post(reverse("apply_answers", args=[application.uid]), {**_typed(owner_id="123"), "later": ""})
    response = en.post(reverse("apply_check", args=[application.uid]), {"declaration": "yes"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Before you submit" in page
    assert reverse("apply_answers", args=[application.uid]) + "#id_owner_id" in page
    application.refresh_from_db()
    assert application.state == "draft"


def test_post_delivery_needs_an_address_and_keeps_the_choice_typed(en, application, applicant):
    en.force_login(applicant)
    response = en.post(reverse("apply_delivery", args=[application.uid]), {"delivery": "post", "delivery_address": "  "})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter the postal address for the result." in page and 'href="#id_delivery_address"' in page
    assert re.search(r'<input type="radio" name="delivery" value="post"[^>]* checked', page)
    assert "collect" in page  # it says plainly that nobody has to come back to collect it
    assert 'value="collect"' not in page


def test_the_delivery_choices_are_electronic_or_post_only(en, application, applicant):
    en.force_login(applicant)
    response = en.post(reverse("apply_delivery", args=[application.uid]), {"delivery": "collect"})
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.delivery == "electronic"
