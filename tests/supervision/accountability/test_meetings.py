"""Feedback meetings: a supervisor records one; each decision becomes an action
for its owner, due after working days; late actions show as late and their
owners are told once; only the owner or supervision marks one carried out."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from supervision.accountability import services
from supervision.accountability.models import FeedbackAction, FeedbackMeeting
from supervision.accountability.tasks import notify_late_meeting_actions
from tests.mfa import sign_in
from tests.supervision.conftest import TODAY, at

pytestmark = pytest.mark.django_db

# The owner's language is Chinese (the default): the message reads as they will read it.
SUBJECT = "督查反馈会交办事项已逾期"


@pytest.fixture
def meeting(supervisor, head, case):
    return services.meeting_record(
        actor=supervisor, held_on=TODAY, title="十一月督查反馈会", attendees="吴刚、陈静", reports="半月报",
        cases=[case], decisions=[{"description": "全面使用一次性告知单。", "owner": head, "working_days": 3}],
    )


def test_a_decision_is_due_after_working_days(meeting, head):
    [action] = meeting.actions.all()
    # Thursday 26 November + 3 working days: Friday 27, Monday 30, Tuesday 1 December.
    assert action.owner == head and action.due_on == date(2026, 12, 1)
    assert head.messages.filter(link=f"/supervision/meetings/{meeting.pk}/").exists()


def test_only_supervisors_record_meetings(head, approver):
    for user in (head, approver):
        with pytest.raises(PermissionDenied):
            services.meeting_record(actor=user, held_on=TODAY, title="x", attendees="y")


def test_a_meeting_needs_its_title_attendees_and_owners(supervisor, outsider):
    with pytest.raises(ValidationError) as exc:
        services.meeting_record(
            actor=supervisor, held_on=date(2026, 12, 1), title="", attendees="",
            decisions=[{"description": "做某事", "owner": outsider, "working_days": 5}],
        )
    assert {"held_on", "title", "attendees", "owner_1"} <= set(exc.value.error_dict)
    assert not FeedbackMeeting.objects.exists()


def test_a_late_action_tells_its_owner_once(meeting, head, client):
    with time_machine.travel(at(date(2026, 12, 2), 8, 15), tick=False):
        assert notify_late_meeting_actions.apply().get() == 1
        assert notify_late_meeting_actions.apply().get() == 0
        assert head.messages.filter(subject=SUBJECT).count() == 1
        sign_in(client, head)
        page = client.get(reverse("accountability_meeting", kwargs={"pk": meeting.pk})).content.decode()
        assert "badge--bad" in page


def test_an_action_on_time_tells_nobody(meeting, head):
    assert notify_late_meeting_actions.apply().get() == 0
    assert not head.messages.filter(subject=SUBJECT).exists()


def test_the_owner_marks_it_carried_out(meeting, head, approver, client):
    [action] = meeting.actions.all()
    with pytest.raises(PermissionDenied):
        services.action_complete(action=action, actor=approver, note="x")
    sign_in(client, head)
    url = reverse("accountability_action_done", kwargs={"pk": action.pk})
    response = client.post(url, {f"a{action.pk}-note": ""})
    assert response.status_code == 400
    response = client.post(url, {f"a{action.pk}-note": "已全面使用。"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done_at is not None and action.done_note == "已全面使用。"
    with time_machine.travel(at(date(2026, 12, 2)), tick=False):
        assert notify_late_meeting_actions.apply().get() == 0


def test_meeting_pages_give_outsiders_nothing(client, meeting, supervisor, head, other_head, outsider, clerk):
    detail = reverse("accountability_meeting", kwargs={"pk": meeting.pk})
    [action] = meeting.actions.all()
    done = reverse("accountability_action_done", kwargs={"pk": action.pk})
    for url in (reverse("accountability_meetings"), reverse("accountability_meeting_new"), detail):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (other_head, outsider, clerk):
        sign_in(client, user)
        assert client.get(reverse("accountability_meetings")).status_code == 403
        assert client.get(reverse("accountability_meeting_new")).status_code == 403
        assert client.get(detail).status_code == 404
        assert client.post(done, {f"a{action.pk}-note": "x"}).status_code == 404
    sign_in(client, head)  # the owner of a decision sees its meeting
    assert client.get(detail).status_code == 200
    assert client.get(reverse("accountability_meetings")).status_code == 403
    sign_in(client, supervisor)
    assert "十一月督查反馈会" in client.get(reverse("accountability_meetings")).content.decode()


def test_the_meeting_form_records_a_meeting(english, supervisor, head, case):
    sign_in(english, supervisor)
    url = reverse("accountability_meeting_new")
    data = {
        "held_on": "2026-11-25", "title": "", "attendees": "吴刚", "cases": [case.pk],
        "decision_1": "Report the fix", "owner_1": head.pk, "days_1": "",
    }
    response = english.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give the meeting a title." in page and "Report the fix" in page
    response = english.post(url, {**data, "title": "Feedback meeting"})
    meeting = FeedbackMeeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/supervision/meetings/{meeting.pk}/"
    [action] = FeedbackAction.objects.filter(meeting=meeting)
    # 25 November + the default 10 working days.
    assert action.due_on == date(2026, 12, 9)
    assert list(meeting.cases.all()) == [case]
