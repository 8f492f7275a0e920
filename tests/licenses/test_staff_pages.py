"""/staff/licenses/: the issuing department's approvers and heads; nobody else."""

import pytest
from django.urls import reverse
from django.utils import translation

from licenses.models import License
from licenses.services import license_open
from licenses.tasks import issue_license
from portal.models import StaffRole
from tests.factories import staff
from tests.mfa import sign_in


@pytest.fixture
def license(approved):
    issue_license.delay(approved.pk)
    return License.objects.get(application=approved)


def _urls(license):
    return [
        reverse("staff_licenses"),
        reverse("staff_license", args=[license.number]),
        reverse("staff_license_pdf", args=[license.number]),
        reverse("staff_reissue"),
    ]


def test_the_approver_sees_the_list_the_license_and_its_document(client, license, approver):
    sign_in(client, approver)
    for url in _urls(license):
        assert client.get(url).status_code == 200, url
    assert license.number in client.get(reverse("staff_licenses")).content.decode()


def test_the_head_revokes_with_a_reason_from_the_page(client, license, head):
    sign_in(client, head)
    url = reverse("staff_license_action", args=[license.number, "revoke"])

    refused = client.post(url, {"revoke-reason": ""})
    assert refused.status_code == 400 and "error-message" in refused.content.decode()
    response = client.post(url, {"revoke-reason": "以欺骗手段取得许可"})
    assert response.status_code == 302
    license.refresh_from_db()
    assert license.status == License.Status.REVOKED and license.status_reason == "以欺骗手段取得许可"
    assert "license-verdict--revoked" in client.get(f"/verify/{license.number}/").content.decode()


def test_suspend_and_reinstate_from_the_page(client, license, approver):
    sign_in(client, approver)
    client.post(reverse("staff_license_action", args=[license.number, "suspend"]), {"suspend-reason": "整改"})
    license.refresh_from_db()
    assert license.status == License.Status.SUSPENDED
    client.post(reverse("staff_license_action", args=[license.number, "reinstate"]), {"reinstate-reason": ""})
    license.refresh_from_db()
    assert license.status == License.Status.VALID


def test_failing_issuance_is_visible_and_can_be_retried(client, item, applicant, approver, root, seal):
    from unittest import mock

    from licenses import services
    from tests.licenses.conftest import approve

    application = approve(item.code, applicant, approver)
    pending = license_open(application_id=application.pk)
    with mock.patch.object(services, "_store", side_effect=OSError("storage unreachable")):
        with pytest.raises(OSError):
            services.license_produce(license_id=pending.pk)
    sign_in(client, approver)

    listing = client.get(reverse("staff_licenses")).content.decode()
    assert "storage unreachable" in listing and pending.number in listing
    detail = client.get(reverse("staff_license", args=[pending.number])).content.decode()
    assert "storage unreachable" in detail

    from django.db import transaction

    with mock.patch.object(transaction, "on_commit", side_effect=lambda fn, robust=False: fn()):
        client.post(reverse("staff_license_action", args=[pending.number, "retry"]))
    pending.refresh_from_db()
    assert pending.status == License.Status.VALID


def test_another_department_s_approver_gets_nothing(client, license, other_approver):
    sign_in(client, other_approver)
    assert license.number not in client.get(reverse("staff_licenses")).content.decode()
    for url in _urls(license)[1:3]:
        assert client.get(url).status_code == 404
    assert client.post(reverse("staff_license_action", args=[license.number, "revoke"]), {"revoke-reason": "x"}).status_code == 404
    license.refresh_from_db()
    assert license.status == License.Status.VALID


@pytest.mark.parametrize("role", [None, StaffRole.Role.CLERK, StaffRole.Role.SUPERVISOR, StaffRole.Role.LIST_ADMIN])
def test_citizens_and_other_roles_are_refused(client, license, role, applicant, department):
    user = applicant if role is None else staff(role, department if role == StaffRole.Role.LIST_ADMIN else None)
    sign_in(client, user)
    for url in _urls(license):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("staff_license_action", args=[license.number, "revoke"]), {"revoke-reason": "x"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, license):
    for url in _urls(license):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_without_a_second_factor_enrol_first(client, license, department):
    user = staff(StaffRole.Role.APPROVER, department, mfa=False)
    sign_in(client, user)
    response = client.get(reverse("staff_licenses"))
    assert response.status_code == 302 and "/accounts/2fa/totp/activate/" in response["Location"]


def test_the_status_filter_names_a_license_state(client, license, approver):
    client.cookies["django_language"] = "en"
    sign_in(client, approver)
    response = client.get(reverse("staff_licenses"))
    with translation.override("en"):  # the labels are lazy: read them in the page's language
        assert ("suspended", "suspended") in [(value, str(label)) for value, label in response.context["statuses"]]
    assert '<option value="suspended">suspended</option>' in response.content.decode()


def test_the_seal_usage_log_names_and_links_the_license(client, license, head):
    client.cookies["django_language"] = "en"
    sign_in(client, head)
    page = client.get(reverse("seal_usage")).content.decode()
    link = reverse("staff_license", args=[license.number])
    assert f'<a href="{link}">Electronic license {license.number}</a>' in page
    assert "licenses.license #" not in page and "licenses.issue" not in page
