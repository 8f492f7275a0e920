"""Apply online through the pages, from the start page to the receipt, then a
correction and the resubmission, withdrawal and the "my office" section."""

import re

import pytest
from django.urls import reverse

from django.utils import translation

from portal.i18n import long_date

from approvals import services as workflow
from approvals.models import Application
from approvals.workflow import State
from portal.models import Message
from tests.factories import EnterpriseFactory, MembershipFactory, citizen
from tests.approvals.conftest import ANSWERS, fill, pdf

pytestmark = pytest.mark.django_db

CORRECTION_ITEMS = [{"name": "经营场所证明", "problem": "复印件不清晰", "remedy": "上传清晰的扫描件"}]


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


def _start(client, code="MKT-001") -> Application:
    response = client.post(reverse("apply_start", args=[code]))
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.get()
    assert response.url == reverse("my_application", args=[application.uid])
    return application


def test_it_takes_an_applicant_from_the_start_page_to_the_receipt(en, item, applicant, django_capture_on_commit_callbacks, mailoutbox):
    en.force_login(applicant)
    page = en.get(reverse("apply_start", args=["MKT-001"])).content.decode()
    assert "Start now" in page
    assert "5 working days" in page and "20 working days" in page  # how long it takes
    assert "free" in page  # what it costs
    assert "Proof of premises" in page  # what you need

    application = _start(en)
    assert application.state == State.DRAFT
    assert application.applicant_person == applicant.person and application.applicant_enterprise is None
    tasks = en.get(reverse("my_application", args=[application.uid])).content.decode()
    assert "Your answers" in tasks and "Not started" in tasks

    response = en.post(reverse("apply_answers", args=[application.uid]), {**ANSWERS, "continue": ""})
    assert response.status_code == 302 and response.url == reverse("apply_materials", args=[application.uid])

    material = application.item_version.materials.get()
    response = en.post(reverse("apply_materials", args=[application.uid]), {"material": material.pk, "files": [pdf("premises.pdf")]})
    assert response.status_code == 302
    assert application.attachments.get().original_name == "premises.pdf"

    response = en.post(
        reverse("apply_delivery", args=[application.uid]),
        {"delivery": "post", "delivery_address": "辽宁省葫芦岛市龙港区海滨路1号"},
    )
    assert response.status_code == 302 and response.url == reverse("apply_check", args=[application.uid])

    check = en.get(reverse("apply_check", args=[application.uid])).content.decode()
    assert "海滨小吃" in check and "Tuesday 1 December 2026" in check and "premises.pdf" in check
    assert "海滨路1号" in check and "Change" in check and "I declare" in check

    refused = en.post(reverse("apply_check", args=[application.uid]), {})
    assert refused.status_code == 200
    assert "Confirm the declaration to submit." in refused.content.decode()
    application.refresh_from_db()
    assert application.state == State.DRAFT and application.tracking_number is None

    with django_capture_on_commit_callbacks(execute=True):
        response = en.post(reverse("apply_check", args=[application.uid]), {"declaration": "yes"})
    assert response.status_code == 302 and response.url == reverse("apply_confirmation", args=[application.uid])
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert re.fullmatch(r"HLD-2026-\d{6}", application.tracking_number)
    assert application.declaration_at is not None

    receipt = en.get(response.url).content.decode()
    assert application.tracking_number in receipt and application.query_code in receipt
    assert "What happens next" in receipt

    assert Message.objects.filter(recipient=applicant, link=f"/me/applications/{application.uid}/").count() == 1
    assert len(mailoutbox) == 1 and application.tracking_number in mailoutbox[0].subject


