"""The daily task: the report is made on the first working day after a period ends, once,
and its readers are told by message and email."""

from datetime import date, datetime

import pytest

from deadlines.selectors import is_working_day
from portal.models import Message
from supervision.reports.models import HalfMonthReport
from supervision.reports.services import due_period
from supervision.reports.tasks import make_due_report_task
from tests.conftest import SHANGHAI

pytestmark = pytest.mark.django_db


def test_the_first_working_day_after_a_period_is_the_day_its_report_is_due():
    # 1–15 November 2026 ends on a Sunday: its report is due on Monday the 16th.
    assert not is_working_day(date(2026, 11, 15))
    assert due_period(date(2026, 11, 16)) == (date(2026, 11, 1), date(2026, 11, 15))
    assert due_period(date(2026, 11, 15)) is None
    assert due_period(date(2026, 11, 17)) is None
    # 16–30 November ends on a Monday: due on Tuesday 1 December.
    assert due_period(date(2026, 12, 1)) == (date(2026, 11, 16), date(2026, 11, 30))
    assert due_period(date(2026, 11, 30)) is None


def test_after_the_national_day_holiday_the_report_waits_for_the_first_working_day():
    first_working = next(day for day in (date(2026, 10, d) for d in range(1, 15)) if is_working_day(day))
    assert first_working > date(2026, 10, 1)  # 1 October is a holiday
    assert due_period(first_working) == (date(2026, 9, 16), date(2026, 9, 30))
    assert due_period(date(2026, 10, 1)) is None


def test_the_task_makes_the_report_once_and_tells_its_readers(
    report_seal_settings, time_machine, supervisor, head, approver, outsider, mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        assert make_due_report_task() is None  # Thursday 26 November: nothing is due
    assert not HalfMonthReport.objects.exists()

    time_machine.move_to(datetime(2026, 12, 1, 6, 30, tzinfo=SHANGHAI))
    with django_capture_on_commit_callbacks(execute=True):
        pk = make_due_report_task()
    report = HalfMonthReport.objects.get(pk=pk)
    assert (report.first, report.last, report.revision) == (date(2026, 11, 16), date(2026, 11, 30), 1)
    told = set(Message.objects.values_list("recipient__email", flat=True))
    assert told == {supervisor.email, head.email}
    assert all(f"/supervision/reports/{pk}/report.pdf" in m.link for m in Message.objects.all())
    assert {address for mail in mailoutbox for address in mail.to} == {supervisor.email, head.email}

    with django_capture_on_commit_callbacks(execute=True):
        assert make_due_report_task() is None  # a second run the same day makes nothing
    assert HalfMonthReport.objects.count() == 1 and Message.objects.count() == 2
