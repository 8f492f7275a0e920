"""The half-monthly report's figures: hand-counted, by their own dates, deterministic."""

from datetime import date, datetime

import pytest

from supervision.accountability.models import AccountabilityCase, AccountabilityEvent
from tests.conftest import SHANGHAI
from tests.supervision.conftest import at

from supervision.reports.selectors import report_figures
from supervision.services import half_month_period
from tests.supervision.reports.conftest import FIRST, LAST

pytestmark = pytest.mark.django_db


def _row(figures, code):
    return next(row for row in figures["departments"] if row["code"] == code)


def test_the_figures_equal_the_hand_count(period_world, department, other_department):
    figures = report_figures(FIRST, LAST)

    assert figures["first"] == "2026-11-01" and figures["last"] == "2026-11-15"
    assert _row(figures, department.code) == {
        "code": department.code,
        "name_zh": department.name_zh,
        "name_en": department.name_en,
        "received": 3,
        "decided": 2,
        "on_time": 1,
        "on_time_rate": "50.0",
        "average_working_days": "5.0",  # (4 + 6) / 2
        "visits": 2,
        "violations": 1,
        "ratings": 3,
        "bad_ratings": 1,
        "satisfaction": "66.7",
        "rating_cases": 0,
        "callback_rate": "0.0",
        "complaints": 0,
        "accountability_opened": 1,
        "accountability_closed": 0,
    }
    housing = _row(figures, other_department.code)
    assert housing["received"] == 1 and housing["decided"] == 0
    assert housing["on_time_rate"] is None and housing["satisfaction"] is None
    assert figures["city"]["received"] == 4
    assert figures["city"]["on_time_rate"] == "50.0"
    assert figures["city"]["satisfaction"] == "66.7"


def test_decisions_on_time_follow_the_overdue_page(period_world, item, applicant, department):
    """One on-time rule for both pages: only approvals and denials against a due date are
    judged. The report used to count a decision without a due date as on time; such a
    decision now counts neither as decided nor in the average working days, so the hand
    count above (whose two decisions both have a due date) is unchanged."""
    from approvals.workflow import State
    from supervision.overdue_selectors import period_by_department, period_totals
    from tests.supervision.reports.conftest import make_application

    make_application(
        item, applicant, State.APPROVED, due_on=None, submitted_at=at(date(2026, 11, 9)),
        accepted_at=at(date(2026, 11, 9)), decided_at=at(date(2026, 11, 12)),
    )
    figures = report_figures(FIRST, LAST)
    row = _row(figures, department.code)
    assert (row["decided"], row["on_time"], row["on_time_rate"]) == (2, 1, "50.0")
    assert row["average_working_days"] == "5.0"
    [overdue] = [r for r in period_by_department(since=FIRST, until=LAST) if r.code == department.code]
    assert (overdue.decided, overdue.on_time, str(overdue.rate)) == (row["decided"], row["on_time"], row["on_time_rate"])
    assert str(period_totals(period_by_department(since=FIRST, until=LAST))["rate"]) == figures["city"]["on_time_rate"]


def test_a_re_run_for_a_past_period_gives_the_same_figures(period_world, time_machine):
    before = report_figures(FIRST, LAST)
    # Later work on the period's things: the accountability case is closed on 1 December; none of it happened within the period.
    case = AccountabilityCase.objects.get()
    AccountabilityEvent.objects.create(
        case=case, action="close", from_state="decided", to_state="closed", at=at(date(2026, 12, 1))
    )
    time_machine.move_to(datetime(2026, 12, 20, 10, tzinfo=SHANGHAI))
    assert report_figures(FIRST, LAST) == before


def test_the_next_period_counts_what_happened_on_the_16th(period_world, department):
    figures = report_figures(*half_month_period(date(2026, 11, 16)))
    row = _row(figures, department.code)
    assert figures["first"] == "2026-11-16" and figures["last"] == "2026-11-30"
    assert row["decided"] == 1 and row["visits"] == 1 and row["violations"] == 1 and row["ratings"] == 1


@pytest.mark.parametrize(
    "day, period",
    [
        (date(2026, 11, 1), (date(2026, 11, 1), date(2026, 11, 15))),
        (date(2026, 11, 15), (date(2026, 11, 1), date(2026, 11, 15))),
        (date(2026, 11, 16), (date(2026, 11, 16), date(2026, 11, 30))),
        (date(2027, 2, 16), (date(2027, 2, 16), date(2027, 2, 28))),
        (date(2028, 2, 29), (date(2028, 2, 16), date(2028, 2, 29))),
        (date(2026, 12, 31), (date(2026, 12, 16), date(2026, 12, 31))),
    ],
)
def test_period_boundaries(day, period):
    assert half_month_period(day) == period


def test_the_countdown_targets_of_the_period_come_with_their_nodes(period_world, supervisor, department):
    from decimal import Decimal

    from supervision.countdown import services as countdown
    from supervision.services import countdown_nodes

    countdown.target_create(
        actor=supervisor, metric="on_time", value=Decimal("98"), department=department,
        start_on=date(2026, 11, 26), due_on=date(2026, 12, 30),
    )
    assert report_figures(FIRST, LAST)["countdown"] == []  # it started after the period
    figures = report_figures(date(2026, 11, 16), date(2026, 11, 30))
    [target] = figures["countdown"]
    assert target["goal"] == "98.0" and target["department"] == department.name_zh
    assert [node["day"] for node in target["nodes"]] == [
        day.isoformat() for day in countdown_nodes(date(2026, 11, 26), date(2026, 12, 30))
    ]
    # As of the period's last day: only the node of 30 November has been reached.
    assert [(node["day"], node["passed"]) for node in target["nodes"]] == [
        ("2026-11-30", True), ("2026-12-10", False), ("2026-12-20", False), ("2026-12-30", False),
    ]
