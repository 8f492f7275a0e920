"""The head's view (/desk/team/): the department's open work by approver, with
the unassigned, and links into the filtered list."""

from datetime import timedelta

import pytest
from django.urls import reverse

from approvals.workflow import State
from portal.models import StaffRole
from tests.factories import staff
from tests.approvals.desk.test_desk_list import TODAY, make_application
from tests.mfa import sign_in

pytestmark = pytest.mark.django_db


def test_it_groups_open_work_by_approver(client, item, applicant, approver, head, department):
    idle = staff(StaffRole.Role.APPROVER, department)
    make_application(item, applicant, State.IN_REVIEW, assignee=approver, due_on=TODAY - timedelta(days=2))
    make_application(item, applicant, State.IN_REVIEW, assignee=approver, due_on=TODAY)
    make_application(item, applicant, State.ACCEPTED, assignee=approver, due_on=TODAY + timedelta(days=20))
    make_application(item, applicant, State.SUSPENDED, assignee=approver)
    make_application(item, applicant, State.APPROVED, assignee=approver, due_on=TODAY)  # decided: not open work
    make_application(item, applicant, State.SUBMITTED)
    make_application(item, applicant, State.SUBMITTED)
    sign_in(client, head)
    response = client.get(reverse("desk_team"))
    assert response.status_code == 200
    rows = {row.user: row for row in response.context["rows"]}
    mine = rows[approver]
    assert (mine.open, mine.overdue, mine.due_soon, mine.on_time, mine.paused, mine.waiting) == (4, 1, 1, 1, 1, 0)
    assert rows[idle].open == 0
    assert rows[None].waiting == 2 and rows[None].open == 2
    assert response.context["rows"][-1].user is None  # the unassigned last
    assert response.context["rows"][0].user == approver  # the most overdue first


def test_its_links_lead_to_the_filtered_list(client, item, applicant, approver, head):
    overdue = make_application(item, applicant, State.IN_REVIEW, assignee=approver, due_on=TODAY - timedelta(days=1))
    make_application(item, applicant, State.IN_REVIEW, assignee=approver, due_on=TODAY + timedelta(days=9))
    make_application(item, applicant, State.IN_REVIEW, due_on=TODAY - timedelta(days=1))
    sign_in(client, head)
    row = next(r for r in client.get(reverse("desk_team")).context["rows"] if r.user == approver)
    assert row.links["overdue"].startswith(reverse("desk") + "?")
    response = client.get(row.links["overdue"])
    assert [r.pk for r in response.context["page"].rows] == [overdue.pk]


def test_the_desk_links_heads_to_it(client, head, approver):
    sign_in(client, head)
    assert reverse("desk_team") in client.get(reverse("desk")).content.decode()
    sign_in(client, approver)
    assert reverse("desk_team") not in client.get(reverse("desk")).content.decode()
