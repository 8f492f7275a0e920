"""The list administrators' pages of bundles: create and edit a draft, retire and restore, publish with the list."""

import pytest
from django.urls import reverse

from services.bundles import MemberInput, bundle_create, bundle_for_new_application
from services.models import Bundle, BundleVersion, ListChange
from tests.mfa import sign_in
from tests.services.factories import LifeEventFactory, make_item, publish


@pytest.fixture
def world(department, other_department):
    make_item(department, code="MKT-REG", promised_limit_days=1, audience="person")
    make_item(department, code="MKT-SEAL", promised_limit_days=1, audience="person")
    make_item(other_department, code="HSG-001", promised_limit_days=3, audience="person")
    publish()
    return LifeEventFactory(code="open-business", name_zh="企业开办", name_en="Opening a business")


def _members(rows):
    data = {"members-TOTAL_FORMS": str(len(rows)), "members-INITIAL_FORMS": "0", "members-MIN_NUM_FORMS": "0", "members-MAX_NUM_FORMS": "30"}
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"members-{n}-{key}"] = value
    return data


def _post(world, department, **overrides):
    data = {
        "code": "BDL-NEW",
        "department": str(department.pk),
        "name_zh": "开店一件事",
        "name_en": "Opening a shop",
        "event": str(world.pk),
        "promised_limit_days": "2",
        **_members([
            {"item_code": "MKT-REG", "required": "on"},
            {"item_code": "MKT-SEAL", "required": "on", "after_code": "MKT-REG"},
            {"item_code": ""},
        ]),
    }
    data.update(overrides)
    return data


def test_a_list_admin_creates_a_bundle_draft(world, department, list_admin, client):
    sign_in(client, list_admin)
    response = client.post(reverse("list_admin_bundle_create"), _post(world, department))
    assert response["Location"] == reverse("list_admin_bundle", args=["BDL-NEW"])
    draft = BundleVersion.objects.drafts().get(bundle__code="BDL-NEW")
    assert [m.item.code for m in draft.members.all()] == ["MKT-REG", "MKT-SEAL"]
    assert draft.members.get(item__code="MKT-SEAL").after.code == "MKT-REG"
    assert ListChange.objects.filter(bundle__code="BDL-NEW", action="create", actor=list_admin).exists()
    assert "MKT-SEAL" in client.get(reverse("list_admin_bundles")).content.decode()


def test_a_bad_member_is_shown_and_the_form_kept(world, department, list_admin, english):
    sign_in(english, list_admin)
    data = _post(world, department, **{"members-1-item_code": "NOPE-1", "members-1-after_code": ""})
    response = english.post(reverse("list_admin_bundle_create"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "there is no item with the code “NOPE-1”" in page
    assert "开店一件事" in page
    assert not Bundle.objects.exists()


def test_editing_changes_the_draft_not_the_list(world, department, list_admin, client):
    sign_in(client, list_admin)
    client.post(reverse("list_admin_bundle_create"), _post(world, department))
    data = _post(world, department, name_zh="开店一件事（新）")
    data.pop("code"), data.pop("department")
    response = client.post(reverse("list_admin_bundle", args=["BDL-NEW"]), data)
    assert response.status_code == 302, response.content.decode()[response.content.decode().find("error-summary"):][:1500]
    assert BundleVersion.objects.drafts().get(bundle__code="BDL-NEW").name_zh == "开店一件事（新）"


def test_publishing_the_list_publishes_the_bundle(world, department, list_admin, english):
    sign_in(english, list_admin)
    english.post(reverse("list_admin_bundle_create"), _post(world, department))
    page = english.get(reverse("list_admin_publish")).content.decode()
    assert "BDL-NEW" in page and "Publish as version" in page
    response = english.post(reverse("list_admin_publish"), {"note": "开店一件事上线"})
    assert response.status_code == 302
    assert bundle_for_new_application(code="BDL-NEW").name_zh == "开店一件事"


def test_the_guard_refuses_a_member_off_the_list_and_says_so(world, department, list_admin, english):
    from services.services import item_retire

    bundle_create(
        actor=list_admin, code="BDL-OFF", department=department,
        terms={"name_zh": "甲", "name_en": "A", "event": world, "promised_limit_days": 2},
        members=[MemberInput("MKT-REG"), MemberInput("MKT-SEAL", after_code="MKT-REG")],
    )
    item_retire(actor=list_admin, item=Bundle.objects.get().versions.get().members.get(item__code="MKT-SEAL").item)
    sign_in(english, list_admin)
    response = english.post(reverse("list_admin_publish"), {"note": "下线"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "includes the item “MKT-SEAL”, which is not on the published approval list" in page
    assert not BundleVersion.objects.filter(published_in__isnull=False).exists()


def test_retire_and_restore(world, department, list_admin, client):
    sign_in(client, list_admin)
    client.post(reverse("list_admin_bundle_create"), _post(world, department))
    assert client.post(reverse("list_admin_bundle_retire", args=["BDL-NEW"])).status_code == 302
    assert BundleVersion.objects.drafts().get().status == "retired"
    assert client.post(reverse("list_admin_bundle_restore", args=["BDL-NEW"])).status_code == 302
    assert BundleVersion.objects.drafts().get().status == "active"


def test_another_departments_list_admin_gets_nothing(world, department, list_admin, other_list_admin, client):
    bundle_create(
        actor=list_admin, code="BDL-MKT", department=department,
        terms={"name_zh": "甲", "name_en": "A", "event": world, "promised_limit_days": 2},
        members=[MemberInput("MKT-REG"), MemberInput("MKT-SEAL")],
    )
    sign_in(client, other_list_admin)
    assert client.get(reverse("list_admin_bundle", args=["BDL-MKT"])).status_code == 404
    assert client.post(reverse("list_admin_bundle_retire", args=["BDL-MKT"])).status_code == 404
    assert "BDL-MKT" not in client.get(reverse("list_admin_bundles")).content.decode()
    # Nor can they create one led by a department that is not theirs.
    response = client.post(reverse("list_admin_bundle_create"), _post(world, department, code="BDL-X"))
    assert response.status_code == 400 and not Bundle.objects.filter(code="BDL-X").exists()


def test_citizens_and_approvers_get_nothing(world, applicant, approver, client):
    client.force_login(applicant)
    assert client.get(reverse("list_admin_bundles")).status_code in (302, 403)
    sign_in(client, approver)
    assert client.get(reverse("list_admin_bundle_create")).status_code == 403
