"""Supervision's list: the two departments of the cast (tests/conftest.py) with an
item each. Time is frozen on Thursday 26 November 2026, 10:00 Shanghai time,
with the working-day calendar seeded:
work due before the 26th is overdue, due on the 26th or 27th is due soon,
due from Monday the 30th on is on time."""

import itertools
from datetime import date, datetime

import pytest
from django.utils import translation

from approvals.models import Application
from approvals.workflow import CLOCKED_STATES, State
from services.models import ItemVersion
from tests.conftest import NOW, SHANGHAI
from tests.services.factories import make_item, publish

TODAY = NOW.date()
_serial = itertools.count(1)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def make_application(item, applicant, state=State.ACCEPTED, *, due_on=None, **fields) -> Application:
    """A submitted application straight into `state`: supervision only reads it (the services are tested elsewhere)."""
    version = ItemVersion.objects.snapshots().filter(item=item).order_by("-id").first()
    if state in CLOCKED_STATES:
        assert due_on is not None, "work against the clock has a due date"
    return Application.objects.create(
        item_version=version,
        department_id=item.department_id,
        applicant_person=applicant.person,
        created_by=applicant.person.user,
        tracking_number=f"HLD-2026-{800000 + next(_serial):06d}",
        state=state,
        due_on=due_on,
        submitted_at=at(date(2026, 10, 1)),
        accepted_at=at(date(2026, 10, 1)) if due_on else None,
        **fields,
    )


@pytest.fixture(autouse=True)
def _on_the_suite_day(frozen_time):
    """Every test here starts on Thursday 26 November 2026, 10:00 (tests/conftest.py)."""


@pytest.fixture(autouse=True)
def _english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def item(department):
    item = make_item(department, code="MKT-001", name_zh="小餐饮经营许可", name_en="Small eatery license", audience="person")
    publish()
    return item


@pytest.fixture
def other_item(other_department, item):
    other = make_item(other_department, code="HOU-001", name_zh="住房补贴", name_en="Housing allowance", audience="person")
    publish()
    return other
