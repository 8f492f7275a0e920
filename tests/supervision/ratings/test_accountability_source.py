"""A bad-rating case past its callback limit proposes an accountability case for its department, once."""

from datetime import date

import time_machine

from supervision.accountability import services as accountability
from supervision.accountability.models import AccountabilityCase, CaseSource
from supervision.ratings.models import Level
from tests.supervision.conftest import TODAY, at
from tests.supervision.ratings.test_selectors import rated


def test_a_case_past_its_callback_limit_proposes_one_accountability_case(item, department):
    rated(item, Level.DISSATISFIED)  # rated today: its callback is not yet due
    with time_machine.travel(at(date(2026, 11, 20)), tick=False):
        late = rated(item, Level.DISSATISFIED, when=at(date(2026, 11, 20))).case  # callback due Monday 23rd

    proposed = accountability.propose_cases(day=TODAY)
    again = accountability.propose_cases(day=TODAY)

    cases = AccountabilityCase.objects.filter(source=CaseSource.RATING)
    case = cases.get()
    assert case.department == department and case in proposed and case not in again
    assert case.source_key == f"rating:{late.pk}:callback"
    assert "2026-11-23" in case.facts_zh and "callback" in case.facts_en
