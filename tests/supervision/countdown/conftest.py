"""The countdown's world: the cast's two departments with items on the published list, and
snapshots written straight into the table where a test is about reading them."""

from datetime import date
from decimal import Decimal

import pytest

from supervision.countdown.models import MetricSnapshot, Target

D = date


def snap(day, metric, department, value) -> MetricSnapshot:
    return MetricSnapshot.objects.create(
        day=day, metric=metric, department=department, value=None if value is None else Decimal(str(value))
    )


def target(creator, *, metric="online", department=None, value="100", start_on=D(2026, 10, 9), due_on=D(2026, 11, 30)):
    return Target.objects.create(
        metric=metric, department=department, value=Decimal(value), start_on=start_on, due_on=due_on,
        created_by=creator, created_at="2026-10-09T09:00:00+08:00",
    )


@pytest.fixture
def online_trajectory(department, other_department):
    """Online availability from 9 October to 26 November: the city and the market climb from 50 % and 60 %,
    housing stays at 40 % (behind the plan on every node)."""
    for offset in range(0, 49):
        day = D(2026, 10, 9) + (D(2026, 10, 10) - D(2026, 10, 9)) * offset
        snap(day, "online", None, 50 + offset)
        snap(day, "online", department, 60 + offset * 40 / 48)
        snap(day, "online", other_department, 40)
