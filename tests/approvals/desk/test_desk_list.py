"""The approver desk's list (/desk/): my department only, most urgent first,
filters and counts, pages, and a fixed number of queries."""

import itertools
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.desk import selectors as desk_selectors
from approvals.models import Application
from approvals.workflow import State
from portal.models import StaffRole
from services.models import ItemVersion
from tests.factories import DepartmentFactory, EnterpriseFactory, citizen, staff
from tests.services.factories import make_item, publish
from tests.approvals.conftest import NOW
from tests.mfa import sign_in

pytestmark = pytest.mark.django_db

TODAY = NOW.date()  # Thursday 26 November 2026
_serial = itertools.count(1)


def make_application(item, applicant, state=State.ACCEPTED, *, due_on=None, **fields) -> Application:
    """A submitted application straight into `state` (the desk only reads it; services are tested elsewhere)."""
    version = ItemVersion.objects.snapshots().filter(item=item).order_by("-id").first()
    if due_on is None and state in (State.ACCEPTED, State.IN_REVIEW):
        due_on = TODAY + timedelta(days=7)
    return Application.objects.create(
        item_version=version,
        department_id=item.department_id,
        applicant_person=applicant.person,
        created_by=applicant,
        tracking_number=f"HLD-2026-{900000 + next(_serial):06d}",
        state=state,
        due_on=due_on,
        submitted_at=NOW,
        **fields,
    )


def _rows(response):
    """The applications listed, in order."""
    pks = [row.pk for row in response.context["page"].rows]
    found = Application.objects.in_bulk(pks)
    return [found[pk] for pk in pks]


def _numbers(response):
    return [a.tracking_number for a in _rows(response)]


def test_it_lists_only_my_departments_applications(client, item, applicant, approver, other_department):
    mine = make_application(item, applicant)
    other_item = make_item(other_department, code="HOU-001", audience="person")
    publish()
    theirs = make_application(other_item, applicant)
    sign_in(client, approver)
    response = client.get(reverse("desk"))
    assert response.status_code == 200
    assert _numbers(response) == [mine.tracking_number]
    assert theirs.tracking_number not in response.content.decode()


def test_it_leaves_out_drafts_and_by_default_decided_work(client, item, applicant, approver, draft):
    open_one = make_application(item, applicant, State.IN_REVIEW)
    make_application(item, applicant, State.APPROVED, due_on=TODAY)
    sign_in(client, approver)
    assert _numbers(client.get(reverse("desk"))) == [open_one.tracking_number]
    decided = client.get(reverse("desk"), {"state": "decided"})
    assert [a.state for a in _rows(decided)] == [State.APPROVED]


def test_it_puts_the_most_urgent_first(client, item, applicant, approver):
    later = make_application(item, applicant, State.ACCEPTED, due_on=TODAY + timedelta(days=10))
    suspended = make_application(item, applicant, State.SUSPENDED)
    overdue = make_application(item, applicant, State.IN_REVIEW, due_on=TODAY - timedelta(days=1))
    waiting = make_application(item, applicant, State.SUBMITTED)
    correction = make_application(item, applicant, State.CORRECTION)
    soon = make_application(item, applicant, State.ACCEPTED, due_on=TODAY + timedelta(days=1))
    sign_in(client, approver)
    response = client.get(reverse("desk"))
    # Waiting for acceptance first, then by due date across accepted and in review, paused work last.
    assert _rows(response) == [waiting, overdue, soon, later, suspended, correction]
    assert [row.sla for row in response.context["page"].rows] == [None, "overdue", "due_soon", "on_time", None, None]


def test_it_shows_due_dates_working_days_and_badges(client, item, applicant, approver):
    # Friday 27 November is one working day away; Thursday 3 December five.
    make_application(item, applicant, State.ACCEPTED, due_on=date(2026, 11, 27))
    make_application(item, applicant, State.IN_REVIEW, due_on=date(2026, 12, 3), due_provisional=True)
    make_application(item, applicant, State.IN_REVIEW, due_on=date(2026, 11, 24))
    sign_in(client, approver)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("desk"))
    page = response.content.decode()
    assert [row.days_left for row in response.context["page"].rows] == [-2, 1, 5]
    assert 'datetime="2026-12-03"' in page
    assert "badge--bad" in page and "badge--warn" in page and "badge--ok" in page
    assert "2 working days late" in page and "1 working day left" in page and "5 working days left" in page
    assert "provisional" in page


