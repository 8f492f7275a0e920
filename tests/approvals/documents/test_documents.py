"""Sealed notices and decisions (approvals.documents): every step the Administrative
Licensing Law wants in writing gives the applicant a sealed PDF that says what the law
requires, and that /verify/ recognises.

The documents are produced the way a worker produces them: the step queues the task
after its commit, and the test suite runs queued tasks at once (CELERY_EAGER).
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from approvals import services as workflow
from approvals.documents import services as documents
from approvals.models import DecisionDocument
from approvals.workflow import State
from seals.models import Seal
from seals.verification import verify_pdf
from services.services import MaterialInput
from tests.approvals.conftest import ANSWERS, FIELDS, at, fill
from tests.approvals.window.test_documents import text_of
from tests.mfa import sign_in
from tests.services.factories import make_item, publish

pytestmark = pytest.mark.django_db
Kind = DecisionDocument.Kind
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "documents"


@pytest.fixture
def approval_seal(root, department):
    """The market department's administrative approval seal (行政审批专用章)."""
    from seals import services

    return services.seal_issue(department=department, purpose=Seal.Purpose.APPROVAL)


@pytest.fixture
def workshop(department):
    """MKT-006 as the demo list has it: registering a small food workshop, which produces no license."""
    item = make_item(
        department,
        code="MKT-006",
        name_zh="食品小作坊登记",
        name_en="Registering a small food workshop",
        audience="person",
        promised_limit_days=7,
        statutory_limit_days=20,
        legal_basis_zh="《中华人民共和国食品安全法》第三十六条",
        legal_basis_en="Food Safety Law, art. 36",
        materials=[MaterialInput(name_zh="经营场所证明", name_en="Proof of premises")],
        fields=FIELDS,
    )
    publish()
    return item


@pytest.fixture
def early_seal(seal_settings, department):
    """The root and the department's approval seal, made in September (their certificates start then)."""
    from seals import services

    with time_machine.travel(at(2026, 9, 1), tick=False):
        services.root_create()
        return services.seal_issue(department=department, purpose=Seal.Purpose.APPROVAL)


@pytest.fixture
def early_item(department):
    """An item on the list since September (the cases here start then)."""
    with time_machine.travel(at(2026, 9, 1), tick=False):
        item = make_item(department, code="MKT-002", audience="person", promised_limit_days=5, fields=FIELDS,
                         materials=[MaterialInput(name_zh="经营场所证明", name_en="Proof of premises")])
        publish()
    return item


def _submit(item, applicant):
    application = fill(workflow.application_start(actor=applicant, item_code=item.code), applicant)
    return workflow.application_submit(application=application, actor=applicant, declaration=True)


def _accepted_by_post(item, applicant, approver):
    """An application whose applicant asked for the result by post, accepted."""
    draft = fill(workflow.application_start(actor=applicant, item_code=item.code), applicant)
    workflow.application_save(
        application=draft, actor=applicant, data=ANSWERS, delivery="post", delivery_address="辽宁省葫芦岛市龙港区海滨路1号"
    )
    submitted = workflow.application_submit(application=draft, actor=applicant, declaration=True)
    return workflow.application_accept(application=submitted, actor=approver)


def _document(application, kind) -> DecisionDocument:
    return DecisionDocument.objects.get(application=application, kind=kind)


def _flat(text: str) -> str:
    """The extracted text without the layout's spaces and line breaks (CJK lines wrap anywhere)."""
    return re.sub(r"\s+", "", text)


def _text(document: DecisionDocument, tmp_path) -> str:
    """The document's text; the PDF is also kept in test-artifacts/documents/ to be looked at."""
    document.refresh_from_db()
    assert document.is_produced, f"{document} was not sealed: {document.last_error}"
    with document.file.open("rb") as handle:
        pdf = handle.read()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{document.kind}.pdf").write_bytes(pdf)
    return _flat(text_of(pdf, tmp_path, document.kind))


