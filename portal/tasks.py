from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from portal import notifications


@shared_task
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(bind=True, max_retries=5, retry_backoff=True, retry_backoff_max=600)
def email_message(self, message_id: int) -> bool:
    """Email one message, once: the lock and `emailed_at` make retries and duplicates harmless.
    Retries used up leave it to the outbox (`send_unsent_emails`)."""
    try:
        return notifications.email_send(message_id=message_id)
    except OSError as exc:
        raise self.retry(exc=exc) from exc


@shared_task
def send_unsent_emails() -> int:
    """Every minute (beat): the email outbox; returns how many emails it sent."""
    return notifications.emails_send_unsent(at=timezone.now())
