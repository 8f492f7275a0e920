from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from supervision.countdown.services import snapshot_metrics


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def snapshot_metrics_task() -> int:
    """Today's metric snapshots (beat runs it late in the evening; a retry replaces the day's rows)."""
    return snapshot_metrics(day=timezone.localdate())
