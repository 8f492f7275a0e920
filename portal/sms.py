"""Pluggable SMS delivery for mobile-number sign-in.

SMS_BACKEND names a class with `send(phone, message)`. The development and
test backend keeps messages in an outbox (and logs them); a production
deployment names its carrier's gateway class instead.
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("onegate.sms")

outbox: list[dict] = []


class OutboxBackend:
    def send(self, phone: str, message: str) -> None:
        outbox.append({"phone": phone, "message": message})
        logger.info("SMS to %s: %s", phone, message)


def send_sms(phone: str, message: str) -> None:
    import_string(settings.SMS_BACKEND)().send(phone, message)
