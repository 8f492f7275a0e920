"""Accountability's fixtures: a case about the market department opened by the
cast's supervisor, and a "run at most once" violation recorded at the window."""

import pytest

from approvals.models import Visit
from services.models import ItemVersion
from supervision.accountability import services
from tests.supervision.conftest import TODAY, at


@pytest.fixture
def case(supervisor, department):
    return services.case_open(
        actor=supervisor,
        department=department,
        facts_zh="窗口多次要求申请人重复到场。",
        facts_en="The window asked applicants to come back several times.",
        evidence=[("Visits", "/supervision/visits/")],
    )


def make_visit(item, applicant, clerk, *, reason="", violation=True, day=TODAY):
    version = ItemVersion.objects.snapshots().filter(item=item).order_by("-id").first()
    return Visit.objects.create(
        person=applicant.person, item_version=version, department_id=item.department_id,
        purpose=Visit.Purpose.CONSULT, clerk=clerk, at=at(day), number=2 if violation else 1, allowed=1,
        violation=violation, reason=reason,
    )
