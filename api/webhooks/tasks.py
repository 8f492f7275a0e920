from celery import shared_task
from django.conf import settings

from api.webhooks.services import DeliveryFailed


@shared_task(
    bind=True,
    autoretry_for=(DeliveryFailed,),
    retry_backoff=settings.WEBHOOK_RETRY_BACKOFF_SECONDS,
    retry_backoff_max=settings.WEBHOOK_RETRY_BACKOFF_MAX_SECONDS,
    retry_jitter=True,
    max_retries=settings.WEBHOOK_MAX_RETRIES,
)
def deliver(self, delivery_id: int) -> None:
    """POST one webhook delivery; a failure is retried with exponential backoff (each attempt is logged)."""
    from api.webhooks.services import delivery_attempt

    delivery_attempt(delivery_id=delivery_id, final=self.request.retries >= self.max_retries)
