"""Writes of the countdown: daily metric snapshots and targets."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.permissions import require_role
from services.models import Department
from supervision.countdown.metrics import METRICS
from supervision.countdown.models import MetricSnapshot, Target


@transaction.atomic
def snapshot_metrics(*, day: datetime.date) -> int:
    """Record every metric's value on `day` for the city and each department; run again, it replaces
    that day's rows (idempotent per day). Returns the number of rows."""
    rows = [
        MetricSnapshot(day=day, metric=code, department_id=department_id, value=value)
        for code, metric in METRICS.items()
        for department_id, value in metric.compute(day).items()
    ]
    MetricSnapshot.objects.filter(day=day).delete()
    MetricSnapshot.objects.bulk_create(rows)
    return len(rows)


def _validated(target: Target) -> Target:
    errors = {}
    if target.metric not in METRICS:
        errors["metric"] = _("Choose a metric from the list.")
    if target.value is not None and not Decimal(0) <= target.value <= Decimal(100):
        errors["value"] = _("The target is a percentage between 0 and 100.")
    if target.start_on and target.due_on and target.due_on <= target.start_on:
        errors["due_on"] = _("The due date must be after the start date.")
    if errors:
        raise ValidationError(errors)
    target.full_clean()
    return target


@transaction.atomic
def target_create(
    *, actor, metric: str, value: Decimal, start_on: datetime.date, due_on: datetime.date,
    department: Department | None = None,
) -> Target:
    """Set a countdown target (supervisors only)."""
    require_role(actor, "supervisor")
    target = _validated(
        Target(
            metric=metric, department=department, value=value, start_on=start_on, due_on=due_on,
            created_by=actor, created_at=timezone.now(),
        )
    )
    target.save()
    return target


@transaction.atomic
def target_update(
    *, actor, target: Target, metric: str, value: Decimal, start_on: datetime.date, due_on: datetime.date,
    department: Department | None = None,
) -> Target:
    """Change a countdown target (supervisors only)."""
    require_role(actor, "supervisor")
    target = Target.objects.select_for_update().get(pk=target.pk)
    target.metric, target.department, target.value = metric, department, value
    target.start_on, target.due_on = start_on, due_on
    _validated(target).save()
    return target
