"""The demo's archive: seeding leaves the report of the last period that ended, once."""

import io
from datetime import date, timedelta

import pytest

from seals.models import Seal
from supervision.reports import demo
from supervision.reports.models import HalfMonthReport

pytestmark = pytest.mark.django_db


def test_seeding_archives_the_report_of_the_previous_period(period_world, report_seal_settings, department):
    out = io.StringIO()
    demo.seed(stdout=out)

    # Today is Thursday 26 November 2026: the last period that ended is 1 to 15 November.
    report = HalfMonthReport.objects.get()
    assert (report.first, report.last, report.revision) == (date(2026, 11, 1), date(2026, 11, 15), 1)
    assert report.seal.purpose == Seal.Purpose.OFFICIAL
    assert [row["code"] for row in report.figures["departments"]] == ["housing", "market"]
    assert "2026-11-01 to 2026-11-15 archived (1 new)" in out.getvalue()


def test_seeding_twice_keeps_one_report(period_world, report_seal_settings):
    demo.seed(stdout=io.StringIO())
    out = io.StringIO()
    demo.seed(stdout=out)

    assert HalfMonthReport.objects.count() == 1
    assert "(0 new)" in out.getvalue()


def test_the_demo_dates_its_work_on_the_working_days_of_that_period():
    # 1 to 15 November 2026 has no holiday: its weekdays.
    assert demo.period_working_days(date(2026, 11, 26)) == [
        date(2026, 11, 2) + timedelta(days=n) for n in (0, 1, 2, 3, 4, 7, 8, 9, 10, 11)
    ]
    # 1 to 15 October 2026: after the National Day holiday, the weekdays and Saturday the 10th (调休).
    assert demo.period_working_days(date(2026, 10, 20)) == [date(2026, 10, d) for d in (8, 9, 10, 12, 13, 14, 15)]
