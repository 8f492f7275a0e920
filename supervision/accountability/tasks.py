from celery import shared_task
from django.db import OperationalError
from django.utils import timezone


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def propose_accountability_cases() -> int:
    """Run every proposal source for today; a fact that already has a case proposes none. Returns the new cases."""
    from supervision.accountability.services import propose_cases

    return len(propose_cases(day=timezone.localdate()))


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def notify_late_meeting_actions() -> int:
    """Tell each owner of a late feedback-meeting decision, once. Returns how many were told."""
    from supervision.accountability.services import notify_late_actions

    return notify_late_actions(today=timezone.localdate())
