"""Every rule of who may do what is a row of the transition table: the window
decides on acceptance only where the department lets it, and asks for
corrections only before acceptance; the head extends once, up to the
statutory limit. The workflow calls the handlers other apps register."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from approvals import hooks
from approvals import services as workflow
from approvals.workflow import TRANSITIONS, Action, Actor, State, permitted_actors, refusal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_the_table_says_where_the_window_decides():
    assert TRANSITIONS[Action.ACCEPT].clerk_needs_window
    assert TRANSITIONS[Action.NOT_ACCEPT].clerk_needs_window
    assert TRANSITIONS[Action.REQUEST_CORRECTION].clerk_sources == (State.SUBMITTED,)
    assert TRANSITIONS[Action.EXTEND].once_flag == "extended"


def test_a_clerk_is_not_granted_where_the_department_decides_itself(submitted, department):
    kinds = {Actor.CLERK}
    assert permitted_actors(TRANSITIONS[Action.ACCEPT], kinds, submitted) == {Actor.CLERK}
    department.accepts_at_window = False
    department.save()
    submitted.refresh_from_db()
    assert permitted_actors(TRANSITIONS[Action.ACCEPT], kinds, submitted) == set()
    assert permitted_actors(TRANSITIONS[Action.APPROVE], {Actor.APPROVER}, submitted) == {Actor.APPROVER}


def test_a_clerk_asks_for_corrections_only_before_acceptance(submitted, approver):
    table = TRANSITIONS[Action.REQUEST_CORRECTION]
    assert permitted_actors(table, {Actor.CLERK}, submitted) == {Actor.CLERK}
    accepted = workflow.application_accept(application=submitted, actor=approver)
    assert permitted_actors(table, {Actor.CLERK}, accepted) == set()
    assert permitted_actors(table, {Actor.APPROVER}, accepted) == {Actor.APPROVER}


def test_the_extension_is_refused_by_the_table_once_given(submitted, approver, head):
    application = workflow.application_accept(application=submitted, actor=approver)
    assert refusal(TRANSITIONS[Action.EXTEND], application) is None
    assert Action.EXTEND in workflow.allowed_actions(head, application)
    application = workflow.application_extend(application=application, actor=head, days=2, note="复杂")
    assert refusal(TRANSITIONS[Action.EXTEND], application)
    assert Action.EXTEND not in workflow.allowed_actions(head, application)
    with pytest.raises(ValidationError, match="already extended once"):
        workflow.application_extend(application=application, actor=head, days=1, note="再延")
    with pytest.raises(PermissionDenied):
        workflow.application_extend(application=application, actor=approver, days=1, note="再延")


def test_it_refuses_an_extension_before_the_clock_runs(submitted):
    assert "not possible" in refusal(TRANSITIONS[Action.EXTEND], submitted)


def test_an_approval_calls_the_registered_handlers_in_its_transaction(submitted, approver):
    seen = []

    def handler(application):
        seen.append((application.pk, application.state))

    hooks.on_application_approved(handler)
    hooks.on_application_approved(handler)  # twice is harmless
    try:
        accepted = workflow.application_accept(application=submitted, actor=approver)
        workflow.application_approve(application=accepted, actor=approver)
    finally:
        hooks._approved.remove(handler)
    assert seen == [(submitted.pk, State.APPROVED)]


def test_approvals_imports_nothing_from_licenses():
    import ast
    from pathlib import Path

    root = Path(workflow.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if any(name == "licenses" or name.startswith("licenses.") for name in names):
                offenders.append(str(path.relative_to(root)))
    assert offenders == []
