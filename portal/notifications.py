"""Tell people what happened: a message in "my office" and an email.

Callers pass lazy (translatable) strings; each recipient gets them in their
own language. The email goes out from a Celery task enqueued after commit,
so a rolled-back step never mails anyone.

The messages table is also the email outbox. The enqueue after the commit is
robust: with the broker down it is logged and the step still succeeds, and
`emails_send_unsent` (every minute, from beat) sends what is still unsent once
it is two minutes old. Either way an email is sent once: the sender locks the
message's row (skipping a row another worker holds) and marks `emailed_at` in
the same transaction.
"""

import datetime
import logging
import smtplib
from collections.abc import Iterable

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.models import Message, User

logger = logging.getLogger(__name__)

OUTBOX_MIN_AGE = datetime.timedelta(minutes=2)  # younger: the task queued at the commit is still on it
OUTBOX_MAX_AGE = datetime.timedelta(days=3)  # older: given up, so a dead address blocks nothing for ever
OUTBOX_BATCH = 100


def notify(*, recipients: Iterable[User], subject, body, link: str = "", email: bool = True) -> list[Message]:
    messages = []
    for user in {u.pk: u for u in recipients if u is not None}.values():
        with translation.override(user.language or "zh-hans"):
            messages.append(
                Message(recipient=user, subject=str(subject)[:200], body=str(body), link=link, email_wanted=email)
            )
    created = Message.objects.bulk_create(messages)
    if email:
        for message in created:
            transaction.on_commit(lambda pk=message.pk: _enqueue_email(pk), robust=True)
    return created


def _enqueue_email(message_id: int) -> None:
    """Queue by name: the tasks call this module, not the other way round."""
    current_app.signature("portal.tasks.email_message", args=(message_id,)).delay()


def email_send(*, message_id: int, at: datetime.datetime | None = None) -> bool:
    """Email one message unless it was emailed already or another worker is emailing it.

    Returns whether this call sent it. The row stays locked while the mail goes
    out (EMAIL_TIMEOUT bounds that) and `emailed_at` is set in the same
    transaction: a second sender either skips the locked row or finds it sent.
    A mail server error (OSError) rolls back and propagates, for a retry.
    """
    with transaction.atomic():
        message = (
            Message.objects.email_unsent()
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=message_id)
            .first()
        )
        if message is None:
            return False
        _mail(message).send()
        Message.objects.filter(pk=message.pk).update(emailed_at=at or timezone.now())
    return True


def _mail(message: Message) -> EmailMultiAlternatives:
    context = {"message": message, "site_url": settings.SITE_URL}
    with translation.override(message.recipient.language or "zh-hans"):
        subject = render_to_string("portal/email/message_subject.txt", context).strip()
        text = render_to_string("portal/email/message.txt", context)
        html = render_to_string("portal/email/message.html", context)
    mail = EmailMultiAlternatives(subject, text, to=[message.recipient.email])
    mail.attach_alternative(html, "text/html")
    return mail


def emails_send_unsent(*, at: datetime.datetime, batch: int = OUTBOX_BATCH) -> int:
    """The outbox sweep: send the emails still unsent between OUTBOX_MIN_AGE and OUTBOX_MAX_AGE old,
    oldest first, at most `batch`; returns how many this call sent.

    An address the server refuses is skipped (and retried next time); a server
    that cannot be reached ends the batch, for the next run.
    """
    ids = list(
        Message.objects.email_unsent()
        .filter(created_at__lte=at - OUTBOX_MIN_AGE, created_at__gte=at - OUTBOX_MAX_AGE)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:batch]
    )
    sent = 0
    for done, message_id in enumerate(ids):
        try:
            sent += email_send(message_id=message_id, at=at)
        except smtplib.SMTPRecipientsRefused as exc:
            logger.warning("notifications: message %s: the mail server refused its recipient: %s", message_id, exc)
        except OSError as exc:
            logger.warning("notifications: the mail server failed (%s); %s emails wait for the next run", exc, len(ids) - done)
            break
    return sent
