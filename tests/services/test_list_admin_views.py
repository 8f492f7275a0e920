"""The list administrators' pages: only they get in, only to their own department's items."""

import json
import re

import pytest
from django.urls import reverse

from portal.models import StaffRole
from services.models import ImportJob, ItemVersion, ListChange, ListVersion, ServiceItem
from tests.factories import citizen, staff
from services.terms import MaterialInput
from tests.services.factories import LicenseTypeFactory, LifeEventFactory, make_item, publish
from tests.mfa import sign_in

pytestmark = pytest.mark.django_db



@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def item(department):
    return make_item(department, code="MKT-001")


@pytest.fixture
def pages(item):
    """Every list-admin page, with the method that reaches it."""
    return [
        ("get", reverse("list_admin")),
        ("get", reverse("list_admin_item_create")),
        ("get", reverse("list_admin_item", args=[item.code])),
        ("get", reverse("list_admin_item_retire", args=[item.code])),
        ("post", reverse("list_admin_item_restore", args=[item.code])),
        ("get", reverse("list_admin_publish")),
        ("get", reverse("list_admin_changes")),
        ("get", reverse("list_admin_export", args=["csv"])),
        ("get", reverse("list_admin_import")),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, pages):
    for method, url in pages:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("who", ["citizen", "approver", "clerk"])
def test_people_who_are_not_list_admins_get_nothing(client, pages, department, who):
    user = citizen() if who == "citizen" else staff(who, department if who == "approver" else None)
    sign_in(client, user)
    for method, url in pages:
        assert getattr(client, method)(url).status_code == 403, url


def test_another_departments_list_admin_cannot_see_or_touch_the_item(client, item, other_list_admin):
    sign_in(client, other_list_admin)
    for method, name in [("get", "list_admin_item"), ("get", "list_admin_item_retire"), ("post", "list_admin_item_retire"),
                         ("post", "list_admin_item_restore")]:
        assert getattr(client, method)(reverse(name, args=[item.code])).status_code == 404
    home = client.get(reverse("list_admin")).content.decode()
    assert item.code not in home
    assert ItemVersion.objects.drafts().get(item=item).status == "active"


def test_another_departments_import_job_is_hidden(client, list_admin, other_list_admin):
    job = ImportJob.objects.create(actor=list_admin, file_name="a.csv", file_format="csv", created_at="2026-01-01T00:00Z")
    sign_in(client, other_list_admin)
    assert client.get(reverse("list_admin_import_job", args=[job.pk])).status_code == 404


def _item_post(**overrides):
    data = {
        "code": "MKT-050",
        "name_zh": "测试新事项",
        "name_en": "A new test item",
        "description_zh": "",
        "description_en": "",
        "keywords": "",
        "audience": "enterprise",
        "kind": "promised",
        "statutory_limit_days": "20",
        "promised_limit_days": "5",
        "legal_basis_zh": "《测试条例》",
        "legal_basis_en": "",
        "fee_yuan": "0",
        "online_level": "one_visit",
        "max_visits": "1",
        "license_type": "",
        "materials-TOTAL_FORMS": "2",
        "materials-INITIAL_FORMS": "0",
        "materials-MIN_NUM_FORMS": "0",
        "materials-MAX_NUM_FORMS": "1000",
        "materials-0-name_zh": "申请书",
        "materials-0-name_en": "Application form",
        "materials-0-required": "on",
        "materials-1-required": "on",
        "fields-TOTAL_FORMS": "1",
        "fields-INITIAL_FORMS": "0",
        "fields-MIN_NUM_FORMS": "0",
        "fields-MAX_NUM_FORMS": "1000",
        "fields-0-key": "company_name",
        "fields-0-type": "text",
        "fields-0-label_zh": "企业名称",
        "fields-0-label_en": "Enterprise name",
        "fields-0-required": "on",
        "fields-0-max_length": "100",
    }
    data.update(overrides)
    return data


