"""Facts propose cases: an application overdue by more than the working days
in rules.py, a "run at most once" violation without an accepted reason; each
fact once, however often the daily run goes."""

from datetime import date

import pytest

from approvals.workflow import State as AppState
from supervision.accountability import proposals, rules, services
from supervision.accountability.models import AccountabilityCase
from supervision.accountability.tasks import propose_accountability_cases
from supervision.accountability.workflow import Action, State
from tests.supervision.accountability.conftest import make_visit
from tests.supervision.conftest import TODAY, make_application

pytestmark = pytest.mark.django_db


def test_an_application_overdue_by_more_than_the_limit_proposes_a_case(item, applicant):
    assert rules.OVERDUE_WORKING_DAYS == 5
    # On Thursday 26 November: due Friday the 13th is 9 working days late; due Friday the 20th is 4.
    late = make_application(item, applicant, AppState.IN_REVIEW, due_on=date(2026, 11, 13))
    make_application(item, applicant, AppState.IN_REVIEW, due_on=date(2026, 11, 20))
    make_application(item, applicant, AppState.APPROVED, due_on=date(2026, 11, 2))
    [proposal] = list(proposals.overdue_applications(TODAY))
    assert proposal.key == f"overdue:{late.tracking_number}:2026-11-13"
    assert proposal.department.pk == item.department_id
    assert "9 working days overdue" in proposal.facts_en and "9 个工作日" in proposal.facts_zh
    assert applicant.person.real_name not in proposal.facts_zh + proposal.facts_en


def test_a_violation_proposes_a_case_unless_its_reason_is_accepted(item, applicant, clerk):
    counted = make_visit(item, applicant, clerk, reason="材料未一次告知")
    make_visit(item, applicant, clerk, reason="申请人主动要求再次咨询")
    make_visit(item, applicant, clerk, violation=False)
    [proposal] = list(proposals.visit_violations(TODAY))
    assert proposal.key == f"visit:{counted.pk}"
    assert "材料未一次告知" in proposal.facts_zh


def test_the_daily_run_proposes_each_fact_once(item, applicant, clerk):
    make_application(item, applicant, AppState.IN_REVIEW, due_on=date(2026, 11, 13))
    make_visit(item, applicant, clerk, reason="材料未一次告知")
    assert propose_accountability_cases.apply().get() == 2
    assert propose_accountability_cases.apply().get() == 0
    assert AccountabilityCase.objects.count() == 2
    for case in AccountabilityCase.objects.all():
        assert case.state == State.PROPOSED and case.opened_at is None
        [event] = case.events.all()
        assert event.action == Action.PROPOSE and event.actor is None


def test_sources_are_dotted_paths(item, applicant):
    make_application(item, applicant, AppState.IN_REVIEW, due_on=date(2026, 11, 13))
    created = services.propose_cases(
        day=TODAY, sources=["supervision.accountability.proposals.visit_violations"]
    )
    assert created == []
    created = services.propose_cases(
        day=TODAY, sources=["supervision.accountability.proposals.overdue_applications"]
    )
    assert len(created) == 1


def test_a_proposal_is_hidden_from_the_department_until_opened(item, applicant, head, supervisor):
    make_application(item, applicant, AppState.IN_REVIEW, due_on=date(2026, 11, 13))
    [case] = services.propose_cases(day=TODAY)
    assert not services.can_view(head, case)
    services.case_step(case=case, actor=supervisor, action=Action.OPEN)
    case.refresh_from_db()
    assert services.can_view(head, case)


def test_a_supervisor_dismisses_a_proposal_with_a_reason(item, applicant, supervisor):
    make_application(item, applicant, AppState.IN_REVIEW, due_on=date(2026, 11, 13))
    [case] = services.propose_cases(day=TODAY)
    with pytest.raises(Exception):
        services.case_step(case=case, actor=supervisor, action=Action.DISMISS, note="")
    services.case_step(case=case, actor=supervisor, action=Action.DISMISS, note="专家评审期间，不计时限。")
    case.refresh_from_db()
    assert case.state == State.CLOSED
    assert services.propose_cases(day=TODAY) == []  # the fact already had its case
