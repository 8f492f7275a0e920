"""The applicant's pages of a bundle: the guide, the one form, the check, the bundle's page, my office, /track/."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from approvals import services as workflow
from approvals.bundle_drafts import SESSION_KEY
from approvals.bundles import bundle_submit
from approvals.models import Application, BundleApplication
from approvals.workflow import State
from tests.approvals.bundles.conftest import ARTICLES, PREMISES, pdf
from tests.approvals.conftest import PDF

FORM = reverse("bundle_apply", args=["BDL-BIZ"])
CHECK = reverse("bundle_apply_check", args=["BDL-BIZ"])


def _answers(business, applicant, **overrides):
    values = business.answers(applicant, hire_staff="on", **overrides)
    return {k: v for k, v in values.items() if v is not None}


def _files(business):
    """The form's upload fields, by the order of the bundle's materials."""
    from services.bundles import bundle_for_new_application, bundle_terms

    terms = bundle_terms(bundle_version=bundle_for_new_application(code="BDL-BIZ"))
    names = [group.key for group in terms.materials]
    return {
        f"files-{names.index(ARTICLES)}": pdf("articles.pdf"),
        f"files-{names.index(PREMISES)}": pdf("premises.pdf", PDF + b"%premises\n"),
    }


def _submitted(business, applicant):
    return bundle_submit(
        actor=applicant,
        bundle_code="BDL-BIZ",
        answers=business.answers(applicant),
        uploads=business.uploads(),
        declaration=True,
    )


# -- the public guide -------------------------------------------------------------------------------


def test_the_guide_lists_the_members_the_order_the_promise_and_the_materials_once(business, english):
    page = english.get(reverse("catalogue_bundle", args=["BDL-BIZ"])).content.decode()

    assert "Opening a business" in page
    for code in ("MKT-REG", "PSB-SEAL", "TAX-REG", "HRS-SOC", "BNK-ACC"):
        assert reverse("catalogue_item", args=[code]) in page
    assert "Starts after “企业设立登记 (en)” is approved" in page
    assert "When your answers call for it" in page
    assert "asked once for 2 services" in page  # the articles of association: registration and the bank
    assert "8 working days" in page  # one by one: 1 + 1 + 2 + 2 + 2
    assert reverse("bundle_apply", args=["BDL-BIZ"]) in page


def test_the_bundles_are_listed_under_their_event(business, english):
    page = english.get(reverse("catalogue_bundles")).content.decode()
    assert "Opening a business" in page and reverse("catalogue_bundle", args=["BDL-BIZ"]) in page


def test_the_catalogue_filtered_by_the_event_offers_the_bundle(business, english):
    page = english.get(reverse("catalogue") + "?event=open-business").content.decode()
    assert reverse("catalogue_bundle", args=["BDL-BIZ"]) in page
    other = english.get(reverse("catalogue")).content.decode()
    assert reverse("catalogue_bundle", args=["BDL-BIZ"]) not in other


def test_an_unknown_bundle_has_no_guide(db, client):
    assert client.get(reverse("catalogue_bundle", args=["BDL-NONE"])).status_code == 404


# -- the one form ------------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_sign_in(business, client):
    response = client.get(FORM)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_the_form_asks_each_question_once_prefilled_from_the_record(business, applicant, client):
    client.force_login(applicant)
    page = client.get(FORM).content.decode()
    assert page.count('name="company_name"') == 1
    assert page.count('name="address"') == 1
    assert applicant.person.resident_id in page  # prefilled by bundle_initial
    assert page.count('type="file"') == 2  # articles once for two members, premises once


def test_bad_answers_keep_everything_and_say_what_is_wrong(business, applicant, english):
    english.force_login(applicant)
    answers = _answers(business, applicant, resident_id="123")
    response = english.post(FORM, {**answers, **_files(business)})

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_resident_id"' in page
    assert "葫芦岛海滨食品有限公司" in page  # the answers are kept
    assert "articles.pdf" in page and "premises.pdf" in page  # so are the accepted files
    assert not BundleApplication.objects.exists()


def test_a_file_that_is_not_what_it_claims_is_refused_by_its_content(business, applicant, english):
    english.force_login(applicant)
    files = _files(business)
    name = next(iter(files))
    files[name] = SimpleUploadedFile("fake.pdf", b"MZ\x90\x00not a pdf", content_type="application/pdf")
    response = english.post(FORM, {**_answers(business, applicant), **files})

    assert response.status_code == 400
    assert "fake.pdf" in response.content.decode() and "not a real" in response.content.decode()
    assert "fake.pdf" not in str(english.session.get(SESSION_KEY))


def test_a_missing_material_is_asked_for(business, applicant, english):
    english.force_login(applicant)
    response = english.post(FORM, _answers(business, applicant))
    assert response.status_code == 400
    assert "Upload “Articles of association”." in response.content.decode()


def test_the_check_page_needs_the_declaration_and_keeps_the_answers(business, applicant, english):
    english.force_login(applicant)
    assert english.post(FORM, {**_answers(business, applicant), **_files(business)})["Location"] == CHECK
    page = english.get(CHECK).content.decode()
    assert "葫芦岛海滨食品有限公司" in page and "articles.pdf" in page

    refused = english.post(CHECK, {})
    assert refused.status_code == 400
    assert "Confirm the declaration to submit." in refused.content.decode()
    assert not BundleApplication.objects.exists()


def test_submitting_makes_one_bundle_and_shows_its_page(business, applicant, client):
    client.force_login(applicant)
    client.post(FORM, {**_answers(business, applicant), **_files(business)})
    response = client.post(CHECK, {"declaration": "yes"})

    bundle = BundleApplication.objects.get()
    assert response["Location"] == reverse("my_bundle", args=[bundle.uid])
    assert bundle.members.count() == 5  # hire_staff ticked: social insurance included
    assert not client.session.get(SESSION_KEY)  # the draft is gone
    page = client.get(response["Location"]).content.decode()
    assert bundle.tracking_number in page and bundle.query_code in page
    for member in bundle.members.all():
        assert member.department.name in page
    # My office lists it.
    assert reverse("my_bundle", args=[bundle.uid]) in client.get(reverse("me")).content.decode()


def test_the_page_shows_one_summary_with_every_license_once_complete(business, applicant, english):
    bundle = _submitted(business, applicant)
    for key in ("REG", "SEAL", "TAX", "SOC", "BANK"):
        member = business.member(bundle, key)
        approver = business.approvers[key]
        member.refresh_from_db()
        if member.state == State.SUBMITTED:
            member = workflow.application_accept(application=member, actor=approver)
        workflow.application_approve(application=member, actor=approver)
    bundle.refresh_from_db()
    assert bundle.state == BundleApplication.State.COMPLETE

    english.force_login(applicant)
    page = english.get(reverse("my_bundle", args=[bundle.uid])).content.decode()
    assert "Everything is decided" in page
    assert "Promised" in page and "on time" in page


def test_another_citizen_gets_nothing(business, applicant, outsider, client):
    bundle = _submitted(business, applicant)
    client.force_login(outsider)
    assert client.get(reverse("my_bundle", args=[bundle.uid])).status_code == 404
    assert reverse("my_bundle", args=[bundle.uid]) not in client.get(reverse("me")).content.decode()


def test_anonymous_visitors_are_sent_to_sign_in_for_a_bundle(business, applicant, client):
    bundle = _submitted(business, applicant)
    response = client.get(reverse("my_bundle", args=[bundle.uid]))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


# -- tracking --------------------------------------------------------------------------------------------


def test_tracking_a_bundle_shows_each_member_without_personal_data(business, applicant, english):
    bundle = _submitted(business, applicant)
    response = english.post(reverse("track"), {"tracking_number": bundle.tracking_number, "query_code": bundle.query_code})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Opening a business" in page
    for member in bundle.members.all():
        assert escape(member.department.name_en) in page
    assert applicant.person.real_name not in page
    assert applicant.person.resident_id not in page
    assert "葫芦岛海滨食品有限公司" not in page  # no answers


def test_tracking_a_bundle_with_a_wrong_code_finds_nothing(business, applicant, english):
    bundle = _submitted(business, applicant)
    response = english.post(reverse("track"), {"tracking_number": bundle.tracking_number, "query_code": "ABCDEFGH"})
    assert "We could not find" in response.content.decode()
    assert "Opening a business" not in response.content.decode()


def test_the_members_are_ordinary_applications(business, applicant):
    bundle = _submitted(business, applicant)
    assert Application.objects.filter(bundle=bundle).count() == bundle.members.count()


def test_the_page_shows_the_corrections_of_several_departments_as_one_notice(business, applicant, english):
    from approvals.bundles import BUNDLE_NOTICE_QUIET, bundle_corrections_tell
    from tests.approvals.conftest import at

    bundle = _submitted(business, applicant)
    asked = at(2026, 11, 26, 11)
    for key, name in (("REG", "股东会决议"), ("TAX", "财务负责人信息")):
        workflow.application_request_correction(
            application=business.member(bundle, key), actor=business.approvers[key],
            items=[{"name": name, "problem": "缺少"}], at=asked,
        )
    bundle_corrections_tell(at=asked + BUNDLE_NOTICE_QUIET)

    english.force_login(applicant)
    page = english.get(reverse("my_bundle", args=[bundle.uid])).content.decode()
    assert "Corrections asked for" in page
    assert page.count("One notice for every correction") == 1
    assert "股东会决议" in page and "财务负责人信息" in page


def test_a_retired_bundle_cannot_be_started(business, applicant, english):
    from services.bundles import bundle_retire
    from tests.services.factories import publish

    bundle_retire(actor=None, bundle=business.bundle)
    publish("下线")
    english.force_login(applicant)
    response = english.get(FORM)
    assert response.status_code == 410
    assert "no longer accepts applications" in response.content.decode()
    assert english.get(reverse("catalogue_bundle", args=["BDL-BIZ"])).status_code == 410
