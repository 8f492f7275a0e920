"""Supervision sees overdue work on /supervision/overdue/ (supervisors only):
open work against the clock per department now, decisions on time and
escalations to supervision in a period, and the overdue applications with
their working days late and the escalation levels reached."""

import html
import re
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from deadlines.selectors import stored_calendar
from approvals.models import Escalation
from approvals.sweep import sweep_deadlines
from approvals.workflow import State
from portal.models import StaffRole
from supervision.overdue_selectors import open_work_by_department, overdue_applications, period_by_department
from supervision.selectors import VisitTally, percentage
from tests.factories import staff
from tests.supervision.conftest import TODAY, at, make_application
from tests.mfa import sign_in

pytestmark = pytest.mark.django_db

D = date
URL = "/supervision/overdue/"


@pytest.fixture
def work(item, other_item, applicant, approver, other_department):
    """Market: 2 on time, 1 due soon, 2 overdue (due 20 and 25 November), one paused, one waiting;
    decided this month: 2 on time, 2 late (one of them half an hour after midnight).
    Housing: 1 on time, 1 overdue (due 13 November); decided: 2 on time, 1 late.
    The sweep ran on Tuesday 24 November, when the work due on the 25th was only due soon."""
    housing_approver = staff(StaffRole.Role.APPROVER, other_department)
    a = {
        "m_on_1": make_application(item, applicant, State.ACCEPTED, due_on=D(2026, 12, 3), assignee=approver),
        "m_on_2": make_application(item, applicant, State.IN_REVIEW, due_on=D(2026, 12, 10)),
        "m_soon": make_application(item, applicant, State.IN_REVIEW, due_on=D(2026, 11, 27), assignee=approver),
        "m_late_1": make_application(item, applicant, State.IN_REVIEW, due_on=D(2026, 11, 20), assignee=approver),
        "m_late_2": make_application(item, applicant, State.ACCEPTED, due_on=D(2026, 11, 25), extended=True),
        "m_paused": make_application(item, applicant, State.CORRECTION),
        "m_waiting": make_application(item, applicant, State.SUBMITTED),
        "h_on": make_application(other_item, applicant, State.ACCEPTED, due_on=D(2026, 12, 1)),
        "h_late": make_application(
            other_item, applicant, State.IN_REVIEW, due_on=D(2026, 11, 13), assignee=housing_approver
        ),
    }
    decided = [
        # (item, state, due on, decided at): on time when decided on or before the due date, in Shanghai.
        (item, State.APPROVED, D(2026, 11, 10), at(D(2026, 11, 10), 23, 30)),  # on time
        (item, State.APPROVED, D(2026, 11, 10), at(D(2026, 11, 11), 0, 30)),  # late (still the 10th in UTC)
        (item, State.DENIED, D(2026, 11, 12), at(D(2026, 11, 11))),  # on time
        (item, State.APPROVED, D(2026, 11, 5), at(D(2026, 11, 9))),  # late
        (item, State.WITHDRAWN, D(2026, 11, 20), at(D(2026, 11, 12))),  # the applicant's: not counted
        (item, State.NOT_ACCEPTED, None, at(D(2026, 11, 12))),  # no clock: not counted
        (item, State.APPROVED, D(2026, 10, 20), at(D(2026, 10, 20))),  # on time, before the last 30 days
        (other_item, State.APPROVED, D(2026, 11, 20), at(D(2026, 11, 19))),  # on time
        (other_item, State.APPROVED, D(2026, 11, 18), at(D(2026, 11, 16))),  # on time
        (other_item, State.DENIED, D(2026, 11, 2), at(D(2026, 11, 3))),  # late
    ]
    for decided_item, state, due_on, decided_at in decided:
        make_application(decided_item, applicant, state, due_on=due_on, decided_at=decided_at)
    sweep_at = at(D(2026, 11, 24))
    with time_machine.travel(sweep_at, tick=False):
        sweep_deadlines(at=sweep_at)
    # An escalation to supervision in September, for a due date that was later extended.
    Escalation.objects.create(
        application=a["m_late_2"], level=Escalation.Level.SUPERVISION, sla="overdue", due_on=D(2026, 8, 28),
        at=at(D(2026, 9, 1)),
    )
    a["housing_approver"] = housing_approver
    return a


