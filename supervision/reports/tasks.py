from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from supervision.reports.services import make_due_report


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def make_due_report_task() -> int | None:
    """The report of the half month that just ended, on the first working day after it (beat runs
    it every morning; the working-day calendar decides whether one is due, and it is made once)."""
    report = make_due_report(today=timezone.localdate())
    return report.pk if report else None
