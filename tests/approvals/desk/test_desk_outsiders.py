"""Outsiders get nothing from the desk: not the list, not an application, not
the team view, and their POSTs change nothing."""

import pytest
from django.urls import reverse

from approvals import services as workflow
from approvals.models import ApplicationEvent
from approvals.workflow import State
from portal.models import StaffRole
from tests.factories import staff
from tests.mfa import sign_in

pytestmark = pytest.mark.django_db

ACTIONS = {
    "accept": {},
    "not_accept": {"not_accept-note": "不属于本部门职责"},
    "request_correction": {"request_correction-x1_name": "租赁合同", "request_correction-x1_problem": "缺少"},
    "approve": {},
    "deny": {"deny-note": "不符合条件"},
    "extend": {"extend-days": "3", "extend-note": "情况复杂"},
}


def _urls(application):
    return {
        "list": reverse("desk"),
        "detail": reverse("desk_application", args=[application.tracking_number]),
        "team": reverse("desk_team"),
    }


def _assert_nothing_leaks(response, application):
    page = response.content.decode()
    body = page[page.find("<main"):]  # the header echoes the path for the language switch
    assert application.tracking_number not in body
    assert application.applicant_person.real_name not in body


def test_anonymous_visitors_are_sent_to_sign_in(client, submitted):
    for url in _urls(submitted).values():
        response = client.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    for action, data in ACTIONS.items():
        response = client.post(reverse("desk_action", args=[submitted.tracking_number, action]), data)
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


@pytest.mark.parametrize("who", ["outsider", "applicant", "clerk"])
def test_people_without_a_desk_role_are_refused(client, submitted, request, who):
    sign_in(client, request.getfixturevalue(who))
    for url in _urls(submitted).values():
        response = client.get(url)
        assert response.status_code == 403
        _assert_nothing_leaks(response, submitted)
    for action, data in ACTIONS.items():
        response = client.post(reverse("desk_action", args=[submitted.tracking_number, action]), data)
        assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    assert ApplicationEvent.objects.filter(application=submitted).count() == 1


@pytest.mark.parametrize("who", ["other_approver", "other_head"])
def test_another_departments_staff_see_nothing_of_ours(client, submitted, approver, request, who):
    application = workflow.application_accept(application=submitted, actor=approver)
    sign_in(client, request.getfixturevalue(who))
    response = client.get(reverse("desk"))
    assert response.status_code == 200
    _assert_nothing_leaks(response, application)
    assert response.context["page"].rows == []
    # Naming our department in the switcher does not help.
    response = client.get(reverse("desk"), {"department": application.department.code})
    _assert_nothing_leaks(response, application)
    assert client.get(_urls(application)["detail"]).status_code == 404
    for action, data in ACTIONS.items():
        response = client.post(reverse("desk_action", args=[application.tracking_number, action]), data)
        assert response.status_code == 404
    response = client.get(reverse("desk_team"), {"department": application.department.code})
    assert response.status_code == (200 if who == "other_head" else 403)
    _assert_nothing_leaks(response, application)
    if who == "other_head":
        assert response.context["department"] != application.department
        assert approver.email not in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.ACCEPTED and not application.extended
    assert ApplicationEvent.objects.filter(application=application).count() == 2


def test_an_approver_does_not_see_the_team_view(client, approver):
    sign_in(client, approver)
    assert client.get(reverse("desk_team")).status_code == 403


def test_drafts_are_not_on_the_desk(client, draft, approver):
    sign_in(client, approver)
    assert client.get(reverse("desk")).context["page"].rows == []


def test_staff_without_a_second_factor_enrol_first(client, department, submitted):
    approver = staff(StaffRole.Role.APPROVER, department, mfa=False)
    sign_in(client, approver)
    for url in _urls(submitted).values():
        response = client.get(url)
        assert response.status_code == 302 and reverse("mfa_activate_totp") in response["Location"]
    response = client.post(reverse("desk_action", args=[submitted.tracking_number, "accept"]))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
