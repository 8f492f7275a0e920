"""The half-monthly report's fixtures on top of tests/supervision/conftest.py (the two
departments of the cast, an item each, time frozen on Thursday 26 November 2026, 10:00
Shanghai, the working-day calendar seeded).

`period_world` is a hand-counted first half of November 2026 (no holidays that month):
the market department received three applications in the period and decided two of
them (one on time after 4 working days, one late after 6), had two window visits (one
a violation), three ratings (two good, one real-name bad one without a callback) and
one accountability case opened; the housing department received one application.
Things just outside the period (31 October, 16 November) must not count."""

from datetime import date

import pytest

from approvals.models import Application, Visit
from approvals.workflow import State
from services.models import ItemVersion
from supervision.accountability.models import AccountabilityCase
from supervision.ratings.models import Complaint, Rating
from tests.supervision.conftest import at
from tests.supervision.conftest import make_application as _make


def make_application(item, applicant, state, *, due_on, submitted_at, accepted_at=None, decided_at=None):
    """An application with the given timestamps (the shared helper fixes its submission date)."""
    application = _make(item, applicant, state, due_on=due_on)
    Application.objects.filter(pk=application.pk).update(
        submitted_at=submitted_at, accepted_at=accepted_at, decided_at=decided_at
    )
    application.refresh_from_db()
    return application

FIRST, LAST = date(2026, 11, 1), date(2026, 11, 15)


def _visit(item, applicant, clerk, day, *, violation=False, hour=10):
    return Visit.objects.create(
        person=applicant.person, item_version=ItemVersion.objects.snapshots().filter(item=item).first(),
        department_id=item.department_id, purpose=Visit.Purpose.CONSULT, clerk=clerk,
        at=at(day, hour), number=2 if violation else 1, allowed=1, violation=violation, reason="材料未一次告知" if violation else "",
    )


def _rating(application, day, level):
    return Rating.objects.create(
        level=level, person=application.applicant_person, channel="online", department=application.department,
        application=application, rated_on=day, at=at(day),
    )


@pytest.fixture
def period_world(item, other_item, applicant, approver, clerk, department, other_department, outsider):
    on_time = make_application(
        item, applicant, State.APPROVED, due_on=date(2026, 11, 10), submitted_at=at(date(2026, 11, 2)),
        accepted_at=at(date(2026, 11, 2)), decided_at=at(date(2026, 11, 6), 15),
    )
    late = make_application(
        item, applicant, State.APPROVED, due_on=date(2026, 11, 12), submitted_at=at(date(2026, 11, 5)),
        accepted_at=at(date(2026, 11, 5)), decided_at=at(date(2026, 11, 13)),
    )
    # Received in the period, decided after it.
    after = make_application(
        item, applicant, State.APPROVED, due_on=date(2026, 11, 20), submitted_at=at(date(2026, 11, 15), 23, 30),
        accepted_at=at(date(2026, 11, 16)), decided_at=at(date(2026, 11, 16), 0, 5),
    )
    # Received the day before the period.
    before = make_application(
        item, applicant, State.ACCEPTED, due_on=date(2026, 11, 20), submitted_at=at(date(2026, 10, 31), 23, 59),
        accepted_at=at(date(2026, 11, 2)),
    )
    make_application(
        other_item, outsider, State.ACCEPTED, due_on=date(2026, 11, 30), submitted_at=at(date(2026, 11, 1), 0, 1),
    )
    _visit(item, applicant, clerk, date(2026, 11, 3))
    _visit(item, applicant, clerk, date(2026, 11, 4), violation=True)
    _visit(item, applicant, clerk, date(2026, 11, 16), violation=True)
    _rating(on_time, date(2026, 11, 3), 5)
    _rating(late, date(2026, 11, 9), 3)
    _rating(before, date(2026, 11, 15), 1)
    _rating(after, date(2026, 11, 16), 1)
    AccountabilityCase.objects.create(
        number="WZ-2026-0001", department=department, source="evidence", facts_zh="窗口推诿", state="opened",
        created_at=at(date(2026, 11, 2)), opened_at=at(date(2026, 11, 3)), updated_at=at(date(2026, 11, 3)),
    )
    return {"on_time": on_time, "late": late}


@pytest.fixture
def report_seal_settings(seal_settings, root):
    """The seal machinery (a root CA, no TSA) the report service seals with."""
    return seal_settings
