"""The demo's archive: seeding leaves the report of the last period that ended, once."""

import io
from datetime import date

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
