"""The demo's archive: the half-monthly report of the last period that ended, made by
the service the daily task uses (so it is sealed and verifies on /verify/). Run
after the rest of the demo, whose work it counts; a second run adds nothing.

The demo's cases, ratings and accountability are dated inside that period
(`period_working_days` gives the other supervision demos its working days), so
the report has figures to show."""

import datetime

from django.utils import timezone

from deadlines.periods import previous_half_month
from deadlines.selectors import is_working_day, stored_calendar
from supervision.reports.models import HalfMonthReport
from supervision.reports.services import report_make


def period_working_days(today: datetime.date) -> list[datetime.date]:
    """The working days of the last period that ended before `today`, the one the demo's report covers."""
    first, last = previous_half_month(today)
    calendar = stored_calendar(today=today)
    days = (first + datetime.timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if is_working_day(day, calendar=calendar)]


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """`day` at the given local time (Asia/Shanghai)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def seed(*, stdout) -> None:
    first, last = previous_half_month(timezone.localdate())
    made = 0
    report = HalfMonthReport.objects.filter(first=first, last=last).order_by("-revision").first()
    if report is None:
        report = report_make(first=first, last=last)
        made = 1
    city = report.figures["city"]
    stdout.write(
        f"  half-monthly report {first.isoformat()} to {last.isoformat()} archived ({made} new): "
        f"received {city['received']}, decided {city['decided']}, on time {city['on_time']}, "
        f"ratings {city['ratings']}, complaints {city['complaints']}"
    )
