"""The demo's archive: the half-monthly report of the last period that ended, made by
the service the daily task uses (so it is sealed and verifies on /verify/). Run
after the rest of the demo, whose work it counts; a second run adds nothing."""

from django.utils import timezone

from supervision.reports.models import HalfMonthReport
from supervision.reports.services import previous_period, report_make


def seed(*, stdout) -> None:
    first, last = previous_period(timezone.localdate())
    made = 0
    if not HalfMonthReport.objects.filter(first=first, last=last).exists():
        report_make(first=first, last=last)
        made = 1
    stdout.write(f"  half-monthly report {first.isoformat()} to {last.isoformat()} archived ({made} new)")
