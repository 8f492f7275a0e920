"""Webhooks: subscribing, queueing a delivery on each state change, and making one attempt."""

from __future__ import annotations

import ipaddress
import json
import secrets
import socket
import time
from urllib.parse import urlsplit

import requests
from celery import current_app
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import MachineClient, Scope
from api.webhooks import signing
from api.webhooks.models import Delivery, DeliveryAttempt, Subscription

EVENT_STATE_CHANGED = "application.state_changed"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
ERROR_MAX_LENGTH = 500


class DeliveryFailed(Exception):
    """The receiver did not take the delivery (an error, or an answer other than 2xx): try again later."""


def _check_url(url: str) -> str:
    url = (url or "").strip()
    try:
        URLValidator(schemes=["https", "http"])(url)
    except ValidationError:
        raise ValidationError({"url": _("Enter a valid URL.")}) from None
    parts = urlsplit(url)
    local_http = parts.hostname in LOCAL_HOSTS and settings.WEBHOOK_ALLOW_LOCAL_HTTP
    if parts.scheme != "https" and not (settings.DEBUG or local_http):
        raise ValidationError({"url": _("A webhook URL must use https.")})
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        literal = None
    if (literal is not None and not _may_reach(literal)) or (
        parts.hostname in LOCAL_HOSTS and not settings.WEBHOOK_ALLOW_LOCAL_HTTP
    ):
        raise ValidationError({"url": _("A webhook URL must lead to a public address, or to a network the portal is set to reach.")})
    return url


def _may_reach(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether the portal may POST to `address`: a public one, one in WEBHOOK_ALLOWED_NETWORKS
    (a government network, say), or this machine when WEBHOOK_ALLOW_LOCAL_HTTP (tests, development).
    Anything else (loopback, private ranges, link-local such as a cloud's metadata service) is
    refused, so a subscription cannot make the portal call its own neighbours."""
    if address.is_loopback and settings.WEBHOOK_ALLOW_LOCAL_HTTP:
        return True
    if any(address in ipaddress.ip_network(network) for network in settings.WEBHOOK_ALLOWED_NETWORKS):
        return True
    return address.is_global


def unreachable_destination(url: str) -> str:
    """Why the portal must not POST to `url` now ("" if it may): its host is resolved at each
    attempt, so a name that has come to point at a refused address is caught when it matters."""
    host = urlsplit(url).hostname or ""
    try:
        addresses = {ipaddress.ip_address(info[4][0].split("%")[0]) for info in socket.getaddrinfo(host, None)}
    except (OSError, ValueError) as exc:
        return f"{host} cannot be resolved ({exc})"
    refused = sorted(str(address) for address in addresses if not _may_reach(address))
    return f"{host} leads to an address the portal does not call: {', '.join(refused)}" if refused else ""


@transaction.atomic
def subscription_create(*, client: MachineClient, url: str, at=None) -> Subscription:
    """Subscribe `url` to the state changes of the client's department's applications.

    The returned subscription carries its signing secret: show it to the client once.
    """
    at = at or timezone.now()
    if not client.has_scope(Scope.APPLICATIONS_READ):
        raise PermissionDenied(_("This client may not do this."))
    url = _check_url(url)
    if Subscription.objects.active().filter(client=client).count() >= settings.WEBHOOK_MAX_PER_CLIENT:
        raise ValidationError(
            {"url": _("A client has at most %(count)d webhooks. Delete one first.") % {"count": settings.WEBHOOK_MAX_PER_CLIENT}}
        )
    subscription = Subscription(client=client, url=url, secret="whsec_" + secrets.token_urlsafe(32), created_at=at)
    subscription.full_clean()
    subscription.save()
    return subscription


@transaction.atomic
def subscription_delete(*, subscription: Subscription, at=None) -> None:
    """Stop a subscription; what is still queued for it is cancelled."""
    at = at or timezone.now()
    Subscription.objects.filter(pk=subscription.pk, deleted_at__isnull=True).update(deleted_at=at)
    subscription.deliveries.filter(state=Delivery.State.PENDING).update(state=Delivery.State.CANCELLED)


def payload_for(application, event) -> dict:
    return {
        "tracking_number": application.tracking_number,
        "item": application.item_version.item.code,
        "action": event.action,
        "from": event.from_state,
        "to": event.to_state,
        "at": event.at.isoformat(),
    }


def on_state_changed(application, event) -> None:
    """Queue a delivery per subscription of the department's clients (the workflow calls this
    inside the transition's transaction; registered in `ApiConfig.ready()`)."""
    if event.from_state == event.to_state:
        return
    subscriptions = list(
        Subscription.objects.active().filter(client__department_id=application.department_id).select_related("client")
    )
    subscriptions = [s for s in subscriptions if s.client.has_scope(Scope.APPLICATIONS_READ)]
    if not subscriptions:
        return
    data = payload_for(application, event)
    event_id = Delivery._meta.get_field("event_id").default()
    for subscription in subscriptions:
        delivery = Delivery.objects.create(
            subscription=subscription,
            event_id=event_id,
            event_type=EVENT_STATE_CHANGED,
            payload={"id": str(event_id), "type": EVENT_STATE_CHANGED, **data},
            created_at=event.at,
        )
        transaction.on_commit(lambda pk=delivery.pk: _enqueue(pk), robust=True)


def _enqueue(delivery_id: int) -> None:
    """Queue api/webhooks/tasks.py's task by name: the task calls these services, not the other way round."""
    current_app.signature("api.webhooks.tasks.deliver", args=(delivery_id,)).delay()


def body_of(delivery: Delivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def delivery_attempt(*, delivery_id: int, final: bool) -> Delivery:
    """POST the delivery once and log the attempt; raise DeliveryFailed to be retried.

    A delivery already made, or cancelled, is left alone (a redelivered task
    does nothing). When `final` is set and this attempt fails, the delivery is
    marked failed (and DeliveryFailed is still raised, for the task's record).
    """
    delivery = Delivery.objects.select_related("subscription").get(pk=delivery_id)
    if delivery.state != Delivery.State.PENDING:
        return delivery
    subscription = delivery.subscription
    if subscription.deleted_at is not None:
        Delivery.objects.filter(pk=delivery.pk).update(state=Delivery.State.CANCELLED)
        return delivery
    body = body_of(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "OneGate-Webhooks/1",
        signing.HEADER: signing.signature_header(subscription.secret, body),
        "OneGate-Event-Id": str(delivery.event_id),
        "OneGate-Event-Type": delivery.event_type,
    }
    number = delivery.attempts + 1
    started = time.monotonic()
    status_code, error = None, unreachable_destination(subscription.url)[:ERROR_MAX_LENGTH]
    if not error:
        try:
            response = requests.post(
                subscription.url, data=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
                allow_redirects=False,
            )
            status_code = response.status_code
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}"
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]
    at = timezone.now()
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=number,
            at=at,
            status_code=status_code,
            error=error,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        delivery.attempts = number
        if not error:
            delivery.state, delivery.delivered_at = Delivery.State.DELIVERED, at
        elif final:
            delivery.state = Delivery.State.FAILED
        delivery.save(update_fields=["attempts", "state", "delivered_at"])
    if error:
        raise DeliveryFailed(error)
    return delivery
