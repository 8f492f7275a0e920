"""Tell people what happened: a message in "my office" and an email.

Callers pass lazy (translatable) strings; each recipient gets them in their
own language. The email goes out from a Celery task enqueued after commit,
so a rolled-back step never mails anyone.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import translation

from portal.models import Message, User


def notify(*, recipients: Iterable[User], subject, body, link: str = "", email: bool = True) -> list[Message]:
    messages = []
    for user in {u.pk: u for u in recipients if u is not None}.values():
        with translation.override(user.language or "zh-hans"):
            messages.append(Message(recipient=user, subject=str(subject)[:200], body=str(body), link=link))
    created = Message.objects.bulk_create(messages)
    if email:
        from portal.tasks import email_message

        for message in created:
            transaction.on_commit(lambda pk=message.pk: email_message.delay(pk))
    return created
