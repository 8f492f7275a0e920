"""Suspend, revoke and reinstate by the issuing department's staff; expiry by the nightly task."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from licenses import services
from licenses.models import License, LicenseEvent
from licenses.tasks import expire_licenses, issue_license
from portal.models import Message
from tests.licenses.conftest import NOW


@pytest.fixture
def license(approved):
    issue_license.delay(approved.pk)
    return License.objects.get(application=approved)


def test_the_approver_suspends_with_a_reason_and_the_holder_is_told(license, approver, applicant):
    services.license_suspend(license=license, actor=approver, reason="  整改期间  暂停 ")

    license.refresh_from_db()
    assert license.status == License.Status.SUSPENDED and license.status_reason == "整改期间 暂停"
    event = license.events.latest("id")
    assert (event.action, event.from_status, event.actor) == (LicenseEvent.Action.SUSPENDED, "valid", approver)
    assert Message.objects.filter(recipient=applicant, body__contains="整改期间").exists()


def test_revoking_needs_a_reason(license, head):
    with pytest.raises(ValidationError) as caught:
        services.license_revoke(license=license, actor=head, reason="  ")
    assert "reason" in caught.value.message_dict
    license.refresh_from_db()
    assert license.status == License.Status.VALID


def test_revocation_is_final(license, head, applicant):
    services.license_revoke(license=license, actor=head, reason="以欺骗手段取得")
    assert Message.objects.filter(recipient=applicant, subject__contains="已被吊销", body__contains="以欺骗手段取得").exists()

    with pytest.raises(ValidationError, match="revoked"):
        services.license_reinstate(license=license, actor=head)
    with pytest.raises(ValidationError):
        services.license_suspend(license=license, actor=head, reason="再次")


def test_reinstating_lifts_a_suspension(license, approver):
    services.license_suspend(license=license, actor=approver, reason="整改")
    services.license_reinstate(license=license, actor=approver, note="整改完成")

    license.refresh_from_db()
    assert license.status == License.Status.VALID and license.status_reason == ""
    assert [e.action for e in license.events.order_by("id")] == ["issued", "suspended", "reinstated"]


def test_only_the_issuing_department_s_approvers_and_heads_may_change_it(license, other_approver, applicant):
    from portal.models import StaffRole
    from tests.factories import staff

    for outsider in [other_approver, applicant, staff(StaffRole.Role.SUPERVISOR), staff(StaffRole.Role.CLERK)]:
        with pytest.raises(PermissionDenied):
            services.license_suspend(license=license, actor=outsider, reason="无权")
    license.refresh_from_db()
    assert license.status == License.Status.VALID


def test_the_nightly_task_marks_expired_licenses_and_tells_the_holder(item, business_license, applicant, approver, seal):
    from tests.licenses.conftest import approve

    business_license.validity_months = 1
    business_license.save()
    issue_license.delay(approve(item.code, applicant, approver).pk)
    license = License.objects.get()
    assert license.valid_until == datetime.date(2026, 12, 25)

    with time_machine.travel(datetime.datetime(2026, 12, 25, 23, 0, tzinfo=NOW.tzinfo), tick=False):
        assert expire_licenses.delay().get() == 0
    with time_machine.travel(datetime.datetime(2026, 12, 26, 0, 10, tzinfo=NOW.tzinfo), tick=False):
        assert expire_licenses.delay().get() == 1
        assert expire_licenses.delay().get() == 0  # once

    license.refresh_from_db()
    assert license.status == License.Status.EXPIRED
    assert license.events.latest("id").action == LicenseEvent.Action.EXPIRED
    assert Message.objects.filter(recipient=applicant, subject__contains="已过期", link=f"/me/licenses/{license.number}/").exists()


def test_a_suspension_lifted_after_the_last_day_leaves_it_expired(item, business_license, applicant, approver, seal):
    from tests.licenses.conftest import approve

    business_license.validity_months = 1
    business_license.save()
    issue_license.delay(approve(item.code, applicant, approver).pk)
    license = License.objects.get()
    services.license_suspend(license=license, actor=approver, reason="整改")

    with time_machine.travel(datetime.datetime(2027, 1, 5, 10, 0, tzinfo=NOW.tzinfo), tick=False):
        services.license_reinstate(license=license, actor=approver)
    license.refresh_from_db()
    assert license.status == License.Status.EXPIRED
