"""One form, one set of materials, one submission: opening a business as a bundle."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from approvals import services as workflow
from approvals.bundles import bundle_form_class, bundle_initial, bundle_submit
from approvals.models import Application, Attachment, BundleApplication
from approvals.workflow import State
from deadlines.selectors import stored_calendar
from portal.models import Message
from services.bundles import bundle_for_new_application, bundle_terms
from tests.approvals.bundles.conftest import ARTICLES, PREMISES, pdf
from tests.approvals.conftest import at


def submit(business, applicant, **overrides):
    arguments = {
        "actor": applicant,
        "bundle_code": "BDL-BIZ",
        "answers": business.answers(applicant),
        "uploads": business.uploads(),
        "declaration": True,
    }
    arguments.update(overrides)
    return bundle_submit(**arguments)


def test_opening_a_business_makes_one_bundle_and_five_members_in_five_departments(business, applicant):
    bundle = submit(business, applicant)

    assert BundleApplication.objects.count() == 1
    members = list(bundle.members.select_related("item_version__item"))
    assert len(members) == 5
    assert {m.department_id for m in members} == {d.pk for d in business.departments.values()}
    assert bundle.tracking_number and bundle.query_code
    assert bundle.tracking_number not in {m.tracking_number for m in members}
    seal = business.member(bundle, "SEAL")
    assert seal.state == State.DRAFT and seal.bundle_after == business.member(bundle, "REG")
    started = [m for m in members if m.pk != seal.pk]
    assert all(m.state == State.SUBMITTED and m.tracking_number for m in started)
    # Told once, for the bundle, with its tracking number and query code.
    told = Message.objects.filter(recipient=applicant)
    assert told.count() == 1
    assert bundle.tracking_number in told.get().body and bundle.query_code in told.get().body


def test_each_member_gets_its_own_due_date_in_its_department(business, applicant):
    bundle = submit(business, applicant)
    calendar = stored_calendar()
    today = at(2026, 11, 26).date()
    for key in ("REG", "TAX", "SOC", "BANK"):
        member = workflow.application_accept(application=business.member(bundle, key), actor=business.approvers[key])
        promised = business.items[key].versions.get(published_in__isnull=False).promised_limit_days
        assert member.due_on == calendar.add_working_days(today, promised)
    assert business.member(bundle, "REG").due_on.isoformat() == "2026-11-27"  # Friday, 1 working day
    assert business.member(bundle, "TAX").due_on.isoformat() == "2026-11-30"  # Monday, 2 working days


def test_the_member_after_registration_waits_and_starts_when_registration_is_approved(business, applicant):
    bundle = submit(business, applicant)
    registration = workflow.application_accept(application=business.member(bundle, "REG"), actor=business.approvers["REG"])
    assert business.member(bundle, "SEAL").state == State.DRAFT

    workflow.application_approve(application=registration, actor=business.approvers["REG"])

    seal = business.member(bundle, "SEAL")
    assert seal.state == State.SUBMITTED and seal.tracking_number
    assert seal.department == business.departments["SEAL"]
    accepted = workflow.application_accept(application=seal, actor=business.approvers["SEAL"])
    assert accepted.due_on.isoformat() == "2026-11-27"


def test_it_is_one_transaction(business, applicant):
    uploads = {ARTICLES: [pdf("articles.pdf")], PREMISES: [pdf("premises.exe", b"MZ\x90\x00 not a document")]}
    with pytest.raises(ValidationError):
        submit(business, applicant, uploads=uploads)
    assert not BundleApplication.objects.exists()
    assert not Application.objects.exists()
    assert not Attachment.objects.exists()


def test_an_answer_a_member_needs_refuses_the_whole_bundle(business, applicant):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        submit(business, applicant, answers=business.answers(applicant, address=""))
    assert "address" in refused.value.message_dict
    assert not Application.objects.exists()


def test_a_question_shared_by_three_members_is_asked_once_and_reaches_all_three(business, applicant):
    terms = bundle_terms(bundle_version=bundle_for_new_application(code="BDL-BIZ"))
    assert sorted(terms.askers("address")) == sorted(business.code(k) for k in ("REG", "TAX", "BANK"))
    form = bundle_form_class(terms)()
    assert list(form.fields).count("address") == 1
    assert [f.key for f in terms.fields].count("address") == 1

    bundle = submit(business, applicant)

    for key in ("REG", "TAX", "BANK"):
        assert business.member(bundle, key).form_data["address"] == "辽宁省葫芦岛市龙港区海滨路1号"
    assert "address" not in business.member(bundle, "SOC").form_data


def test_the_form_is_prefilled_from_the_applicants_record(business, applicant):
    terms = bundle_terms(bundle_version=bundle_for_new_application(code="BDL-BIZ"))
    assert bundle_initial(terms, person=applicant.person) == {"resident_id": applicant.person.resident_id}


def test_a_material_shared_by_two_is_uploaded_once_and_stored_once(business, applicant):
    bundle = submit(business, applicant)

    articles = list(Attachment.objects.filter(application__bundle=bundle, material__name_zh=ARTICLES))
    assert {a.application.item_version.item.code for a in articles} == {business.code("REG"), business.code("BANK")}
    assert len({a.file.name for a in articles}) == 1 and len({a.sha256 for a in articles}) == 1
    stored = [p for p in Path(settings.STORAGES["default"]["OPTIONS"]["location"]).rglob("*") if p.is_file()]
    assert len(stored) == 2  # the articles and the proof of premises, once each
    # Neither member is missing it.
    for key in ("REG", "BANK"):
        assert not workflow.missing_materials(business.member(bundle, key))


def test_removing_a_shared_file_from_one_member_keeps_it_for_the_other(business, applicant):
    bundle = submit(business, applicant)
    registration = workflow.application_request_correction(
        application=business.member(bundle, "REG"),
        actor=business.approvers["REG"],
        items=[{"name": "其他", "problem": "请补充"}],
    )
    shared = registration.attachments.get(material__name_zh=ARTICLES)
    workflow.attachment_remove(attachment=shared, actor=applicant)
    kept = Attachment.objects.get(application=business.member(bundle, "BANK"), material__name_zh=ARTICLES)
    assert kept.file.storage.exists(kept.file.name)


def test_an_optional_member_is_included_only_when_its_condition_holds(business, applicant):
    bundle = submit(business, applicant, answers=business.answers(applicant, hire_staff=False))
    codes = {m.item_version.item.code for m in bundle.members.select_related("item_version__item")}
    assert business.code("SOC") not in codes and len(codes) == 4


def test_a_waiting_member_cannot_be_deleted_alone(business, applicant):
    bundle = submit(business, applicant)
    with pytest.raises(workflow.WorkflowError):
        workflow.application_discard_draft(application=business.member(bundle, "SEAL"), actor=applicant)
    assert bundle.members.count() == 5


def test_an_enterprise_agent_gets_the_enterprises_name_prefilled(business, enterprise_member):
    terms = bundle_terms(bundle_version=bundle_for_new_application(code="BDL-BIZ"))
    person = enterprise_member.user.person
    initial = bundle_initial(terms, person=person, enterprise=enterprise_member.enterprise)
    assert initial == {"resident_id": person.resident_id, "company_name": "葫芦岛海滨食品有限公司"}
