"""Each transition: allowed for the right role, refused for a wrong role,
another department, a wrong state and an anonymous visitor; each appends
exactly one event."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from approvals import services as workflow
from approvals.models import ApplicationEvent
from approvals.workflow import State

pytestmark = pytest.mark.django_db

CORRECTION_ITEMS = [{"name": "经营场所证明", "problem": "复印件不清晰", "remedy": "上传清晰的扫描件"}]


def _bring_to(state, application, *, applicant, approver, head):
    if state == State.SUBMITTED:
        return application
    application = workflow.application_accept(application=application, actor=approver)
    if state == State.ACCEPTED:
        return application
    if state == State.IN_REVIEW:
        return workflow.application_start_review(application=application, actor=approver)
    if state == State.CORRECTION:
        return workflow.application_request_correction(application=application, actor=approver, items=CORRECTION_ITEMS)
    if state == State.SUSPENDED:
        return workflow.application_suspend(application=application, actor=approver, kind="expert_review", expected_days=10, note="专家评审")
    if state == State.APPROVED:
        return workflow.application_approve(application=application, actor=approver)
    raise AssertionError(state)


# action: (source state, the role that may, a role that may not, kwargs)
CASES = {
    "accept": (State.SUBMITTED, "approver", "applicant", {}),
    "not_accept": (State.SUBMITTED, "approver", "applicant", {"note": "不属于本部门职责"}),
    "start_review": (State.ACCEPTED, "approver", "clerk", {}),
    "request_correction": (State.IN_REVIEW, "approver", "applicant", {"items": CORRECTION_ITEMS}),
    "resubmit": (State.CORRECTION, "applicant", "approver", {}),
    "suspend": (State.IN_REVIEW, "approver", "applicant", {"kind": "expert_review", "expected_days": 10, "note": "需要专家评审"}),
    "resume": (State.SUSPENDED, "approver", "applicant", {}),
    "extend": (State.IN_REVIEW, "head", "approver", {"days": 3, "note": "情况复杂"}),
    "approve": (State.IN_REVIEW, "approver", "applicant", {}),
    "deny": (State.IN_REVIEW, "approver", "applicant", {"note": "不符合条件"}),
    "withdraw": (State.IN_REVIEW, "applicant", "approver", {}),
}
WRONG_STATE = {
    "accept": State.IN_REVIEW, "not_accept": State.ACCEPTED, "start_review": State.SUBMITTED,
    "request_correction": State.APPROVED, "resubmit": State.IN_REVIEW, "suspend": State.SUBMITTED,
    "resume": State.IN_REVIEW, "extend": State.SUBMITTED, "approve": State.SUBMITTED, "deny": State.CORRECTION,
    "withdraw": State.APPROVED,
}


def _call(action, application, actor, kwargs):
    return getattr(workflow, f"application_{action}")(application=application, actor=actor, **kwargs)


@pytest.fixture
def cast(applicant, approver, head, other_approver, clerk, outsider):
    return {"applicant": applicant, "approver": approver, "head": head, "other": other_approver,
            "clerk": clerk, "outsider": outsider, "anonymous": AnonymousUser()}


@pytest.mark.parametrize("action", CASES)
def test_the_right_role_makes_each_transition_with_one_event(action, submitted, cast):
    source, role, _wrong, kwargs = CASES[action]
    application = _bring_to(source, submitted, applicant=cast["applicant"], approver=cast["approver"], head=cast["head"])
    before = ApplicationEvent.objects.filter(application=application).count()
    result = _call(action, application, cast[role], kwargs)
    events = ApplicationEvent.objects.filter(application=application)
    assert events.count() == before + 1
    last = events.last()
    assert (last.action, last.from_state, last.to_state, last.actor) == (action, source, result.state, cast[role])


@pytest.mark.parametrize("action", CASES)
@pytest.mark.parametrize("who", ["wrong_role", "other", "outsider", "anonymous"])
def test_everyone_else_is_refused_each_transition(action, who, submitted, cast):
    source, _role, wrong, kwargs = CASES[action]
    application = _bring_to(source, submitted, applicant=cast["applicant"], approver=cast["approver"], head=cast["head"])
    actor = cast[wrong] if who == "wrong_role" else cast[who]
    before = ApplicationEvent.objects.filter(application=application).count()
    with pytest.raises(PermissionDenied):
        _call(action, application, actor, kwargs)
    application.refresh_from_db()
    assert application.state == source
    assert ApplicationEvent.objects.filter(application=application).count() == before


@pytest.mark.parametrize("action", CASES)
def test_each_transition_is_refused_from_a_wrong_state(action, submitted, cast):
    _source, role, _wrong, kwargs = CASES[action]
    state = WRONG_STATE[action]
    application = _bring_to(state, submitted, applicant=cast["applicant"], approver=cast["approver"], head=cast["head"])
    before = ApplicationEvent.objects.filter(application=application).count()
    with pytest.raises(ValidationError):
        _call(action, application, cast[role], kwargs)
    application.refresh_from_db()
    assert application.state == state
    assert ApplicationEvent.objects.filter(application=application).count() == before


def test_a_submission_appends_one_event_and_gets_a_tracking_number(draft, applicant):
    application = workflow.application_submit(application=draft, actor=applicant, declaration=True)
    assert application.state == State.SUBMITTED
    # The department's code, the year and a six-digit number from the year's sequence (a
    # PostgreSQL sequence is not rolled back with a test, so the number is not always 1).
    assert re.fullmatch(r"HLD-2026-\d{6}", application.tracking_number)
    assert len(application.query_code) == 8
    assert list(application.events.values_list("action", flat=True)) == ["submit"]


def test_others_cannot_submit_my_draft(draft, outsider, approver):
    for actor in (outsider, approver, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            workflow.application_submit(application=draft, actor=actor, declaration=True)
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_a_reason_is_required_where_the_applicant_deserves_one(submitted, approver):
    with pytest.raises(ValidationError) as info:
        workflow.application_not_accept(application=submitted, actor=approver, note="  ")
    assert "note" in info.value.message_dict
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_resubmission_returns_the_application_to_where_it_was(submitted, approver, applicant):
    application = workflow.application_accept(application=submitted, actor=approver)
    application = workflow.application_start_review(application=application, actor=approver)
    application = workflow.application_request_correction(application=application, actor=approver, items=CORRECTION_ITEMS)
    assert application.state == State.CORRECTION
    application = workflow.application_resubmit(application=application, actor=applicant)
    assert application.state == State.IN_REVIEW


def test_a_correction_notice_lists_every_item_at_once(submitted, approver):
    items = CORRECTION_ITEMS + [{"name": "营业执照", "problem": "缺少", "remedy": "补充上传"}]
    application = workflow.application_request_correction(application=submitted, actor=approver, items=items)
    notice = application.corrections.get()
    assert [i["name"] for i in notice.items] == ["经营场所证明", "营业执照"]
    with pytest.raises(ValidationError):
        workflow.application_request_correction(application=application, actor=approver, items=[])
