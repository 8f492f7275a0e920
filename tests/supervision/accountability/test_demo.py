"""The demo seeds an accountability case with findings, a feedback meeting with
one decision, and one published notice; a second run adds nothing. The cases fall
in the last half month that ended (today is Thursday 26 November 2026), the meeting
on the working day before today."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from supervision.accountability.models import AccountabilityCase, AccountabilityNotice, FeedbackAction, FeedbackMeeting
from supervision.accountability.workflow import State

from tests.demo_world import demo_world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_a_case_a_meeting_and_a_notice(demo_world, client):
    out = demo_world  # what seeding the world printed
    assert "demo accountability:" in out, out
    assert AccountabilityCase.objects.filter(state=State.FINDINGS).count() == 1
    assert FeedbackMeeting.objects.count() == 1 and FeedbackAction.objects.count() == 1
    notice = AccountabilityNotice.objects.get()
    assert client.get(reverse("accountability_notice", kwargs={"number": notice.number})).status_code == 200
    counts = (AccountabilityCase.objects.count(), FeedbackMeeting.objects.count(), AccountabilityNotice.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (
        AccountabilityCase.objects.count(), FeedbackMeeting.objects.count(), AccountabilityNotice.objects.count()
    ) == counts


def test_the_cases_fall_in_the_last_half_month_and_the_meeting_on_the_day_before(demo_world, frozen_time):
    opened = sorted(timezone.localdate(case.opened_at) for case in AccountabilityCase.objects.all())
    assert opened == [date(2026, 11, 2), date(2026, 11, 3)]
    notice = AccountabilityNotice.objects.get()
    assert timezone.localdate(notice.published_at) == date(2026, 11, 6)
    meeting = FeedbackMeeting.objects.get()
    assert (meeting.held_on, meeting.title, meeting.reports) == (
        date(2026, 11, 25), "11月督查反馈会", "2026年11月上半月半月报"
    )
    assert FeedbackAction.objects.get().due_on == date(2026, 12, 9)  # 10 working days after the meeting
