"""The demo seeds two targets and 60 days of snapshots; a second run adds no target."""

import io

import pytest
from django.core.management import call_command

from supervision.countdown.models import MetricSnapshot, Target
from supervision.countdown.selectors import countdowns

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_targets_and_a_trajectory(frozen_time):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "countdown: 2 targets" in out.getvalue(), out.getvalue()
    assert Target.objects.count() == 2
    assert MetricSnapshot.objects.values("day").distinct().count() == 60
    assert all(countdown.nodes for countdown in countdowns(today=frozen_time.date()))
    rows = MetricSnapshot.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Target.objects.count() == 2 and MetricSnapshot.objects.count() == rows