def test_a_list_admin_creates_an_item_with_materials_and_fields(client, list_admin, department):
    sign_in(client, list_admin)
    response = client.post(reverse("list_admin_item_create"), _item_post(department=department.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    draft = ItemVersion.objects.drafts().with_terms().get(item__code="MKT-050")
    assert draft.item.department == department
    assert [m.name_en for m in draft.materials.all()] == ["Application form"]
    assert [(f.key, f.max_length) for f in draft.fields.all()] == [("company_name", 100)]
    assert ListChange.objects.get(action="create").actor == list_admin


def test_the_create_form_refuses_a_promise_beyond_the_statutory_limit(client, list_admin, department):
    sign_in(client, list_admin)
    response = client.post(
        reverse("list_admin_item_create"), _item_post(department=department.pk, promised_limit_days="25")
    )
    assert response.status_code == 200
    assert "cannot be longer than the statutory one" in response.content.decode()
    assert not ServiceItem.objects.exists()


def test_a_list_admin_cannot_create_for_another_department(client, list_admin, other_department):
    sign_in(client, list_admin)
    response = client.post(reverse("list_admin_item_create"), _item_post(department=other_department.pk))
    assert response.status_code == 200
    assert not ServiceItem.objects.exists()


def test_the_edit_form_shows_and_saves_the_draft(client, list_admin, item):
    sign_in(client, list_admin)
    page = client.get(reverse("list_admin_item", args=[item.code]))
    assert page.status_code == 200
    draft = ItemVersion.objects.drafts().get(item=item)
    data = _item_post(
        name_en="Renamed",
        revision=str(draft.revision),
        **{"materials-TOTAL_FORMS": "1", "fields-TOTAL_FORMS": "0"},
    )
    data.pop("code")
    response = client.post(reverse("list_admin_item", args=[item.code]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.name_en == "Renamed" and draft.revision == 2
    change = ListChange.objects.get(action="update")
    assert change.before["name_en"] != "Renamed" and change.after["name_en"] == "Renamed"


def test_retire_restore_and_publish_through_the_pages(client, list_admin, item, department):
    sign_in(client, list_admin)
    publish("v1")
    assert client.post(reverse("list_admin_item_retire", args=[item.code])).status_code == 302
    page = client.get(reverse("list_admin_publish")).content.decode()
    assert "Retired (1)" in page and item.code in page
    response = client.post(reverse("list_admin_publish"), {"note": "Retire MKT-001"})
    assert response.status_code == 302 and response["Location"] == reverse("catalogue_version", args=[2])
    version = ListVersion.objects.get(number=2)
    assert (version.retired, version.published_by) == (1, list_admin)
    assert client.get(reverse("catalogue_item", args=[item.code])).status_code == 410
    client.post(reverse("list_admin_item_restore", args=[item.code]))
    assert "Added (1)" in client.get(reverse("list_admin_publish")).content.decode()


def test_the_diff_shows_before_and_after(client, list_admin, item):
    from services import services
    from tests.services.factories import terms

    publish("v1")
    services.item_update(actor=list_admin, item=item, terms=terms(promised_limit_days=2, name_en="Faster"))
    sign_in(client, list_admin)
    page = client.get(reverse("list_admin_publish")).content.decode()
    assert "Changed (1)" in page
    assert "Promised time limit (working days)" in page and "<ins>" in page and "Faster" in page
    changes = client.get(reverse("list_admin_changes")).content.decode()
    assert "Faster" in changes and list_admin.email in changes


def test_publishing_with_no_changes_says_so(client, list_admin, item):
    publish("v1")
    sign_in(client, list_admin)
    response = client.post(reverse("list_admin_publish"), {"note": "nothing"})
    assert response.status_code == 200 and "There are no changes to publish" in response.content.decode()


def test_the_import_page_imports_and_reports(client, list_admin, department):
    LicenseTypeFactory(code="business-license")
    LifeEventFactory(code="start-business")
    from tests.services.test_import import as_csv, row

    sign_in(client, list_admin)
    bad = as_csv([row(1), row(2, statutory_limit_days="x")])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("list_admin_import"), {"file": SimpleUploadedFile("list.csv", bad)})
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("list_admin_import_job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "1 problem found. Nothing was imported." in page and "statutory_limit_days" in page
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<div id="import-progress"') and "hx-trigger" not in partial

    response = client.post(reverse("list_admin_import"), {"file": SimpleUploadedFile("list.png", b"\x89PNG\x00\x00")})
    assert response.status_code == 200 and "not a CSV text file" in response.content.decode()


def test_a_running_import_page_polls_and_refreshes_without_javascript(client, list_admin):
    job = ImportJob.objects.create(actor=list_admin, file_name="a.csv", file_format="csv", created_at="2026-01-01T00:00Z",
                                   status="checking", total_rows=200, processed_rows=50)
    sign_in(client, list_admin)
    page = client.get(reverse("list_admin_import_job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'http-equiv="refresh"' in page and 'value="25"' in page


def test_the_export_round_trips_the_drafts(client, list_admin, item):
    sign_in(client, list_admin)
    response = client.get(reverse("list_admin_export", args=["xlsx"]))
    assert response.status_code == 200 and response.content.startswith(b"PK")
    csv_text = client.get(reverse("list_admin_export", args=["csv"])).content.decode("utf-8-sig")
    assert item.code in csv_text


def test_the_api_returns_published_terms_as_json(client, item):
    publish("v1")
    data = client.get(reverse("api_catalogue_item", args=[item.code])).json()
    assert data["item"]["code"] == item.code and data["terms_first_published_in"] == 1
    json.dumps(data)


def test_staff_nav_links_the_list_admin(client, list_admin):
    sign_in(client, list_admin)
    assert reverse("list_admin") in client.get(reverse("catalogue")).content.decode()
    assert StaffRole.objects.filter(user=list_admin).exists()


def test_the_stand_ins_are_folded_away_and_save_and_reload(client, list_admin, department):
    types = [LicenseTypeFactory() for _ in range(24)]
    materials = [MaterialInput(f"材料{n}", f"Material {n}", True, [types[0]] if n == 0 else []) for n in range(10)]
    item = make_item(department, code="MKT-060", materials=materials)
    sign_in(client, list_admin)
    url = reverse("list_admin_item", args=[item.code])
    page = client.get(url).content.decode()

    # Every material's 24 boxes are inside a closed <details>; what is ticked is named in its summary.
    assert page.count('type="checkbox" name="materials-') >= 240
    assert page.count('<details class="folded-choices">') >= 10 and '<details class="folded-choices" open>' not in page
    assert f'<span class="badge">{types[0].name_en}</span>' in page

    draft = ItemVersion.objects.drafts().get(item=item)
    data = _item_post(revision=str(draft.revision), **{"materials-TOTAL_FORMS": "10", "materials-INITIAL_FORMS": "10", "fields-TOTAL_FORMS": "0"})
    data.pop("code")
    for n in range(10):
        data.update({f"materials-{n}-name_zh": f"材料{n}", f"materials-{n}-name_en": f"Material {n}", f"materials-{n}-required": "on"})
    data["materials-3-stand_ins"] = [str(types[5].pk), str(types[23].pk)]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]

    draft = ItemVersion.objects.drafts().get(item=item)
    chosen = {m.name_en: sorted(t.pk for t in m.stand_ins.all()) for m in draft.materials.all()}
    assert chosen["Material 3"] == sorted([types[5].pk, types[23].pk])
    assert chosen["Material 0"] == [] and chosen["Material 9"] == []
    page = client.get(url).content.decode()
    assert f'<span class="badge">{types[5].name_en}</span>' in page and f'<span class="badge">{types[23].name_en}</span>' in page
    ticked = re.findall(r'<input type="checkbox" name="materials-(\d+)-stand_ins" value="(\d+)"[^>]* checked', page)
    assert sorted(ticked) == sorted([("3", str(types[5].pk)), ("3", str(types[23].pk))])