def test_it_shows_applicants_with_masked_ids(client, item, applicant, approver):
    enterprise = EnterpriseFactory(name="海滨餐饮有限公司")
    make_application(item, applicant, applicant_enterprise=enterprise)
    make_application(item, applicant)
    sign_in(client, approver)
    page = client.get(reverse("desk")).content.decode()
    assert "海滨餐饮有限公司" in page and applicant.person.real_name in page
    assert enterprise.credit_code not in page and enterprise.masked_code in page
    assert applicant.person.resident_id not in page and applicant.person.masked_id in page


def test_it_filters_by_state_item_sla_and_channel(client, item, applicant, approver, department, clerk):
    other_item = make_item(department, code="MKT-002", audience="person")
    publish()
    accepted = make_application(item, applicant, State.ACCEPTED, due_on=TODAY + timedelta(days=10))
    overdue = make_application(item, applicant, State.IN_REVIEW, due_on=TODAY - timedelta(days=3))
    other = make_application(other_item, applicant, State.ACCEPTED, due_on=TODAY + timedelta(days=1))
    window = make_application(item, applicant, State.SUBMITTED, channel="window", clerk=clerk)
    sign_in(client, approver)
    url = reverse("desk")
    assert _rows(client.get(url, {"state": "accepted"})) == [other, accepted]
    assert _rows(client.get(url, {"item": item.pk})) == [window, overdue, accepted]
    assert _rows(client.get(url, {"sla": "overdue"})) == [overdue]
    assert _rows(client.get(url, {"sla": "due_soon"})) == [other]
    assert _rows(client.get(url, {"sla": "on_time"})) == [accepted]
    assert _rows(client.get(url, {"channel": "window"})) == [window]
    assert _rows(client.get(url, {"state": "in_review", "sla": "on_time"})) == []
    # Nonsense in the query string is reported, not a crash, and the list falls back to its defaults.
    response = client.get(url, {"state": "nonsense", "item": "x"})
    assert response.status_code == 200 and len(_rows(response)) == 4


def test_it_filters_by_approver(client, item, applicant, approver, department):
    colleague = staff(StaffRole.Role.APPROVER, department)
    mine = make_application(item, applicant, State.IN_REVIEW, assignee=approver)
    theirs = make_application(item, applicant, State.IN_REVIEW, assignee=colleague)
    nobody = make_application(item, applicant, State.SUBMITTED)
    sign_in(client, approver)
    url = reverse("desk")
    assert _rows(client.get(url, {"assignee": approver.pk})) == [mine]
    assert _rows(client.get(url, {"assignee": colleague.pk})) == [theirs]
    assert _rows(client.get(url, {"assignee": "none"})) == [nobody]


def test_it_counts_per_state_and_time_limit(client, item, applicant, approver):
    for state, n in [(State.SUBMITTED, 2), (State.CORRECTION, 1), (State.APPROVED, 4), (State.DENIED, 1)]:
        for _ in range(n):
            make_application(item, applicant, state, due_on=TODAY if state in (State.APPROVED, State.DENIED) else None)
    make_application(item, applicant, State.ACCEPTED, due_on=TODAY - timedelta(days=1))
    make_application(item, applicant, State.IN_REVIEW, due_on=TODAY)
    make_application(item, applicant, State.IN_REVIEW, due_on=TODAY + timedelta(days=14))
    sign_in(client, approver)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("desk"), {"sla": "overdue"})
    counts = response.context["counts"]
    # Open work only: decided applications are history, not counted on every page.
    assert counts.by_state == {"submitted": 2, "correction_requested": 1, "accepted": 1, "in_review": 2}
    assert counts.open == 6
    assert (counts.overdue, counts.due_soon, counts.on_time) == (1, 1, 1)
    page = response.content.decode()
    assert "Open (6)" in page and "Submitted (2)" in page and "Overdue (1)" in page
    assert ">Approved</option>" in page
    assert "1 overdue, 1 due soon, 1 on time" in page


def test_it_pages_through_everything_once_in_order(client, item, applicant, approver, monkeypatch):
    monkeypatch.setattr(desk_selectors, "PAGE_SIZE", 3)
    made = [make_application(item, applicant, State.SUBMITTED) for _ in range(2)]
    made += [make_application(item, applicant, State.ACCEPTED, due_on=TODAY + timedelta(days=d)) for d in (5, 2, 2, 9)]
    made += [make_application(item, applicant, State.IN_REVIEW, due_on=TODAY + timedelta(days=d)) for d in (2, 7)]
    made += [make_application(item, applicant, State.SUSPENDED) for _ in range(2)]
    made += [make_application(item, applicant, State.APPROVED, due_on=TODAY - timedelta(days=d)) for d in (1, 1, 3)]
    made += [make_application(item, applicant, State.WITHDRAWN)]
    sign_in(client, approver)
    seen, url, pages = [], reverse("desk") + "?state=all", 0
    while url:
        response = client.get(url)
        seen += _rows(response)
        pages += 1
        url = response.context["next_url"] and reverse("desk") + response.context["next_url"]
    expected_order = sorted(made, key=desk_selectors._sort_key)
    assert seen == expected_order
    assert pages == 5
    assert [a.state for a in seen][:2] == [State.SUBMITTED, State.SUBMITTED]
    # Decided work last, the newest due date first, never accepted (no due date) before them.
    assert [a.state for a in seen][-4:] == [State.WITHDRAWN, State.APPROVED, State.APPROVED, State.APPROVED]


