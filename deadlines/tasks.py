from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from deadlines.clocks import recompute_open_clocks
from deadlines.services import calendar_sync


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def recompute_deadlines(years: list[int]) -> int:
    """Recompute the open deadlines that reach into `years` after a calendar change; returns how many moved."""
    return recompute_open_clocks(years=years, at=timezone.now())


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def sync_calendar() -> list[int]:
    """Re-seed the calendar from the installed packages; returns the years that changed."""
    return calendar_sync(at=timezone.now()).changed_years
