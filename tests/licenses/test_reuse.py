"""免提交: a valid license the applicant holds stands in for a material; the application
records the reference, the approver sees it live, and a revoked license is not offered."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from approvals import services as workflow
from licenses import selectors, services
from licenses.models import License, MaterialLicense
from licenses.tasks import issue_license
from services.services import MaterialInput
from tests.licenses.conftest import pdf_upload
from tests.services.factories import make_item, publish
from tests.mfa import sign_in


@pytest.fixture
def license(approved):
    issue_license.delay(approved.pk)
    return License.objects.get(application=approved)


@pytest.fixture
def second_item(department, business_license, license):
    """An item whose first material a business license can stand in for."""
    item = make_item(
        department,
        code="MKT-301",
        audience="person",
        materials=[
            MaterialInput(name_zh="营业执照", name_en="Business license", stand_ins=[business_license]),
            MaterialInput(name_zh="申请表", name_en="Application form"),
        ],
    )
    publish()
    return item


@pytest.fixture
def draft(second_item, applicant):
    application = workflow.application_start(actor=applicant, item_code=second_item.code)
    form_material = application.item_version.materials.get(name_zh="申请表")
    workflow.attachment_add(application=application, actor=applicant, material=form_material, upload=pdf_upload())
    return application


def _license_material(application):
    return application.item_version.materials.get(name_zh="营业执照")


def test_an_applicant_holding_a_valid_license_needs_no_upload(draft, applicant, license):
    material = _license_material(draft)
    assert [m.pk for m in workflow.missing_materials(draft)] == [material.pk]

    offers = selectors.offers_for(draft)
    assert offers[material.pk].licenses == [license]
    services.use_license_for_material(application=draft, actor=applicant, material=material, license=license)

    assert workflow.missing_materials(draft) == []
    submitted = workflow.application_submit(application=draft, actor=applicant, declaration=True)
    assert submitted.state == "submitted"
    use = MaterialLicense.objects.get(application=draft)
    assert use.license == license and not draft.attachments.filter(material=material).exists()  # a reference, no copy


def test_a_revoked_license_is_not_offered_and_no_longer_stands_in(draft, applicant, license, approver):
    material = _license_material(draft)
    services.use_license_for_material(application=draft, actor=applicant, material=material, license=license)
    services.license_revoke(license=license, actor=approver, reason="吊销")

    assert selectors.offers_for(draft)[material.pk].licenses == []
    assert [m.pk for m in workflow.missing_materials(draft)] == [material.pk]
    with pytest.raises(ValidationError, match="revoked"):
        services.use_license_for_material(application=draft, actor=applicant, material=material, license=license)
    with pytest.raises(ValidationError):
        workflow.application_submit(application=draft, actor=applicant, declaration=True)


def test_a_suspended_license_does_not_stand_in(draft, applicant, license, approver):
    services.license_suspend(license=license, actor=approver, reason="整改")
    with pytest.raises(ValidationError, match="suspended"):
        services.use_license_for_material(application=draft, actor=applicant, material=_license_material(draft), license=license)


def test_someone_else_s_license_cannot_be_used(second_item, license, outsider):
    application = workflow.application_start(actor=outsider, item_code=second_item.code)
    with pytest.raises(ValidationError, match="not held"):
        services.use_license_for_material(
            application=application, actor=outsider, material=_license_material(application), license=license
        )
    assert selectors.offers_for(application)[_license_material(application).pk].licenses == []


def test_a_license_of_a_type_the_material_does_not_accept_is_refused(draft, applicant, license):
    other = draft.item_version.materials.get(name_zh="申请表")
    with pytest.raises(ValidationError, match="cannot stand in"):
        services.use_license_for_material(application=draft, actor=applicant, material=other, license=license)


def test_only_who_may_edit_the_application_may_give_it(draft, license, outsider, approver):
    for actor in [outsider, approver]:
        with pytest.raises(PermissionDenied):
            services.use_license_for_material(
                application=draft, actor=actor, material=_license_material(draft), license=license
            )


def test_a_submitted_application_cannot_change_its_materials(draft, applicant, license):
    material = _license_material(draft)
    workflow.attachment_add(application=draft, actor=applicant, material=material, upload=pdf_upload())
    workflow.application_submit(application=draft, actor=applicant, declaration=True)
    with pytest.raises(ValidationError, match="no longer be changed"):
        services.use_license_for_material(application=draft, actor=applicant, material=material, license=license)


def test_the_applicant_uses_and_drops_the_license_from_the_materials_page(client, draft, applicant, license):
    material = _license_material(draft)
    sign_in(client, applicant)
    url = reverse("material_license", args=[draft.uid, material.pk])

    response = client.post(url, {"license": license.pk, "next": "/me/applications/"})
    assert response.status_code == 302 and response["Location"] == "/me/applications/"
    assert MaterialLicense.objects.filter(application=draft, material=material).exists()
    response = client.post(url, {"stop": "1", "next": "https://evil.example/"})
    assert response["Location"] == reverse("apply_materials", args=[draft.uid])  # no open redirect
    assert not MaterialLicense.objects.exists()


def test_the_check_page_shows_the_license_standing_in_not_a_missing_upload(client, draft, applicant, license):
    from django.utils import translation

    material = _license_material(draft)
    services.use_license_for_material(application=draft, actor=applicant, material=material, license=license)
    sign_in(client, applicant)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("apply_check", args=[draft.uid])).content.decode()
    row = page.split(material.name_en, 1)[1].split("</div>", 1)[0]
    assert license.number in row and "Not uploaded" not in row
    with translation.override("en"):
        assert "Given by the electronic" in row


def test_a_missing_or_malformed_choice_is_an_error_message(client, draft, applicant):
    sign_in(client, applicant)
    url = reverse("material_license", args=[draft.uid, _license_material(draft).pk])
    for value in ["", "abc", "99999"]:
        response = client.post(url, {"license": value}, follow=True)
        assert response.status_code == 200 and "Choose one of your licenses." in response.content.decode()
    assert not MaterialLicense.objects.exists()


def test_outsiders_cannot_post_to_someone_else_s_application(client, draft, license, outsider, other_approver):
    url = reverse("material_license", args=[draft.uid, _license_material(draft).pk])
    assert client.post(url, {"license": license.pk}).status_code == 302  # anonymous: sign in
    for user in [outsider, other_approver]:
        sign_in(client, user)
        assert client.post(url, {"license": license.pk}).status_code == 404
    assert not MaterialLicense.objects.exists()


def _render(source, **context):
    request = RequestFactory().get("/me/applications/x/materials/")
    return Template("{% load licenses_tags %}" + source).render(Context({"request": request, "csrf_token": "t", **context}))


def test_the_offer_partial_offers_the_license_and_then_shows_it_in_use(draft, applicant, license):
    material = _license_material(draft)
    html = _render("{% license_offer application material %}", application=draft, material=material)
    assert f"Use my license No. {license.number}" in html
    assert reverse("material_license", args=[draft.uid, material.pk]) in html

    services.use_license_for_material(application=draft, actor=applicant, material=material, license=license)
    draft = type(draft).objects.get(pk=draft.pk)  # offers are read once per page (cached on the application)
    html = _render("{% license_offer application material %}", application=draft, material=material)
    assert "stands in for this material" in html and "Upload a file instead" in html
    other = draft.item_version.materials.get(name_zh="申请表")
    assert _render("{% license_offer application material %}", application=draft, material=other).strip() == ""


def test_the_approver_sees_the_referenced_license_live(draft, applicant, license, approver):
    material = _license_material(draft)
    services.use_license_for_material(application=draft, actor=applicant, material=material, license=license)
    html = _render("{% license_reference application material %}", application=draft, material=material)
    assert license.number in html and "badge--ok" in html

    services.license_revoke(license=license, actor=approver, reason="吊销")
    draft = type(draft).objects.get(pk=draft.pk)
    html = _render("{% license_reference application material %}", application=draft, material=material)
    assert license.number in html and "badge--bad" in html


def test_offers_take_three_queries(draft, license, django_assert_num_queries):
    draft = type(draft).objects.select_related("item_version").get(pk=draft.pk)
    with django_assert_num_queries(4):  # materials, their stand-ins, held licenses, references
        selectors.offers_for(draft)


def test_the_catalogue_can_ask_which_types_are_held(applicant, license, outsider):
    assert selectors.held_license_type_ids(applicant) == {license.license_type_id}
    assert selectors.held_license_type_ids(outsider) == set()


def test_the_desk_page_shows_the_license_given_with_its_status_now(client, draft, applicant, license, approver):
    material = _license_material(draft)
    services.use_license_for_material(application=draft, actor=applicant, material=material, license=license)
    submitted = workflow.application_submit(application=draft, actor=applicant, declaration=True)
    sign_in(client, approver)
    url = reverse("desk_application", args=[submitted.tracking_number])

    page = client.get(url).content.decode()
    assert f"Given by the electronic business license {license.number}" in page and "badge--ok" in page
    assert reverse("license_verify", args=[license.number]) in page
    services.license_revoke(license=license, actor=approver, reason="吊销")
    page = client.get(url).content.decode()
    assert license.number in page and "badge--bad" in page  # read live, not copied at submission


def test_the_applicant_s_page_and_the_desk_show_the_license_an_approval_produced(client, approved, license, applicant, approver):
    sign_in(client, applicant)
    page = client.get(reverse("my_application", args=[approved.uid])).content.decode()
    assert license.number in page and reverse("wallet_license", args=[license.number]) in page
    assert reverse("staff_license", args=[license.number]) not in page

    sign_in(client, approver)
    page = client.get(reverse("desk_application", args=[approved.tracking_number])).content.decode()
    assert license.number in page and reverse("staff_license", args=[license.number]) in page


def _new_terms(item, business_license, *, license_stands_in: bool):
    """Publish new terms for the item while the application is a draft (the limit changes)."""
    from services import services as list_services
    from tests.services.factories import terms

    list_services.item_update(
        actor=None,
        item=item,
        terms=terms(audience="person", promised_limit_days=4),
        materials=[
            MaterialInput(
                name_zh="营业执照", name_en="Business license", stand_ins=[business_license] if license_stands_in else []
            ),
            MaterialInput(name_zh="申请表", name_en="Application form"),
        ],
    )
    publish()


def test_a_license_given_in_a_draft_follows_it_to_newer_terms(client, draft, applicant, license, approver, second_item, business_license):
    old_material = _license_material(draft)
    services.use_license_for_material(application=draft, actor=applicant, material=old_material, license=license)
    _new_terms(second_item, business_license, license_stands_in=True)

    submitted = workflow.application_submit(application=draft, actor=applicant, declaration=True)
    new_material = _license_material(submitted)
    assert new_material.pk != old_material.pk
    assert MaterialLicense.objects.get(application=submitted).material == new_material

    sign_in(client, approver)
    page = client.get(reverse("desk_application", args=[submitted.tracking_number])).content.decode()
    assert f"Given by the electronic business license {license.number}" in page
    assert "Not given." not in page


def test_a_license_the_newer_terms_no_longer_accept_is_asked_for_as_a_file(draft, applicant, license, second_item, business_license):
    material = _license_material(draft)
    services.use_license_for_material(application=draft, actor=applicant, material=material, license=license)
    _new_terms(second_item, business_license, license_stands_in=False)

    with pytest.raises(ValidationError, match="Upload “Business license”"):
        workflow.application_submit(application=draft, actor=applicant, declaration=True)
    draft.refresh_from_db()
    assert draft.state == "draft" and MaterialLicense.objects.get(application=draft).material == material  # nothing lost

    workflow.attachment_add(application=draft, actor=applicant, material=material, upload=pdf_upload())
    submitted = workflow.application_submit(application=draft, actor=applicant, declaration=True)
    assert submitted.state == "submitted" and not MaterialLicense.objects.filter(application=submitted).exists()
    assert submitted.attachments.filter(material=_license_material(submitted)).exists()
