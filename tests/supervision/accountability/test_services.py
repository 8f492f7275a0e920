"""Accountability cases through their services: who may take each step, the
workflow table, the events, the public notice and its privacy check."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from supervision.accountability import services
from supervision.accountability.models import AccountabilityCase, AccountabilityNotice
from supervision.accountability.workflow import Action, Decision, State

pytestmark = pytest.mark.django_db

NOTICE = {
    "notice_title_zh": "关于市场监督管理局窗口重复跑动的通报",
    "notice_text_zh": "市场监督管理局窗口多次要求申请人重复到场，现予通报批评。",
}


def test_it_opens_a_case_with_an_event_and_tells_the_head(head, case, supervisor):
    assert case.state == State.OPENED and case.opened_at is not None
    assert case.number.startswith("WZ-2026-")
    [event] = case.events.all()
    assert (event.action, event.actor, event.to_state) == (Action.OPEN, supervisor, State.OPENED)
    assert head.messages.filter(link=f"/supervision/accountability/{case.number}/").exists()


def test_only_supervisors_open_cases(department, head, approver, clerk, outsider):
    for user in (head, approver, clerk, outsider):
        with pytest.raises(PermissionDenied):
            services.case_open(actor=user, department=department, facts_zh="x", evidence=[("a", "/x/")])


def test_it_refuses_a_case_without_facts_or_evidence(supervisor, department):
    with pytest.raises(ValidationError) as exc:
        services.case_open(actor=supervisor, department=department, facts_zh=" ", evidence=[("a", "/x/")])
    assert "facts_zh" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.case_open(actor=supervisor, department=department, facts_zh="事实", evidence=[])
    assert "evidence" in exc.value.error_dict


def test_it_refuses_evidence_that_is_not_a_web_address(supervisor, department):
    with pytest.raises(ValidationError) as exc:
        services.case_open(
            actor=supervisor, department=department, facts_zh="事实", evidence=[("a", "javascript:alert(1)")]
        )
    assert "evidence" in exc.value.error_dict
    assert AccountabilityCase.objects.count() == 0


def test_the_department_responds_with_findings_and_supervision_decides(case, head, supervisor):
    assert services.allowed_actions(head, case) == [Action.FINDINGS]
    services.case_step(case=case, actor=head, action=Action.FINDINGS, note="已整改。")
    case.refresh_from_db()
    assert case.state == State.FINDINGS
    assert Action.DECIDE in services.allowed_actions(supervisor, case)
    assert services.allowed_actions(head, case) == [Action.FINDINGS]
    with pytest.raises(PermissionDenied):
        services.case_step(case=case, actor=head, action=Action.DECIDE, note="x", decision=Decision.REMINDER)
    services.case_step(case=case, actor=supervisor, action=Action.DECIDE, note="提醒。", decision=Decision.REMINDER)
    services.case_step(case=case, actor=supervisor, action=Action.CLOSE)
    case.refresh_from_db()
    assert (case.state, case.decision) == (State.CLOSED, Decision.REMINDER)
    assert [e.action for e in case.events.all()] == [Action.OPEN, Action.FINDINGS, Action.DECIDE, Action.CLOSE]
    assert not AccountabilityNotice.objects.exists()


def test_another_departments_staff_take_no_step(case, other_head, other_approver, clerk, outsider):
    for user in (other_head, other_approver, clerk, outsider):
        assert not services.can_view(user, case)
        with pytest.raises(PermissionDenied):
            services.case_step(case=case, actor=user, action=Action.FINDINGS, note="x")


def test_a_step_out_of_turn_is_refused(case, supervisor):
    with pytest.raises(ValidationError):
        services.case_step(case=case, actor=supervisor, action=Action.CLOSE)
    with pytest.raises(ValidationError):
        services.case_step(case=case, actor=supervisor, action=Action.DECIDE, note="x", decision=Decision.NO_FAULT)


def test_a_decision_needs_a_note_and_a_kind(case, supervisor):
    services.case_step(case=case, actor=supervisor, action=Action.FINDINGS, note="核实。")
    with pytest.raises(ValidationError) as exc:
        services.case_step(case=case, actor=supervisor, action=Action.DECIDE, note="", decision="")
    assert "note" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.case_step(case=case, actor=supervisor, action=Action.DECIDE, note="x", decision="")
    assert "decision" in exc.value.error_dict


def test_a_criticism_publishes_a_notice(case, supervisor, department):
    services.case_step(case=case, actor=supervisor, action=Action.FINDINGS, note="核实。")
    services.case_step(
        case=case, actor=supervisor, action=Action.DECIDE, note="通报。", decision=Decision.CRITICISM, **NOTICE
    )
    notice = AccountabilityNotice.objects.get()
    assert notice.case == case and notice.department == department
    assert notice.number.startswith("TB-2026-")


@pytest.mark.parametrize(
    "private", ["申请人身份证号211402199003070016。", "联系电话13812345678。"]
)
def test_a_notice_refuses_private_data(case, supervisor, private):
    services.case_step(case=case, actor=supervisor, action=Action.FINDINGS, note="核实。")
    with pytest.raises(ValidationError) as exc:
        services.case_step(
            case=case, actor=supervisor, action=Action.DECIDE, note="通报。", decision=Decision.CRITICISM,
            notice_title_zh="通报", notice_text_zh=private,
        )
    assert "notice_text_zh" in exc.value.error_dict
    case.refresh_from_db()
    assert case.state == State.FINDINGS and not AccountabilityNotice.objects.exists()


def test_a_criticism_needs_the_notice_text(case, supervisor):
    services.case_step(case=case, actor=supervisor, action=Action.FINDINGS, note="核实。")
    with pytest.raises(ValidationError) as exc:
        services.case_step(case=case, actor=supervisor, action=Action.DECIDE, note="x", decision=Decision.CRITICISM)
    assert {"notice_title_zh", "notice_text_zh"} <= set(exc.value.error_dict)
