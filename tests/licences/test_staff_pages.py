"""/staff/licences/: the issuing department's approvers and heads; nobody else."""

import pytest
from django.urls import reverse

from licences.models import Licence
from licences.services import licence_open
from licences.tasks import issue_licence
from portal.models import StaffRole
from tests.factories import staff


@pytest.fixture
def licence(approved):
    issue_licence.delay(approved.pk)
    return Licence.objects.get(application=approved)


def _urls(licence):
    return [
        reverse("staff_licences"),
        reverse("staff_licence", args=[licence.number]),
        reverse("staff_licence_pdf", args=[licence.number]),
        reverse("staff_reissue"),
    ]


def test_the_approver_sees_the_list_the_licence_and_its_document(client, licence, approver):
    client.force_login(approver)
    for url in _urls(licence):
        assert client.get(url).status_code == 200, url
    assert licence.number in client.get(reverse("staff_licences")).content.decode()


def test_the_head_revokes_with_a_reason_from_the_page(client, licence, head):
    client.force_login(head)
    url = reverse("staff_licence_action", args=[licence.number, "revoke"])

    refused = client.post(url, {"revoke-reason": ""})
    assert refused.status_code == 400 and "error-message" in refused.content.decode()
    response = client.post(url, {"revoke-reason": "以欺骗手段取得许可"})
    assert response.status_code == 302
    licence.refresh_from_db()
    assert licence.status == Licence.Status.REVOKED and licence.status_reason == "以欺骗手段取得许可"
    assert "licence-verdict--revoked" in client.get(f"/verify/{licence.number}/").content.decode()


def test_suspend_and_reinstate_from_the_page(client, licence, approver):
    client.force_login(approver)
    client.post(reverse("staff_licence_action", args=[licence.number, "suspend"]), {"suspend-reason": "整改"})
    licence.refresh_from_db()
    assert licence.status == Licence.Status.SUSPENDED
    client.post(reverse("staff_licence_action", args=[licence.number, "reinstate"]), {"reinstate-reason": ""})
    licence.refresh_from_db()
    assert licence.status == Licence.Status.VALID


def test_failing_issuance_is_visible_and_can_be_retried(client, item, applicant, approver, root, seal):
    from unittest import mock

    from licences import services
    from tests.licences.conftest import approve

    application = approve(item.code, applicant, approver)
    pending = licence_open(application_id=application.pk)
    with mock.patch.object(services, "_store", side_effect=OSError("storage unreachable")):
        with pytest.raises(OSError):
            services.licence_produce(licence_id=pending.pk)
    client.force_login(approver)

    listing = client.get(reverse("staff_licences")).content.decode()
    assert "storage unreachable" in listing and pending.number in listing
    detail = client.get(reverse("staff_licence", args=[pending.number])).content.decode()
    assert "storage unreachable" in detail

    from django.db import transaction

    with mock.patch.object(transaction, "on_commit", side_effect=lambda fn, robust=False: fn()):
        client.post(reverse("staff_licence_action", args=[pending.number, "retry"]))
    pending.refresh_from_db()
    assert pending.status == Licence.Status.VALID


def test_another_department_s_approver_gets_nothing(client, licence, other_approver):
    client.force_login(other_approver)
    assert licence.number not in client.get(reverse("staff_licences")).content.decode()
    for url in _urls(licence)[1:3]:
        assert client.get(url).status_code == 404
    assert client.post(reverse("staff_licence_action", args=[licence.number, "revoke"]), {"revoke-reason": "x"}).status_code == 404
    licence.refresh_from_db()
    assert licence.status == Licence.Status.VALID


@pytest.mark.parametrize("role", [None, StaffRole.Role.CLERK, StaffRole.Role.SUPERVISOR, StaffRole.Role.LIST_ADMIN])
def test_citizens_and_other_roles_are_refused(client, licence, role, applicant, department):
    user = applicant if role is None else staff(role, department if role == StaffRole.Role.LIST_ADMIN else None)
    client.force_login(user)
    for url in _urls(licence):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("staff_licence_action", args=[licence.number, "revoke"]), {"revoke-reason": "x"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, licence):
    for url in _urls(licence):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_without_a_second_factor_enrol_first(client, licence, department):
    user = staff(StaffRole.Role.APPROVER, department, mfa=False)
    client.force_login(user)
    response = client.get(reverse("staff_licences"))
    assert response.status_code == 302 and "/accounts/2fa/totp/activate/" in response["Location"]