def _calendar():
    return stored_calendar(today=TODAY)


def _page(client, user, params=None) -> str:
    sign_in(client, user)
    response = client.get(URL, params or {})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _figures(page) -> dict:
    """The summary lists' terms and their numbers."""
    return dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)", page))


def _bar(rate) -> str:
    return f'<span class="rate__fill" style="width: {rate}%"></span></span><span class="rate__number">{rate}%</span>'


# -- now -------------------------------------------------------------------------------------


def test_it_counts_open_work_per_department_now(work):
    rows = [
        (r.code, r.on_time, r.due_soon, r.overdue, r.rate)
        for r in open_work_by_department(today=TODAY, calendar=_calendar())
    ]
    # Worst first; paused and waiting work has no running clock and is not counted.
    assert rows == [("market", 2, 1, 2, 40.0), ("housing", 1, 0, 1, 50.0)]


def test_it_judges_work_on_the_day_not_on_the_last_sweeps_marks(work):
    # The sweep on the 24th marked the work due on the 25th "due soon"; today it is overdue.
    work["m_late_2"].refresh_from_db()
    assert work["m_late_2"].sla == "due_soon"
    market = open_work_by_department(today=TODAY, calendar=_calendar())[0]
    assert market.overdue == 2


def test_due_soon_reaches_over_the_weekend_as_the_sweep_says(item, applicant):
    monday = make_application(item, applicant, due_on=D(2026, 11, 30))
    tuesday = make_application(item, applicant, due_on=D(2026, 12, 1))
    calendar = _calendar()
    for today, expected in ((TODAY, (2, 0, 0)), (D(2026, 11, 27), (1, 1, 0)), (D(2026, 12, 1), (0, 1, 1))):
        [row] = open_work_by_department(today=today, calendar=calendar)
        assert (row.on_time, row.due_soon, row.overdue) == expected, today
        states = [calendar.sla_state(a.due_on, at=today) for a in (monday, tuesday)]
        assert (states.count("on_time"), states.count("due_soon"), states.count("overdue")) == expected


def test_one_percentage_serves_both_supervision_pages():
    assert [percentage(2, 3), percentage(4, 7), percentage(1, 2), percentage(0, 5), percentage(0, 0)] == [
        66.7, 57.1, 50.0, 0.0, None
    ]
    assert VisitTally("MKT-001", "小餐饮", "Eatery", visits=3, violations=2).rate == 66.7


# -- the period ------------------------------------------------------------------------------


def test_it_computes_the_on_time_rate_of_the_period(work):
    rows = [
        (r.code, r.decided, r.on_time, r.late, r.rate, r.escalations)
        for r in period_by_department(since=D(2026, 10, 28), until=TODAY)
    ]
    # Market: on time the 10th at 23:30 and the denial before its due date; late half an hour
    # after midnight on the 11th, and the one due on the 5th. Housing: 2 of 3. Most late first.
    assert rows == [("market", 4, 2, 2, 50.0, 1), ("housing", 3, 2, 1, 66.7, 1)]


def test_it_counts_the_escalations_to_supervision_in_the_period(work):
    # The sweep of the 24th escalated to supervision the two overdue applications (not the one due soon).
    assert Escalation.objects.filter(level=Escalation.Level.SUPERVISION, at__date=D(2026, 11, 24)).count() == 2
    assert Escalation.objects.filter(at__date=D(2026, 11, 24)).count() == 3 + 3 + 2
    rows = {r.code: r.escalations for r in period_by_department(since=D(2026, 9, 1), until=TODAY)}
    assert rows == {"market": 2, "housing": 1}  # with September's
    rows = {r.code: r.escalations for r in period_by_department(since=D(2026, 11, 25), until=TODAY)}
    assert rows == {}


def test_it_filters_decisions_by_period(work):
    rows = [
        (r.code, r.decided, r.on_time, r.rate)
        for r in period_by_department(since=D(2026, 11, 10), until=D(2026, 11, 10))
    ]
    assert rows == [("market", 1, 1, 100.0)]
    rows = {r.code: (r.decided, r.on_time) for r in period_by_department(since=D(2026, 10, 1), until=TODAY)}
    assert rows == {"market": (5, 3), "housing": (3, 2)}


# -- the overdue list ------------------------------------------------------------------------


