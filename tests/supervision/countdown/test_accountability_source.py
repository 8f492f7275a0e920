"""A department behind at a countdown node proposes an accountability case, once."""

from datetime import date as D

from supervision.accountability import services as accountability
from supervision.accountability.models import AccountabilityCase, CaseSource
from tests.supervision.countdown.conftest import target


def test_a_department_behind_at_a_node_proposes_one_case(supervisor, online_trajectory, other_department):
    online = target(supervisor)

    proposed = accountability.propose_cases(day=D(2026, 11, 21))
    again = accountability.propose_cases(day=D(2026, 11, 21))

    cases = AccountabilityCase.objects.filter(source=CaseSource.COUNTDOWN)
    assert [case.department for case in cases] == [other_department]
    case = cases.get()
    assert case in proposed and case not in again
    assert case.source_key == f"countdown:{online.pk}:2026-11-20:housing"
    assert "2026-11-20" in case.facts_zh and "40.0%" in case.facts_zh
    assert "Online availability" in case.facts_en and "Housing Bureau" in case.facts_en
