from celery import shared_task
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.models import Message


@shared_task
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(bind=True, max_retries=5, retry_backoff=True, retry_backoff_max=600)
def email_message(self, message_id: int) -> bool:
    """Email one message, once: the claim on `emailed_at` makes retries and duplicates harmless."""
    message = Message.objects.select_related("recipient").filter(pk=message_id).first()
    if message is None or message.emailed_at is not None or not message.recipient.email:
        return False
    context = {"message": message, "site_url": settings.SITE_URL}
    with translation.override(message.recipient.language or "zh-hans"):
        subject = render_to_string("portal/email/message_subject.txt", context).strip()
        text = render_to_string("portal/email/message.txt", context)
        html = render_to_string("portal/email/message.html", context)
    mail = EmailMultiAlternatives(subject, text, to=[message.recipient.email])
    mail.attach_alternative(html, "text/html")
    try:
        mail.send()
    except OSError as exc:
        raise self.retry(exc=exc) from exc
    Message.objects.filter(pk=message.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return True