def test_the_applicant_corrects_and_resubmits(en, draft, applicant, approver):
    application = workflow.application_submit(application=draft, actor=applicant, declaration=True)
    application = workflow.application_accept(application=application, actor=approver)
    workflow.application_request_correction(application=application, actor=approver, items=CORRECTION_ITEMS)
    en.force_login(applicant)

    page = en.get(reverse("my_application", args=[draft.uid])).content.decode()
    assert "The department needs corrections" in page and "复印件不清晰" in page and "上传清晰的扫描件" in page
    assert "Correct and resubmit" in page

    response = en.post(reverse("apply_answers", args=[draft.uid]), {**ANSWERS, "shop_name": "海滨小吃二店"})
    assert response.status_code == 302 and response.url == reverse("my_application", args=[draft.uid])
    material = application.item_version.materials.get()
    old = application.attachments.get()
    en.post(reverse("apply_attachment_remove", args=[draft.uid, old.pk]))
    en.post(reverse("apply_materials", args=[draft.uid]), {"material": material.pk, "files": [pdf("clear.pdf")]})
    assert [a.original_name for a in application.attachments.all()] == ["clear.pdf"]

    check = en.get(reverse("apply_check", args=[draft.uid])).content.decode()
    assert "Send the corrections" in check and "I declare" not in check
    response = en.post(reverse("apply_check", args=[draft.uid]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("my_application", args=[draft.uid])
    application.refresh_from_db()
    assert application.state == State.ACCEPTED
    # The flash says what the page says: the clock runs again, with the new due date.
    with translation.override("en"):
        due = long_date(application.due_on)
    assert f"The time limit runs again: it is now due by {due}." in response.content.decode()
    assert application.form_data["shop_name"] == "海滨小吃二店"
    assert application.corrections.get().resolved_at is not None
    timeline = en.get(reverse("my_application", args=[draft.uid])).content.decode()
    for step in ["Submitted", "Accepted", "Correction requested", "Corrections resubmitted"]:
        assert step in timeline
    # What the correction changed, and which file came with it.
    assert application.attachments.get().round == 1 and "correction 1" in timeline
    assert "New files: clear.pdf" in timeline and f"Files removed: {old.original_name}" in timeline
    assert "Answers changed: Shop name" in timeline


def test_corrections_sent_before_acceptance_wait_for_acceptance(en, draft, applicant, approver):
    application = workflow.application_submit(application=draft, actor=applicant, declaration=True)
    workflow.application_request_correction(application=application, actor=approver, items=CORRECTION_ITEMS)
    en.force_login(applicant)
    response = en.post(reverse("apply_check", args=[draft.uid]), follow=True)
    application.refresh_from_db()
    assert application.state == State.SUBMITTED and application.due_on is None
    page = response.content.decode()
    assert "the time limit starts when it accepts" in page and "runs again" not in page


def test_an_approved_item_without_a_license_points_to_its_decision_not_the_wallet(en, submitted, applicant, approver):
    accepted = workflow.application_accept(application=submitted, actor=approver)
    workflow.application_approve(application=accepted, actor=approver)
    en.force_login(applicant)
    page = en.get(reverse("my_application", args=[submitted.uid])).content.decode()
    assert "This service produces no license" in page and "goes to your license wallet" not in page


def test_the_application_page_shows_the_due_date_as_a_real_date_and_working_days_left(en, submitted, applicant, approver):
    workflow.application_accept(application=submitted, actor=approver)  # Thursday 26 November 2026, 5 days
    en.force_login(applicant)
    page = en.get(reverse("my_application", args=[submitted.uid])).content.decode()
    assert "Thursday 3 December 2026" in page
    assert "5 working days left" in page
    assert "provisional" not in page


def test_the_due_date_says_provisional_when_it_falls_in_a_year_without_a_notice(en, department, applicant, approver):
    from services.services import MaterialInput
    from tests.services.factories import make_item, publish

    make_item(department, code="MKT-060", audience="person", promised_limit_days=60, statutory_limit_days=60,
              materials=[MaterialInput(name_zh="材料", name_en="Paper")])
    publish()
    application = fill(workflow.application_start(actor=applicant, item_code="MKT-060"), applicant, answers={})
    application = workflow.application_submit(application=application, actor=applicant, declaration=True)
    application = workflow.application_accept(application=application, actor=approver)
    assert application.due_provisional
    en.force_login(applicant)
    page = en.get(reverse("my_application", args=[application.uid])).content.decode()
    assert "provisional" in page and "2027" in page


def test_the_applicant_withdraws_after_confirming(en, submitted, applicant):
    en.force_login(applicant)
    page = en.get(reverse("my_application", args=[submitted.uid])).content.decode()
    assert reverse("apply_withdraw", args=[submitted.uid]) in page
    confirm = en.get(reverse("apply_withdraw", args=[submitted.uid]))
    assert "Yes, withdraw it" in confirm.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED  # looking at the question changes nothing
    response = en.post(reverse("apply_withdraw", args=[submitted.uid]), {"note": "不再需要"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == State.WITHDRAWN
    page = en.get(reverse("my_application", args=[submitted.uid])).content.decode()
    assert "不再需要" in page and reverse("apply_withdraw", args=[submitted.uid]) not in page


def test_a_decided_application_cannot_be_withdrawn_or_changed(en, submitted, applicant, approver):
    workflow.application_approve(application=workflow.application_accept(application=submitted, actor=approver), actor=approver)
    en.force_login(applicant)
    assert en.post(reverse("apply_withdraw", args=[submitted.uid])).status_code == 302
    response = en.post(reverse("apply_answers", args=[submitted.uid]), {**ANSWERS, "shop_name": "改名"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == State.APPROVED and submitted.form_data["shop_name"] == ANSWERS["shop_name"]


def test_a_draft_is_resumed_from_my_office_and_can_be_deleted(en, item, applicant):
    en.force_login(applicant)
    application = _start(en)
    en.post(reverse("apply_answers", args=[application.uid]), {"shop_name": "半截", "opening": "", "later": ""})
    office = en.get(reverse("me")).content.decode()
    assert "Drafts you can resume" in office
    assert reverse("my_application", args=[application.uid]) in office
    answers = en.get(reverse("apply_answers", args=[application.uid])).content.decode()
    assert 'value="半截"' in answers

    assert en.get(reverse("apply_discard", args=[application.uid])).status_code == 200
    assert Application.objects.filter(pk=application.pk).exists()
    response = en.post(reverse("apply_discard", args=[application.uid]))
    assert response.status_code == 302
    assert not Application.objects.filter(pk=application.pk).exists()


def test_my_office_lists_my_applications_and_says_so_when_there_are_none(en, item, applicant, django_assert_max_num_queries):
    en.force_login(applicant)
    assert "You have no applications yet." in en.get(reverse("me")).content.decode()
    numbers = []
    for _ in range(3):
        application = fill(workflow.application_start(actor=applicant, item_code=item.code), applicant)
        numbers.append(workflow.application_submit(application=application, actor=applicant, declaration=True).tracking_number)
    office = en.get(reverse("me")).content.decode()
    assert "You have no applications yet." not in office
    positions = [office.index(number) for number in numbers]
    assert positions == sorted(positions, reverse=True)  # newest first
    from django.test import RequestFactory

    from approvals.apply.views import office_section

    request = RequestFactory().get("/me/")
    request.user = applicant
    with django_assert_max_num_queries(3):  # drafts, applications, bundles: whatever their number
        section = office_section(request)
    assert len(section["applications"]) == 3 and section["drafts"] == [] and not section["more"]


def test_an_enterprise_application_is_shared_with_co_members(en, department):
    from services.services import MaterialInput
    from tests.services.factories import make_item, publish

    make_item(department, code="ENT-001", audience="enterprise", materials=[MaterialInput(name_zh="章程", name_en="Articles")])
    publish()
    agent, colleague = citizen(), citizen()
    enterprise = EnterpriseFactory()
    MembershipFactory(user=agent, enterprise=enterprise)
    MembershipFactory(user=colleague, enterprise=enterprise, role="agent")
    en.force_login(agent)
    session = en.session
    session["onegate_acting_as"] = enterprise.pk
    session.save()
    application = _start(en, "ENT-001")
    assert application.applicant_enterprise == enterprise
    en.force_login(colleague)
    assert en.get(reverse("my_application", args=[application.uid])).status_code == 200
    assert reverse("my_application", args=[application.uid]) in en.get(reverse("me")).content.decode()


def test_the_list_of_my_applications_pages_through_them(en, item, applicant):
    en.force_login(applicant)
    application = fill(workflow.application_start(actor=applicant, item_code=item.code), applicant)
    application = workflow.application_submit(application=application, actor=applicant, declaration=True)
    page = en.get(reverse("my_applications")).content.decode()
    assert application.tracking_number in page


def test_a_second_click_on_submit_shows_the_receipt_and_submits_nothing_twice(en, draft, applicant):
    en.force_login(applicant)
    first = en.post(reverse("apply_check", args=[draft.uid]), {"declaration": "yes"})
    second = en.post(reverse("apply_check", args=[draft.uid]), {"declaration": "yes"})
    assert first.url == second.url == reverse("apply_confirmation", args=[draft.uid])
    draft.refresh_from_db()
    assert draft.events.count() == 1 and draft.tracking_number.endswith("000001")


def test_the_pages_speak_chinese_by_default_with_chinese_dates(client, submitted, applicant, approver):
    workflow.application_accept(application=submitted, actor=approver)
    client.force_login(applicant)
    page = client.get(reverse("my_application", args=[submitted.uid])).content.decode()
    assert '<html lang="zh-Hans">' in page
    assert "2026年12月3日（星期四）" in page and "2026年11月26日 10:00" in page
    for name in ["apply_confirmation", "my_applications"]:
        args = [submitted.uid] if name != "my_applications" else []
        assert client.get(reverse(name, args=args)).status_code == 200
    assert submitted.tracking_number in client.get(reverse("me")).content.decode()