def test_approving_mkt_006_gives_a_sealed_decision_to_grant_that_verifies(
    english, workshop, applicant, approver, approval_seal, django_capture_on_commit_callbacks, tmp_path
):
    submitted = _submit(workshop, applicant)
    with django_capture_on_commit_callbacks(execute=True):
        accepted = workflow.application_accept(application=submitted, actor=approver)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.application_approve(application=accepted, actor=approver)

    grant = _document(accepted, Kind.GRANT)
    text = _text(grant, tmp_path)
    assert "准予行政许可决定书" in text and grant.number in text
    assert "食品小作坊登记" in text and applicant.person.real_name in text and "2026年11月26日" in text
    assert "第三十八条" in text and accepted.tracking_number in text
    # Delivered electronically when sealed: the applicant has an account and chose electronic delivery.
    assert grant.delivered_on == datetime.date(2026, 11, 26) and grant.delivery == "electronic"

    with grant.file.open("rb") as handle:
        pdf = handle.read()
    report = verify_pdf(pdf)
    assert report.ok, report.all_reasons
    page = english.post(
        reverse("verify"), {"document": SimpleUploadedFile("decision.pdf", pdf, content_type="application/pdf")}
    ).content.decode()
    assert "Genuine document." in page and grant.number in page
    assert "Not a license document we issued." not in page  # the licenses panel leaves it to ours

    # The QR code's page, for anyone: the document, its department, and a masked name.
    public = english.get(reverse("decision_verify", args=[grant.number])).content.decode()
    assert grant.sha256[:32] in public and grant.sha256[32:] in public and applicant.person.real_name not in public


def test_a_changed_copy_is_not_the_decision(english, workshop, applicant, approver, approval_seal, django_capture_on_commit_callbacks):
    submitted = _submit(workshop, applicant)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.application_approve(application=workflow.application_accept(application=submitted, actor=approver), actor=approver)
    grant = _document(submitted, Kind.GRANT)
    with grant.file.open("rb") as handle:
        pdf = handle.read()
    changed = pdf + b"\n%% a byte more\n"
    page = english.post(
        reverse("verify"), {"document": SimpleUploadedFile("decision.pdf", changed, content_type="application/pdf")}
    ).content.decode()
    assert "Not the document we issued." in page and grant.number in page


def test_a_refusal_needs_reasons_and_prints_them_with_the_appeal_rights_and_deadlines(
    item, applicant, approver, approval_seal, django_capture_on_commit_callbacks, tmp_path
):
    accepted = workflow.application_accept(application=_submit(item, applicant), actor=approver)
    with pytest.raises(ValidationError) as refused:
        workflow.application_deny(application=accepted, actor=approver, note="  ")
    assert "note" in refused.value.message_dict
    accepted.refresh_from_db()
    assert accepted.state == State.ACCEPTED and not accepted.documents.filter(kind=Kind.REFUSAL).exists()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.application_deny(
            application=accepted, actor=approver, note="经营场所与登记住所不一致", legal_basis="《食品安全法》第三十五条"
        )
    refusal = _document(accepted, Kind.REFUSAL)
    text = _text(refusal, tmp_path)
    assert "不予行政许可决定书" in text and "经营场所与登记住所不一致" in text and "《食品安全法》第三十五条" in text
    assert "行政复议" in text and "行政诉讼" in text
    # Delivered electronically on 26 November 2026: 60 days, and 6 months, from that day.
    assert refusal.delivered_on == datetime.date(2026, 11, 26)
    assert "2027年1月25日" in text and "2027年5月26日" in text
    assert "葫芦岛市人民政府" in text and "葫芦岛市连山区人民法院" in text
    # The applicant's page gives the same two dates.
    assert documents.appeal_deadlines(refusal.delivered_on) == {
        "reconsideration_by": datetime.date(2027, 1, 25),
        "litigation_by": datetime.date(2027, 5, 26),
    }


def test_a_refusal_by_post_counts_the_appeal_deadlines_from_the_day_it_is_received(
    item, applicant, approver, approval_seal, django_capture_on_commit_callbacks, tmp_path
):
    accepted = _accepted_by_post(item, applicant, approver)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.application_deny(application=accepted, actor=approver, note="不符合条件")
    refusal = _document(accepted, Kind.REFUSAL)
    text = _text(refusal, tmp_path)
    assert refusal.delivery == "post" and refusal.delivered_on is None
    assert "期限自送达之日起计算" in text  # no dates yet: nobody knows when the post arrives
    with pytest.raises(ValidationError):
        documents.document_delivered(document=refusal, actor=approver, delivered_on=datetime.date(2026, 11, 26))
    documents.document_dispatch(document=refusal, actor=approver, post_reference="XA123456789CN")
    with time_machine.travel(at(2026, 11, 30), tick=False):
        documents.document_delivered(document=refusal, actor=approver, delivered_on=datetime.date(2026, 11, 28))
    refusal.refresh_from_db()
    assert documents.appeal_deadlines(refusal.delivered_on)["reconsideration_by"] == datetime.date(2027, 1, 27)


