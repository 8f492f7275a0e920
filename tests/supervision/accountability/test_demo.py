"""The demo seeds an accountability case with findings, a feedback meeting with
one decision, and one published notice; a second run adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from supervision.accountability.models import AccountabilityCase, AccountabilityNotice, FeedbackAction, FeedbackMeeting
from supervision.accountability.workflow import State

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_a_case_a_meeting_and_a_notice(client):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "demo accountability:" in out.getvalue(), out.getvalue()
    assert AccountabilityCase.objects.filter(state=State.FINDINGS).count() == 1
    assert FeedbackMeeting.objects.count() == 1 and FeedbackAction.objects.count() == 1
    notice = AccountabilityNotice.objects.get()
    assert client.get(reverse("accountability_notice", kwargs={"number": notice.number})).status_code == 200
    counts = (AccountabilityCase.objects.count(), FeedbackMeeting.objects.count(), AccountabilityNotice.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (
        AccountabilityCase.objects.count(), FeedbackMeeting.objects.count(), AccountabilityNotice.objects.count()
    ) == counts
