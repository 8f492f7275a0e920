"""What the applicant is told at each step reads naturally in their language:
real dates, not ISO strings, and no empty due date while the clock is stopped."""

import pytest

from approvals import services as workflow
from portal.models import Message

pytestmark = pytest.mark.django_db


def _latest(user) -> Message:
    return Message.objects.filter(recipient=user).latest("pk")


@pytest.mark.parametrize(
    ("language", "due"),
    [("zh-hans", "2026年12月3日（星期四）"), ("en", "Thursday 3 December 2026")],
)
def test_the_due_date_is_written_in_the_applicant_s_language(submitted, applicant, approver, language, due):
    applicant.language = language
    applicant.save(update_fields=["language"])
    application = workflow.application_accept(application=submitted, actor=approver)
    assert application.due_on.isoformat() == "2026-12-03"
    body = _latest(applicant).body
    assert due in body and "2026-12-03" not in body


def test_an_extension_while_the_clock_is_stopped_names_the_days_not_an_empty_date(submitted, applicant, approver, head):
    applicant.language = "en"
    applicant.save(update_fields=["language"])
    application = workflow.application_accept(application=submitted, actor=approver)
    application = workflow.application_request_correction(
        application=application, actor=approver, items=[{"name": "Proof of premises", "problem": "unreadable"}]
    )
    assert application.due_on is None
    workflow.application_extend(application=application, actor=head, days=2, note="Site visit needed")
    body = _latest(applicant).body
    assert "extended by 2 working days" in body and "Site visit needed" in body
    assert "—" not in body


def test_the_chinese_message_for_an_extension_while_stopped(submitted, applicant, approver, head):
    application = workflow.application_accept(application=submitted, actor=approver)
    application = workflow.application_suspend(application=application, actor=approver, kind="hearing", expected_days=5, note="听证")
    workflow.application_extend(application=application, actor=head, days=1, note="需现场核查")
    body = _latest(applicant).body
    assert f"您的办件 {submitted.tracking_number} 的办理时限已延长 1 个工作日" in body and "需现场核查" in body


def test_a_decision_asks_the_applicant_to_rate_the_service(submitted, applicant, approver, settings):
    from django.urls import reverse

    settings.SITE_URL = "https://onegate.example"
    application = workflow.application_accept(application=submitted, actor=approver)
    assert "https://onegate.example/me/ratings/" not in _latest(applicant).body  # not before a decision
    workflow.application_approve(application=application, actor=approver)

    rate = "https://onegate.example" + reverse("ratings_rate_application", args=[application.uid])
    assert rate in _latest(applicant).body