def _seed(item, department, start, stop):
    states = [State.SUBMITTED, State.ACCEPTED, State.IN_REVIEW, State.CORRECTION, State.SUSPENDED]
    enterprises = [EnterpriseFactory() for _ in range(3)]
    people = [citizen() for _ in range(3)]
    colleagues = [staff(StaffRole.Role.APPROVER, department) for _ in range(2)]
    for i in range(start, stop):
        state = states[i % len(states)]
        make_application(
            item,
            people[i % 3],
            state,
            applicant_enterprise=enterprises[i % 3] if i % 2 else None,
            assignee=colleagues[i % 2] if state != State.SUBMITTED else None,
            due_on=TODAY + timedelta(days=i % 9 - 3) if state in (State.ACCEPTED, State.IN_REVIEW) else None,
        )


def _count_queries(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("desk"), params or {})
    assert response.status_code == 200
    return len(queries), [q["sql"] for q in queries.captured_queries]


def test_it_runs_a_fixed_number_of_queries_with_5_or_60_applications(client, item, approver, department):
    sign_in(client, approver)
    _seed(item, department, 0, 5)
    client.get(reverse("desk"))  # warm the calendar index
    small, small_sql = _count_queries(client)
    small_filtered, _sql = _count_queries(client, {"sla": "overdue", "item": item.pk, "channel": "online"})
    _seed(item, department, 5, 60)
    large, large_sql = _count_queries(client)
    large_filtered, _sql = _count_queries(client, {"sla": "overdue", "item": item.pk, "channel": "online"})
    assert len(client.get(reverse("desk")).context["page"].rows) == 50
    assert small == large, (small_sql, large_sql)
    assert small_filtered == large_filtered
    # Session, user, roles, MFA, calendar version, departments, staff, items, counts, the light
    # reads (one UNION ALL on PostgreSQL, one per open state elsewhere), the page's rows, the
    # calendar warning's permission checks.
    assert large <= (13 if connection.features.supports_slicing_ordering_in_compound else 17), large_sql


def test_a_person_in_two_departments_switches_between_them(client, item, applicant, department):
    second = DepartmentFactory(code="zoning")  # listed after "market"
    user = staff(StaffRole.Role.APPROVER, department)
    StaffRole.objects.create(user=user, role=StaffRole.Role.HEAD, department=second)
    other_item = make_item(second, code="HOU-002", audience="person")
    publish()
    here = make_application(item, applicant)
    there = make_application(other_item, applicant)
    sign_in(client, user)
    response = client.get(reverse("desk"))
    assert response.context["department"] == department
    assert _rows(response) == [here]
    assert 'name="department"' in response.content.decode()
    response = client.get(reverse("desk"), {"department": second.code})
    assert _rows(response) == [there]
    # A department one holds no role in cannot be picked.
    stranger = DepartmentFactory(code="stranger")
    assert client.get(reverse("desk"), {"department": stranger.code}).context["department"] == department


def test_the_first_page_reads_the_index_not_the_whole_department(item, applicant, department):
    """desk_page asks each state for at most a page (plus one) of rows."""
    for _ in range(7):
        make_application(item, applicant, State.IN_REVIEW)
    filters = desk_selectors.DeskFilters()
    from deadlines.selectors import stored_calendar

    calendar = stored_calendar(today=TODAY)
    with CaptureQueriesContext(connection) as queries:
        page = desk_selectors.desk_page(department.pk, filters, today=TODAY, calendar=calendar, size=3)
    assert len(page.rows) == 3 and page.next_cursor
    sql = [q["sql"] for q in queries.captured_queries]
    if connection.features.supports_slicing_ordering_in_compound:
        # PostgreSQL: every state's page plus one in one UNION ALL, then the page's rows.
        assert len(sql) == 2 and sql[0].count("LIMIT 4") == 5
    else:
        # One read per state up to the group that fills the page (submitted, accepted, in
        # review), then the page's rows; paused work is not read.
        assert len(sql) == 4 and all("LIMIT 4" in q for q in sql[:3])
    assert "LIMIT" not in sql[-1]
