"""免提交: a valid licence the applicant holds stands in for a material; the application
records the reference, the approver sees it live, and a revoked licence is not offered."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from approvals import services as workflow
from licences import selectors, services
from licences.models import Licence, MaterialLicence
from licences.tasks import issue_licence
from services.services import MaterialInput
from tests.licences.conftest import pdf_upload
from tests.services.factories import make_item, publish


@pytest.fixture
def licence(approved):
    issue_licence.delay(approved.pk)
    return Licence.objects.get(application=approved)


@pytest.fixture
def second_item(department, business_licence, licence):
    """An item whose first material a business licence can stand in for."""
    item = make_item(
        department,
        code="MKT-301",
        audience="person",
        materials=[
            MaterialInput(name_zh="营业执照", name_en="Business licence", stand_ins=[business_licence]),
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


def _licence_material(application):
    return application.item_version.materials.get(name_zh="营业执照")


def test_an_applicant_holding_a_valid_licence_needs_no_upload(draft, applicant, licence):
    material = _licence_material(draft)
    assert [m.pk for m in workflow.missing_materials(draft)] == [material.pk]

    offers = selectors.offers_for(draft)
    assert offers[material.pk].licences == [licence]
    services.use_licence_for_material(application=draft, actor=applicant, material=material, licence=licence)

    assert workflow.missing_materials(draft) == []
    submitted = workflow.application_submit(application=draft, actor=applicant, declaration=True)
    assert submitted.state == "submitted"
    use = MaterialLicence.objects.get(application=draft)
    assert use.licence == licence and not draft.attachments.filter(material=material).exists()  # a reference, no copy


def test_a_revoked_licence_is_not_offered_and_no_longer_stands_in(draft, applicant, licence, approver):
    material = _licence_material(draft)
    services.use_licence_for_material(application=draft, actor=applicant, material=material, licence=licence)
    services.licence_revoke(licence=licence, actor=approver, reason="吊销")

    assert selectors.offers_for(draft)[material.pk].licences == []
    assert [m.pk for m in workflow.missing_materials(draft)] == [material.pk]
    with pytest.raises(ValidationError, match="revoked"):
        services.use_licence_for_material(application=draft, actor=applicant, material=material, licence=licence)
    with pytest.raises(ValidationError):
        workflow.application_submit(application=draft, actor=applicant, declaration=True)


def test_a_suspended_licence_does_not_stand_in(draft, applicant, licence, approver):
    services.licence_suspend(licence=licence, actor=approver, reason="整改")
    with pytest.raises(ValidationError, match="suspended"):
        services.use_licence_for_material(application=draft, actor=applicant, material=_licence_material(draft), licence=licence)


def test_someone_else_s_licence_cannot_be_used(second_item, licence, outsider):
    application = workflow.application_start(actor=outsider, item_code=second_item.code)
    with pytest.raises(ValidationError, match="not held"):
        services.use_licence_for_material(
            application=application, actor=outsider, material=_licence_material(application), licence=licence
        )
    assert selectors.offers_for(application)[_licence_material(application).pk].licences == []


def test_a_licence_of_a_type_the_material_does_not_accept_is_refused(draft, applicant, licence):
    other = draft.item_version.materials.get(name_zh="申请表")
    with pytest.raises(ValidationError, match="cannot stand in"):
        services.use_licence_for_material(application=draft, actor=applicant, material=other, licence=licence)


def test_only_who_may_edit_the_application_may_give_it(draft, licence, outsider, approver):
    for actor in [outsider, approver]:
        with pytest.raises(PermissionDenied):
            services.use_licence_for_material(
                application=draft, actor=actor, material=_licence_material(draft), licence=licence
            )


def test_a_submitted_application_cannot_change_its_materials(draft, applicant, licence):
    material = _licence_material(draft)
    workflow.attachment_add(application=draft, actor=applicant, material=material, upload=pdf_upload())
    workflow.application_submit(application=draft, actor=applicant, declaration=True)
    with pytest.raises(ValidationError, match="no longer be changed"):
        services.use_licence_for_material(application=draft, actor=applicant, material=material, licence=licence)


def test_the_applicant_uses_and_drops_the_licence_from_the_materials_page(client, draft, applicant, licence):
    material = _licence_material(draft)
    client.force_login(applicant)
    url = reverse("material_licence", args=[draft.uid, material.pk])

    response = client.post(url, {"licence": licence.pk, "next": "/me/applications/"})
    assert response.status_code == 302 and response["Location"] == "/me/applications/"
    assert MaterialLicence.objects.filter(application=draft, material=material).exists()
    response = client.post(url, {"stop": "1", "next": "https://evil.example/"})
    assert response["Location"] == reverse("apply_materials", args=[draft.uid])  # no open redirect
    assert not MaterialLicence.objects.exists()


def test_a_missing_or_malformed_choice_is_an_error_message(client, draft, applicant):
    client.force_login(applicant)
    url = reverse("material_licence", args=[draft.uid, _licence_material(draft).pk])
    for value in ["", "abc", "99999"]:
        response = client.post(url, {"licence": value}, follow=True)
        assert response.status_code == 200 and "Choose one of your licences." in response.content.decode()
    assert not MaterialLicence.objects.exists()


def test_outsiders_cannot_post_to_someone_else_s_application(client, draft, licence, outsider, other_approver):
    url = reverse("material_licence", args=[draft.uid, _licence_material(draft).pk])
    assert client.post(url, {"licence": licence.pk}).status_code == 302  # anonymous: sign in
    for user in [outsider, other_approver]:
        client.force_login(user)
        assert client.post(url, {"licence": licence.pk}).status_code == 404
    assert not MaterialLicence.objects.exists()


def _render(source, **context):
    request = RequestFactory().get("/me/applications/x/materials/")
    return Template("{% load licences_tags %}" + source).render(Context({"request": request, "csrf_token": "t", **context}))


def test_the_offer_partial_offers_the_licence_and_then_shows_it_in_use(draft, applicant, licence):
    material = _licence_material(draft)
    html = _render("{% licence_offer application material %}", application=draft, material=material)
    assert f"Use my licence No. {licence.number}" in html
    assert reverse("material_licence", args=[draft.uid, material.pk]) in html

    services.use_licence_for_material(application=draft, actor=applicant, material=material, licence=licence)
    draft = type(draft).objects.get(pk=draft.pk)  # offers are read once per page (cached on the application)
    html = _render("{% licence_offer application material %}", application=draft, material=material)
    assert "stands in for this material" in html and "Upload a file instead" in html
    other = draft.item_version.materials.get(name_zh="申请表")
    assert _render("{% licence_offer application material %}", application=draft, material=other).strip() == ""


def test_the_approver_sees_the_referenced_licence_live(draft, applicant, licence, approver):
    material = _licence_material(draft)
    services.use_licence_for_material(application=draft, actor=applicant, material=material, licence=licence)
    html = _render("{% licence_reference application material %}", application=draft, material=material)
    assert licence.number in html and "badge--ok" in html

    services.licence_revoke(licence=licence, actor=approver, reason="吊销")
    draft = type(draft).objects.get(pk=draft.pk)
    html = _render("{% licence_reference application material %}", application=draft, material=material)
    assert licence.number in html and "badge--bad" in html


def test_offers_take_three_queries(draft, licence, django_assert_num_queries):
    draft = type(draft).objects.select_related("item_version").get(pk=draft.pk)
    with django_assert_num_queries(4):  # materials, their stand-ins, held licences, references
        selectors.offers_for(draft)


def test_the_catalogue_can_ask_which_types_are_held(applicant, licence, outsider):
    assert selectors.held_licence_type_ids(applicant) == {licence.licence_type_id}
    assert selectors.held_licence_type_ids(outsider) == set()


def test_the_desk_page_shows_the_licence_given_with_its_status_now(client, draft, applicant, licence, approver):
    material = _licence_material(draft)
    services.use_licence_for_material(application=draft, actor=applicant, material=material, licence=licence)
    submitted = workflow.application_submit(application=draft, actor=applicant, declaration=True)
    client.force_login(approver)
    url = reverse("desk_application", args=[submitted.tracking_number])

    page = client.get(url).content.decode()
    assert f"Given by the electronic business licence {licence.number}" in page and "badge--ok" in page
    assert reverse("licence_verify", args=[licence.number]) in page
    services.licence_revoke(licence=licence, actor=approver, reason="吊销")
    page = client.get(url).content.decode()
    assert licence.number in page and "badge--bad" in page  # read live, not copied at submission


def test_the_applicant_s_page_and_the_desk_show_the_licence_an_approval_produced(client, approved, licence, applicant, approver):
    client.force_login(applicant)
    page = client.get(reverse("my_application", args=[approved.uid])).content.decode()
    assert licence.number in page and reverse("wallet_licence", args=[licence.number]) in page
    assert reverse("staff_licence", args=[licence.number]) not in page

    client.force_login(approver)
    page = client.get(reverse("desk_application", args=[approved.tracking_number])).content.decode()
    assert licence.number in page and reverse("staff_licence", args=[licence.number]) in page


def _new_terms(item, business_licence, *, licence_stands_in: bool):
    """Publish new terms for the item while the application is a draft (the limit changes)."""
    from services import services as list_services
    from tests.services.factories import terms

    list_services.item_update(
        actor=None,
        item=item,
        terms=terms(audience="person", promised_limit_days=4),
        materials=[
            MaterialInput(
                name_zh="营业执照", name_en="Business licence", stand_ins=[business_licence] if licence_stands_in else []
            ),
            MaterialInput(name_zh="申请表", name_en="Application form"),
        ],
    )
    publish()


def test_a_licence_given_in_a_draft_follows_it_to_newer_terms(client, draft, applicant, licence, approver, second_item, business_licence):
    old_material = _licence_material(draft)
    services.use_licence_for_material(application=draft, actor=applicant, material=old_material, licence=licence)
    _new_terms(second_item, business_licence, licence_stands_in=True)

    submitted = workflow.application_submit(application=draft, actor=applicant, declaration=True)
    new_material = _licence_material(submitted)
    assert new_material.pk != old_material.pk
    assert MaterialLicence.objects.get(application=submitted).material == new_material

    client.force_login(approver)
    page = client.get(reverse("desk_application", args=[submitted.tracking_number])).content.decode()
    assert f"Given by the electronic business licence {licence.number}" in page
    assert "Not given." not in page


def test_a_licence_the_newer_terms_no_longer_accept_is_asked_for_as_a_file(draft, applicant, licence, second_item, business_licence):
    material = _licence_material(draft)
    services.use_licence_for_material(application=draft, actor=applicant, material=material, licence=licence)
    _new_terms(second_item, business_licence, licence_stands_in=False)

    with pytest.raises(ValidationError, match="Upload “Business licence”"):
        workflow.application_submit(application=draft, actor=applicant, declaration=True)
    draft.refresh_from_db()
    assert draft.state == "draft" and MaterialLicence.objects.get(application=draft).material == material  # nothing lost

    workflow.attachment_add(application=draft, actor=applicant, material=material, upload=pdf_upload())
    submitted = workflow.application_submit(application=draft, actor=applicant, declaration=True)
    assert submitted.state == "submitted" and not MaterialLicence.objects.filter(application=submitted).exists()
    assert submitted.attachments.filter(material=_licence_material(submitted)).exists()
