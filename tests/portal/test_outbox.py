"""The email outbox: what the broker never took is sent later, once."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerDown

from portal.models import Message
from portal.notifications import OUTBOX_MIN_AGE, notify
from portal.tasks import send_unsent_emails
from tests.conftest import NOW
from tests.factories import citizen

pytestmark = pytest.mark.django_db(transaction=True)


def broker_down():
    return mock.patch("celery.app.task.Task.apply_async", side_effect=BrokerDown("Error 111 connecting to redis"))


def test_a_step_commits_when_the_broker_is_down_and_the_outbox_sends_its_email_once(mailoutbox):
    user = citizen()
    with time_machine.travel(NOW, tick=False):
        with broker_down(), transaction.atomic():
            notify(recipients=[user], subject="受理通知", body="正文")
        message = Message.objects.get(recipient=user)  # committed all the same
        assert mailoutbox == [] and message.emailed_at is None

        assert send_unsent_emails.delay().get() == 0  # too young: the queued task may still come
    with time_machine.travel(NOW + OUTBOX_MIN_AGE, tick=False):
        assert send_unsent_emails.delay().get() == 1
        assert send_unsent_emails.delay().get() == 0  # the outbox runs again: nothing twice
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [user.email]
    message.refresh_from_db()
    assert message.emailed_at == NOW + OUTBOX_MIN_AGE


def test_an_email_whose_sending_failed_is_sent_by_the_outbox_once(mailoutbox, settings):
    user = citizen()
    with time_machine.travel(NOW, tick=False):
        with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=ConnectionRefusedError):
            with transaction.atomic():  # the mail server refuses; the task's retry is logged, the step stands
                notify(recipients=[user], subject="受理通知", body="正文")
    assert Message.objects.get().emailed_at is None
    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        assert send_unsent_emails.delay().get() == 1
        assert send_unsent_emails.delay().get() == 0
    assert len(mailoutbox) == 1


def test_the_outbox_leaves_messages_that_want_no_email(mailoutbox):
    with time_machine.travel(NOW, tick=False):
        notify(recipients=[citizen()], subject="站内消息", body="-", email=False)
    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        assert send_unsent_emails.delay().get() == 0
    assert mailoutbox == []


def test_a_message_being_sent_elsewhere_is_skipped(mailoutbox):
    """Two senders at once: the one that finds the row taken (here: already marked) sends nothing."""
    from portal.notifications import email_send

    with time_machine.travel(NOW, tick=False), broker_down():
        [message] = notify(recipients=[citizen()], subject="受理通知", body="正文")
    assert email_send(message_id=message.pk) is True
    assert email_send(message_id=message.pk) is False
    assert len(mailoutbox) == 1
