"""The demo seeds two targets and 60 days of snapshots; a second run adds no target.

Today is Thursday 26 November 2026. The list was published 90 days ago and the
market department decided twice in the first half of November (on the 3rd on time,
on the 13th a day late), so the nodes before today have values."""

import io

import pytest
from datetime import date
from decimal import Decimal

from django.core.management import call_command

from supervision.countdown.models import MetricSnapshot, Target
from supervision.countdown.selectors import countdowns

from tests.demo_world import demo_world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_targets_and_a_trajectory(demo_world, frozen_time):
    out = demo_world  # what seeding the world printed
    assert "countdown: 2 targets" in out, out
    assert Target.objects.count() == 2
    assert MetricSnapshot.objects.values("day").distinct().count() == 60
    assert all(countdown.nodes for countdown in countdowns(today=frozen_time.date()))
    rows = MetricSnapshot.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Target.objects.count() == 2 and MetricSnapshot.objects.count() == rows


def test_the_nodes_before_today_have_values(demo_world, frozen_time):
    today = frozen_time.date()
    by_metric = {countdown.target.metric: countdown for countdown in countdowns(today=today)}
    online = by_metric["online"]
    assert online.target.department is None
    assert all(node.value is not None for node in online.nodes if node.day < today)
    on_time = by_metric["on_time"]
    assert on_time.target.department.code == "market"
    values = {node.day: node.value for node in on_time.nodes if node.day < today}
    # Nodes every 10 days back from the due date (15 January): the rate over the 30 days up to each.
    assert values[date(2026, 10, 27)] is None  # nothing decided yet
    assert values[date(2026, 11, 6)] == Decimal("100.0")  # the instant approval of the 3rd
    assert values[date(2026, 11, 16)] == Decimal("50.0")  # and the late change of the 13th
    assert on_time.current == Decimal("50.0")
