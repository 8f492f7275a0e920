"""Webhook subscriptions of a departmental system (scope applications:read).

A client subscribes a URL to the state changes of its department's
applications; the signing secret is in the answer to the subscription only.
The deliveries and their attempts are readable per subscription.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from api.auth import MachineToken
from api.models import Scope
from api.problems import NotFound, Problem
from api.webhooks import services
from api.webhooks.models import Subscription

router = Router(tags=["webhooks"])
READ = MachineToken(Scope.APPLICATIONS_READ)
SECURITY = [{"MachineToken": [Scope.APPLICATIONS_READ]}]
RECENT_DELIVERIES = 20


class SubscriptionIn(Schema):
    url: str = Field(description="Where deliveries are POSTed: https (plain http only in development).", max_length=500)


class SubscriptionOut(Schema):
    id: int
    url: str
    created_at: datetime.datetime


class SubscriptionCreated(SubscriptionOut):
    secret: str = Field(description="The signing secret. It is shown this once: keep it.")


class AttemptOut(Schema):
    number: int
    at: datetime.datetime
    status_code: int | None
    error: str


class DeliveryOut(Schema):
    event_id: str
    type: str
    state: str
    payload: dict
    created_at: datetime.datetime
    delivered_at: datetime.datetime | None
    attempts: list[AttemptOut]


class SubscriptionDetail(SubscriptionOut):
    deliveries: list[DeliveryOut] = Field(description=f"The latest {RECENT_DELIVERIES} deliveries, newest first.")


class InvalidSubscription(Problem):
    status = 422
    kind = "invalid-webhook"


def _own(request, pk: int) -> Subscription:
    subscription = Subscription.objects.active().filter(client=request.machine_client, pk=pk).first()
    if subscription is None:
        raise NotFound(_("There is no webhook with this id for this client."))
    return subscription


def _out(subscription: Subscription) -> dict:
    return {"id": subscription.pk, "url": subscription.url, "created_at": subscription.created_at}


@router.post(
    "",
    response={201: SubscriptionCreated},
    auth=READ,
    url_name="webhooks",
    summary="Subscribe a URL to the state changes of the department's applications",
    openapi_extra={"security": SECURITY},
)
def webhook_create(request, payload: SubscriptionIn):
    try:
        subscription = services.subscription_create(client=request.machine_client, url=payload.url)
    except ValidationError as exc:
        messages = exc.message_dict.get("url", exc.messages) if hasattr(exc, "error_dict") else exc.messages
        raise InvalidSubscription(
            messages[0], errors=[{"location": ["body", "url"], "message": m, "code": "invalid"} for m in messages]
        ) from None
    except PermissionDenied as exc:
        raise Problem(str(exc)) from None
    return Status(201, {**_out(subscription), "secret": subscription.secret})


@router.get(
    "",
    response=list[SubscriptionOut],
    auth=READ,
    url_name="webhooks",
    summary="The client's webhooks",
    openapi_extra={"security": SECURITY},
)
def webhook_list(request):
    return [_out(s) for s in Subscription.objects.active().filter(client=request.machine_client)]


@router.get(
    "/{int:pk}",
    response=SubscriptionDetail,
    auth=READ,
    url_name="webhook",
    summary="One webhook and its latest deliveries, with every attempt",
    openapi_extra={"security": SECURITY},
)
def webhook_detail(request, pk: int):
    subscription = _own(request, pk)
    deliveries = subscription.deliveries.prefetch_related("log")[:RECENT_DELIVERIES]
    return {
        **_out(subscription),
        "deliveries": [
            {
                "event_id": str(d.event_id),
                "type": d.event_type,
                "state": d.state,
                "payload": d.payload,
                "created_at": d.created_at,
                "delivered_at": d.delivered_at,
                "attempts": [
                    {"number": a.number, "at": a.at, "status_code": a.status_code, "error": a.error} for a in d.log.all()
                ],
            }
            for d in deliveries
        ],
    }


@router.delete(
    "/{int:pk}",
    response={204: None},
    auth=READ,
    url_name="webhook",
    summary="Unsubscribe: nothing more is delivered to this URL",
    openapi_extra={"security": SECURITY},
)
def webhook_delete(request, pk: int):
    services.subscription_delete(subscription=_own(request, pk))
    return Status(204, None)