def test_a_submission_left_alone_is_accepted_by_law_after_5_working_days(
    english, early_item, applicant, approver, supervisor, early_seal, django_capture_on_commit_callbacks, tmp_path
):
    from approvals.sweep import sweep_deadlines

    with time_machine.travel(at(2026, 9, 30, 15), tick=False):
        submitted = _submit(early_item, applicant)
    assert submitted.acceptance_due_on == datetime.date(2026, 10, 13)  # the 5th working day after receipt

    with time_machine.travel(at(2026, 10, 13, 10), tick=False):
        sign_in(english, approver)
        desk = english.get(reverse("desk")).content.decode()
        assert "13 October 2026" in desk and "waiting 5 working days" in desk
        detail = english.get(reverse("desk_application", args=[submitted.tracking_number])).content.decode()
        assert "Waiting for acceptance for 5 working days" in detail and "Art. 32" in detail

    end_of_the_day = datetime.datetime(2026, 10, 13, 23, 59, tzinfo=at(2026, 10, 13).tzinfo)
    with time_machine.travel(end_of_the_day, tick=False):
        assert sweep_deadlines(at=end_of_the_day).deemed_accepted == 0
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED

    first_sweep_after = at(2026, 10, 14, 7)
    with time_machine.travel(first_sweep_after, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert sweep_deadlines(at=first_sweep_after).deemed_accepted == 1
    submitted.refresh_from_db()
    assert submitted.state == State.ACCEPTED and submitted.deemed_accepted and submitted.assignee is None
    assert submitted.clock.accepted_on == datetime.date(2026, 9, 30)  # the clock runs from receipt
    event = submitted.events.get(action="accept")
    assert event.actor is None and event.by_law and event.received_on == datetime.date(2026, 9, 30)
    # The applicant is told, and gets the notice of acceptance, saying why.
    message = applicant.messages.order_by("-pk").first()
    assert submitted.tracking_number in message.body and "Art. 32" in message.body or "第三十二条" in message.body
    notice = _text(_document(submitted, Kind.ACCEPTANCE), tmp_path)
    assert "受理通知书" in notice and "第三十二条" in notice and "2026年9月30日" in notice
    # A second sweep accepts nobody twice.
    with time_machine.travel(first_sweep_after, tick=False):
        assert sweep_deadlines(at=first_sweep_after).deemed_accepted == 0

    # Supervision counts it against the department.
    with time_machine.travel(at(2026, 10, 15), tick=False):
        english.logout()
        sign_in(english, supervisor)
        page = english.get(reverse("supervision_overdue"), {"since": "2026-10-01", "until": "2026-10-15"}).content.decode()
    from supervision.overdue_selectors import period_by_department

    rows = period_by_department(since=datetime.date(2026, 10, 1), until=datetime.date(2026, 10, 15))
    assert [(row.code, row.deemed_accepted) for row in rows] == [(early_item.department.code, 1)]
    assert ("Accepted by law" in page) or ("依法视为受理" in page)


def test_supervision_counts_submissions_waiting_past_their_acceptance_deadline(early_item, applicant):
    item = early_item
    from deadlines.selectors import stored_calendar
    from supervision.overdue_selectors import open_work_by_department

    with time_machine.travel(at(2026, 11, 16), tick=False):
        old = _submit(item, applicant)
    fresh = _submit(item, applicant)
    today = datetime.date(2026, 11, 26)
    assert old.acceptance_due_on < today <= fresh.acceptance_due_on
    (row,) = open_work_by_department(today=today, calendar=stored_calendar(today=today))
    assert (row.waiting, row.waiting_late) == (2, 1)


def test_an_inspection_of_3_working_days_moves_the_due_date_by_exactly_3_working_days(
    item, applicant, approver, approval_seal, django_capture_on_commit_callbacks, tmp_path
):
    from deadlines.selectors import stored_calendar

    calendar = stored_calendar(today=datetime.date(2026, 11, 26))
    accepted = workflow.application_accept(application=_submit(item, applicant), actor=approver)
    due_before = accepted.due_on
    with django_capture_on_commit_callbacks(execute=True):
        suspended = workflow.application_suspend(
            application=accepted, actor=approver, kind="inspection", expected_days=3, note="现场核查经营场所"
        )
    pause = suspended.clock.pauses.get()
    assert pause.reason == "inspection" and pause.expected_end == calendar.add_working_days(datetime.date(2026, 11, 26), 3)

    resumed_on = calendar.add_working_days(datetime.date(2026, 11, 26), 3)
    with time_machine.travel(at(resumed_on.year, resumed_on.month, resumed_on.day), tick=False):
        resumed = workflow.application_resume(application=suspended, actor=approver)
    assert resumed.due_on == calendar.add_working_days(due_before, 3)
    event = resumed.events.get(action="resume")
    assert event.excluded_days == 3 and event.due_before == due_before and event.due_after == resumed.due_on

    notice = _text(_document(accepted, Kind.EXCLUDED_PERIOD), tmp_path)
    assert "特别程序告知书" in notice and "第四十五条" in notice and "不计算在行政许可期限内" in notice
    assert "检查" in notice and "3个工作日" in notice


def test_an_excluded_period_needs_its_kind_and_expected_length(item, applicant, approver):
    accepted = workflow.application_accept(application=_submit(item, applicant), actor=approver)
    with pytest.raises(ValidationError) as refused:
        workflow.application_suspend(application=accepted, actor=approver, kind="holiday", expected_days=0, note="x")
    assert set(refused.value.message_dict) == {"kind", "expected_days"}


def test_every_kind_of_document_says_what_the_law_requires(
    item, applicant, approver, head, approval_seal, django_capture_on_commit_callbacks, tmp_path
):
    """One application through acceptance, a correction, an excluded period, an extension and a
    grant; two more not accepted and refused. Each document's text, as a reader extracts it."""
    with django_capture_on_commit_callbacks(execute=True):
        main = workflow.application_accept(application=_submit(item, applicant), actor=approver)
        main = workflow.application_request_correction(
            application=main, actor=approver, items=[{"name": "营业执照副本", "problem": "已过期", "remedy": "上传有效的营业执照"}]
        )
        main = workflow.application_resubmit(application=main, actor=applicant)
        main = workflow.application_suspend(application=main, actor=approver, kind="expert_review", expected_days=10, note="食品安全专家评审")
        main = workflow.application_resume(application=main, actor=approver)
        main = workflow.application_extend(application=main, actor=head, days=5, note="现场情况复杂，需要补充核查")
        workflow.application_approve(application=main, actor=approver)
        not_accepted = workflow.application_not_accept(application=_submit(item, applicant), actor=approver, note="不属于本部门职责")
        refused = workflow.application_deny(
            application=workflow.application_accept(application=_submit(item, applicant), actor=approver),
            actor=approver,
            note="不符合条件",
        )
    expected = {
        (main, Kind.ACCEPTANCE): ["受理通知书", "决定予以受理", "承诺办结期限"],
        (main, Kind.CORRECTION): ["补正材料通知书", "一次性告知", "营业执照副本", "已过期", "上传有效的营业执照"],
        (main, Kind.EXCLUDED_PERIOD): ["特别程序告知书", "专家评审", "10个工作日", "第四十五条"],
        (main, Kind.EXTENSION): ["延期通知书", "延长5个工作日", "现场情况复杂，需要补充核查", "第四十二条", head.person.real_name],
        (main, Kind.GRANT): ["准予行政许可决定书", "决定准予行政许可", "第三十八条"],
        (not_accepted, Kind.NON_ACCEPTANCE): ["不予受理通知书", "不属于本部门职责", "行政复议", "行政诉讼"],
        (refused, Kind.REFUSAL): ["不予行政许可决定书", "不符合条件", "行政复议", "行政诉讼"],
    }
    for (application, kind), phrases in expected.items():
        text = _text(_document(application, kind), tmp_path)
        missing = [phrase for phrase in phrases if _flat(phrase) not in text]
        assert not missing, f"{kind} lacks {missing}"
        assert application.tracking_number in text and "扫码" in text


def test_only_the_applicant_the_department_and_supervision_fetch_a_document(
    client, workshop, applicant, outsider, approver, other_approver, clerk, supervisor, approval_seal,
    django_capture_on_commit_callbacks,
):
    submitted = _submit(workshop, applicant)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.application_accept(application=submitted, actor=approver)
    notice = _document(submitted, Kind.ACCEPTANCE)
    url = reverse("decision_document", args=[notice.uid])
    for user, status in ((applicant, 200), (approver, 200), (supervisor, 200), (outsider, 404), (other_approver, 404), (clerk, 404)):
        client.logout()
        sign_in(client, user)
        response = client.get(url)
        assert response.status_code == status, (user, response.status_code)
        if status == 200:
            assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.logout()
    assert client.get(url).status_code == 302  # anonymous: to sign in


def test_a_decision_not_delivered_in_10_working_days_is_escalated_once(
    item, applicant, approver, head, supervisor, approval_seal, django_capture_on_commit_callbacks
):
    from approvals.sweep import sweep_deadlines
    from deadlines.selectors import stored_calendar
    from portal.models import Message

    accepted = _accepted_by_post(item, applicant, approver)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.application_approve(application=accepted, actor=approver)
    grant = _document(accepted, Kind.GRANT)
    calendar = stored_calendar(today=datetime.date(2026, 11, 26))
    assert grant.delivery_due_on == calendar.add_working_days(datetime.date(2026, 11, 26), 10)

    on_time = grant.delivery_due_on
    with time_machine.travel(at(on_time.year, on_time.month, on_time.day, 9), tick=False):
        assert sweep_deadlines(at=at(on_time.year, on_time.month, on_time.day, 9)).late_deliveries == 0
    late = calendar.add_working_days(on_time, 1)
    when = at(late.year, late.month, late.day, 9)
    with time_machine.travel(when, tick=False):
        assert sweep_deadlines(at=when).late_deliveries == 1
        assert sweep_deadlines(at=when).late_deliveries == 0
    told = set(Message.objects.filter(subject__contains=grant.number).values_list("recipient_id", flat=True))
    assert told == {head.pk, supervisor.pk}


def test_a_walk_in_without_an_account_gets_each_document_by_sms_with_a_link_that_opens_only_it(
    client, item, clerk, approver, approval_seal, django_capture_on_commit_callbacks
):
    from approvals.models import Application
    from approvals.window.services import window_submit
    from portal import services as identity
    from portal import sms
    from tests.factories import make_resident_id

    walk_in = identity.person_register(real_name="王海", resident_id=make_resident_id(birth="19800512"), mobile="138 1234 5678")
    assert walk_in.mobile == "13812345678"
    with pytest.raises(ValidationError) as refused:
        identity.person_register(real_name="王海", resident_id=walk_in.resident_id, mobile="12345")
    assert "mobile" in refused.value.message_dict

    from tests.approvals.window.conftest import fill as fill_at_the_window

    draft = workflow.application_start(actor=clerk, item_code=item.code, person=walk_in, channel=Application.Channel.WINDOW)
    fill_at_the_window(draft, clerk)
    submitted = window_submit(application=draft, clerk=clerk, declaration=True, reason="申请人未使用网上办理", at=at(2026, 11, 26))
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.application_accept(application=submitted, actor=approver)
    notice = _document(submitted, Kind.ACCEPTANCE)
    assert notice.delivery == "sms" and notice.delivered_on == datetime.date(2026, 11, 26)
    (message,) = sms.outbox
    assert message["phone"] == "13812345678" and notice.number in message["message"]
    link = re.search(r"https?://\S+", message["message"]).group(0)
    path = link.split("testserver", 1)[-1]
    response = client.get(path)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    # The link opens this document only, and a changed token nothing.
    token = path.split("?t=", 1)[1]
    assert client.get(reverse("decision_document", args=[notice.uid]) + "?t=" + token[:-2] + "xx").status_code == 302
    other = DecisionDocument.objects.create(
        number="X-1", application=submitted, kind=Kind.GRANT, department=notice.department, issued_at=notice.issued_at,
        delivery="sms", file=notice.file.name, sha256=notice.sha256, produced_at=notice.produced_at,
    )
    assert client.get(reverse("decision_document", args=[other.uid]) + "?t=" + token).status_code == 302
