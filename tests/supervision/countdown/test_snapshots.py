"""The daily snapshot: every metric for the city and each department on a day, through the owners'
definitions (the approval list's rates, decisions on time, ratings); idempotent per day."""

from datetime import date as D
from decimal import Decimal

import pytest

from approvals.workflow import State
from supervision.countdown.metrics import METRICS
from supervision.countdown.models import MetricSnapshot
from supervision.countdown.services import snapshot_metrics
from supervision.countdown.tasks import snapshot_metrics_task
from tests.services.factories import make_item, publish
from tests.supervision.conftest import at, make_application

pytestmark = pytest.mark.django_db


def _values(day):
    return {
        (s.metric, s.department_id): s.value for s in MetricSnapshot.objects.filter(day=day)
    }


@pytest.fixture
def world(item, other_item, department, other_department, applicant):
    # Market: MKT-001 fully online, plus one offline item. Housing: HOU-001 fully online.
    make_item(department, code="MKT-002", online_level="offline", max_visits=1, audience="person")
    publish()
    make_application(item, applicant, State.APPROVED, due_on=D(2026, 11, 20), decided_at=at(D(2026, 11, 19)))
    make_application(item, applicant, State.APPROVED, due_on=D(2026, 11, 20), decided_at=at(D(2026, 11, 23)))
    make_application(other_item, applicant, State.DENIED, due_on=D(2026, 11, 20), decided_at=at(D(2026, 11, 18)))


def test_it_records_every_metric_for_the_city_and_each_department(world, department, other_department):
    snapshot_metrics(day=D(2026, 11, 26))
    values = _values(D(2026, 11, 26))
    assert values[("online", department.pk)] == Decimal("50.0")
    assert values[("online", other_department.pk)] == Decimal("100.0")
    assert values[("online", None)] == Decimal("66.7")
    assert values[("full_online", None)] == Decimal("66.7")
    assert values[("one_visit", None)] == Decimal("100.0")
    assert values[("on_time", department.pk)] == Decimal("50.0")
    assert values[("on_time", other_department.pk)] == Decimal("100.0")
    assert values[("on_time", None)] == Decimal("66.7")
    # No ratings yet: the city's satisfaction and callback rate are recorded as unknown.
    assert values[("satisfaction", None)] is None and values[("callback", None)] is None
    assert {metric for metric, _ in values} == set(METRICS)


def test_a_second_run_on_the_same_day_replaces_the_rows(world):
    first = snapshot_metrics(day=D(2026, 11, 26))
    second = snapshot_metrics(day=D(2026, 11, 26))
    assert first == second == MetricSnapshot.objects.filter(day=D(2026, 11, 26)).count()


def test_a_past_day_reads_the_list_in_force_then(world, department):
    snapshot_metrics(day=D(2026, 11, 1))
    values = _values(D(2026, 11, 1))
    # Decisions of the 30 days up to 1 November: none.
    assert values[("on_time", None)] is None
    assert ("on_time", department.pk) not in values


def test_a_day_before_any_list_has_no_rates(item):
    snapshot_metrics(day=D(2020, 1, 1))
    assert _values(D(2020, 1, 1))[("online", None)] is None


def test_the_beat_task_snapshots_today(world):
    assert snapshot_metrics_task() == MetricSnapshot.objects.filter(day=D(2026, 11, 26)).count() > 0


def test_satisfaction_comes_from_the_ratings_as_a_percentage(item, other_item, applicant, department):
    from supervision.ratings.models import Rating

    levels = [5, 4, 3, 2]  # three good of four in the market
    for level in levels:
        application = make_application(
            item, applicant, State.APPROVED, due_on=D(2026, 11, 20), decided_at=at(D(2026, 11, 19))
        )
        Rating.objects.create(
            level=level, application=application, person=applicant.person, channel="online",
            department=department, rated_on=D(2026, 11, 25),
        )
    snapshot_metrics(day=D(2026, 11, 26))
    values = _values(D(2026, 11, 26))
    assert values[("satisfaction", department.pk)] == Decimal("75.0")
    assert values[("satisfaction", None)] == Decimal("75.0")