def test_it_lists_overdue_applications_oldest_due_date_first(work):
    listed = overdue_applications(today=TODAY, calendar=_calendar())
    assert listed.total == 3 and not listed.truncated
    rows = [(r.application.tracking_number, r.application.due_on, r.days_late, r.assignee_name) for r in listed.rows]
    assert rows == [
        # Working days in (due date, today]: 16–20 and 23–26 November; 23–26; 26.
        (work["h_late"].tracking_number, D(2026, 11, 13), 9, work["housing_approver"].person.real_name),
        (work["m_late_1"].tracking_number, D(2026, 11, 20), 4, work["m_late_1"].assignee.person.real_name),
        (work["m_late_2"].tracking_number, D(2026, 11, 25), 1, ""),
    ]


def test_it_names_the_escalation_levels_reached_for_the_current_due_date(work):
    listed = overdue_applications(today=TODAY, calendar=_calendar())
    levels = {r.application.tracking_number: [str(level) for level in r.levels] for r in listed.rows}
    assert levels[work["h_late"].tracking_number] == ["approver", "department head", "supervision"]
    # Due soon at the last sweep; September's supervision escalation was for an earlier due date.
    assert levels[work["m_late_2"].tracking_number] == ["approver", "department head"]


def test_work_due_on_friday_is_less_than_a_working_day_late_on_saturday(english, supervisor, item, applicant):
    friday, saturday = D(2026, 11, 27), D(2026, 11, 28)
    late = make_application(item, applicant, State.IN_REVIEW, due_on=friday)
    [row] = overdue_applications(today=saturday, calendar=_calendar()).rows
    assert row.days_late == 0
    with time_machine.travel(at(saturday), tick=False):
        page = _page(english, supervisor)
    assert late.tracking_number in page and "1 application is overdue." in page
    assert "less than one working day" in page
    assert '<span class="badge badge--bad">0</span>' not in page
    # On Monday it is a working day late.
    [row] = overdue_applications(today=D(2026, 11, 30), calendar=_calendar()).rows
    assert row.days_late == 1


def test_it_caps_the_list_and_says_how_many_there_are(work):
    listed = overdue_applications(today=TODAY, calendar=_calendar(), limit=2)
    assert listed.total == 3 and listed.truncated
    oldest = [work["h_late"].tracking_number, work["m_late_1"].tracking_number]
    assert [r.application.tracking_number for r in listed.rows] == oldest


# -- the page ---------------------------------------------------------------------------------


def test_the_supervisor_sees_the_page(english, supervisor, work, applicant):
    page = _page(english, supervisor)
    assert "Market Supervision Administration" in page and "Housing Bureau" in page
    assert _figures(page) == {"Against the clock, city-wide": "7", "Due soon": "1", "Overdue": "3",
                              "Decided, city-wide": "7", "Decided on time": "4", "Escalations to supervision": "2",
                              "Waiting for acceptance": "1", "Accepted by law": "0"}
    assert page.count(_bar(40.0)) == 1 and page.count(_bar(50.0)) == 2  # overdue shares; market's on-time rate
    assert _bar(66.7) in page and _bar(57.1) in page  # housing's on-time rate; the city's, 4 of 7
    assert "3 applications are overdue." in page
    numbers = re.findall(r"HLD-2026-\d{6}", page)
    overdue_numbers = [work[k].tracking_number for k in ("h_late", "m_late_1", "m_late_2")]
    assert numbers == overdue_numbers  # only the overdue list names applications, oldest due date first
    assert "MKT-001 Small eatery license" in page and "HOU-001 Housing allowance" in page
    assert "not assigned" in page and "approver, department head, supervision" in page
    assert work["housing_approver"].person.real_name in page
    # Nothing about the applicant.
    assert applicant.person.real_name not in page and applicant.person.resident_id not in page
    assert applicant.person.masked_id not in page


def test_the_period_defaults_to_the_last_30_days(english, supervisor, work):
    page = _page(english, supervisor)
    assert 'name="since" value="2026-10-28"' in page and 'name="until" value="2026-11-26"' in page
    assert "Decided from 28 October 2026 to 26 November 2026" in page


