"""Ratings' fixtures on top of tests/supervision/conftest.py (the two departments,
an item each, time frozen on Thursday 26 November 2026, 10:00 Shanghai)."""

from datetime import date, timedelta

import pytest

from approvals.models import Visit
from approvals.workflow import State
from tests.conftest import NOW
from tests.supervision.conftest import at, make_application


@pytest.fixture
def approved(item, applicant, approver):
    """The applicant's application, approved by `approver` yesterday."""
    return make_application(
        item, applicant, State.APPROVED, due_on=date(2026, 11, 30), assignee=approver,
        decided_at=NOW - timedelta(days=1),
    )


@pytest.fixture
def visit(item, applicant, clerk):
    from services.models import ItemVersion

    return Visit.objects.create(
        person=applicant.person, item_version=ItemVersion.objects.snapshots().filter(item=item).first(),
        department_id=item.department_id, purpose=Visit.Purpose.CONSULT, clerk=clerk,
        at=at(date(2026, 11, 25)), number=1, allowed=1,
    )
