from celery import shared_task
from django.db import OperationalError
from django.utils import timezone


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def recompute_deadlines(years: list[int]) -> int:
    """Recompute the open deadlines that reach into `years` after a calendar change; returns how many moved."""
    from approvals.clocks import recompute_open_clocks

    return recompute_open_clocks(years=years, at=timezone.now())


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def sync_calendar() -> list[int]:
    """Re-seed the calendar from the installed packages; returns the years that changed."""
    from approvals.calendar_services import calendar_sync

    return calendar_sync(at=timezone.now()).changed_years


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def sweep_deadlines_task() -> dict:
    """Mark due-soon and overdue work and escalate it (approvals.sweep); returns the counts."""
    from approvals.sweep import sweep_deadlines

    return sweep_deadlines(at=timezone.now()).as_dict()