def test_the_period_filter_narrows_the_decisions(english, supervisor, work):
    page = _page(english, supervisor, {"since": "2026-11-10", "until": "2026-11-10"})
    assert "Decided from 10 November 2026 to 10 November 2026" in page
    figures = _figures(page)
    period = [figures[term] for term in ("Decided, city-wide", "Decided on time", "Escalations to supervision")]
    assert period == ["1", "1", "0"]
    assert page.count(_bar(100.0)) == 2  # market's and the city's
    # "Now" and the overdue list do not depend on the period.
    assert "3 applications are overdue." in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "2026-11-20", "until": "2026-11-01"}, "The end of the period cannot be before its start."),
        ({"since": "2026-12-01"}, "The period cannot start after today."),
        ({"since": "26/11/2026x"}, "Enter a valid date."),
    ],
)
def test_a_bad_period_is_explained(english, supervisor, work, params, message):
    page = _page(english, supervisor, params)
    assert message in page
    assert page.count(message) == 2  # in the error summary and beside the field
    assert "<title>Error:" in page
    # The default period is shown meanwhile, and says so in its heading.
    assert "Decided from 28 October 2026 to 26 November 2026" in page


def test_the_page_speaks_chinese_by_default(client, supervisor, work):
    page = _page(client, supervisor)
    assert "超期办件" in page and "市场监督管理局" in page
    assert "Overdue work" not in page
    # Chinese lists are joined with the enumeration comma.
    assert "<td>审批人员、部门负责人</td>" in page and "审批人员、部门负责人、效能监督" in page
    assert "审批人员, " not in page
    # An <input type=date> needs ISO dates in every language.
    assert 'name="since" value="2026-10-28"' in page and 'name="until" value="2026-11-26"' in page


def test_the_visits_page_and_the_navigation_link_it(english, supervisor):
    sign_in(english, supervisor)
    page = english.get(reverse("supervision_visits")).content.decode()
    assert page.count(f'href="{URL}"') == 2  # the navigation and the page
    assert reverse("supervision_overdue") == URL


def test_nobody_else_sees_it(client, work, approver, head, clerk, outsider):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    others = (
        approver, head, clerk, outsider, work["housing_approver"],
        staff(StaffRole.Role.LIST_ADMIN, work["h_late"].department),
    )
    for user in others:
        sign_in(client, user)
        assert client.get(URL).status_code == 403, user
        page = client.get(reverse("home")).content.decode()
        assert f'href="{URL}"' not in page  # nor in their navigation


# -- queries ----------------------------------------------------------------------------------


def _seed(item, other_item, applicant, approvers, start, stop):
    """A mix per i: overdue (assigned or not, escalated), due soon, on time, paused, and decisions in the period."""
    for i in range(start, stop):
        kind = i % 5
        target = item if i % 2 else other_item
        if kind == 0:
            application = make_application(
                target, applicant, State.IN_REVIEW, due_on=TODAY - timedelta(days=1 + i % 10),
                assignee=approvers[i % 2] if i % 3 else None,
            )
            for level in (Escalation.Level.APPROVER, Escalation.Level.SUPERVISION):
                Escalation.objects.create(
                    application=application, level=level, sla="overdue", due_on=application.due_on,
                    at=at(D(2026, 11, 20)),
                )
        elif kind == 1:
            make_application(target, applicant, State.ACCEPTED, due_on=TODAY + timedelta(days=1))
        elif kind == 2:
            make_application(target, applicant, State.ACCEPTED, due_on=TODAY + timedelta(days=10))
        elif kind == 3:
            make_application(target, applicant, State.SUSPENDED)
        else:
            make_application(
                target, applicant, State.APPROVED, due_on=D(2026, 11, 10), decided_at=at(D(2026, 11, 5 + i % 10))
            )


@pytest.mark.parametrize("count", [3, 30])
def test_it_runs_a_fixed_number_of_queries(client, supervisor, item, other_item, applicant, department, count,
                                           django_assert_num_queries):
    approvers = [staff(StaffRole.Role.APPROVER, department) for _ in range(2)]
    _seed(item, other_item, applicant, approvers, 0, count)
    sign_in(client, supervisor)
    client.get(URL)  # warm the calendar index
    # User, roles (the session comes from the cache); calendar version; now (with the submissions waiting for
    # acceptance); the period's decisions, its escalations and its acceptances by law;
    # the overdue list's count, its rows and their escalations.
    with django_assert_num_queries(10):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.context["overdue"].total == len(range(0, count, 5))

