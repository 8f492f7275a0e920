"""Suspend, revoke and reinstate by the issuing department's staff; expiry by the nightly task."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from licences import services
from licences.models import Licence, LicenceEvent
from licences.tasks import expire_licences, issue_licence
from portal.models import Message
from tests.licences.conftest import NOW


@pytest.fixture
def licence(approved):
    issue_licence.delay(approved.pk)
    return Licence.objects.get(application=approved)


def test_the_approver_suspends_with_a_reason_and_the_holder_is_told(licence, approver, applicant):
    services.licence_suspend(licence=licence, actor=approver, reason="  整改期间  暂停 ")

    licence.refresh_from_db()
    assert licence.status == Licence.Status.SUSPENDED and licence.status_reason == "整改期间 暂停"
    event = licence.events.latest("id")
    assert (event.action, event.from_status, event.actor) == (LicenceEvent.Action.SUSPENDED, "valid", approver)
    assert Message.objects.filter(recipient=applicant, body__contains="整改期间").exists()


def test_revoking_needs_a_reason(licence, head):
    with pytest.raises(ValidationError) as caught:
        services.licence_revoke(licence=licence, actor=head, reason="  ")
    assert "reason" in caught.value.message_dict
    licence.refresh_from_db()
    assert licence.status == Licence.Status.VALID


def test_revocation_is_final(licence, head, applicant):
    services.licence_revoke(licence=licence, actor=head, reason="以欺骗手段取得")
    assert Message.objects.filter(recipient=applicant, subject__contains="已被吊销", body__contains="以欺骗手段取得").exists()

    with pytest.raises(ValidationError, match="revoked"):
        services.licence_reinstate(licence=licence, actor=head)
    with pytest.raises(ValidationError):
        services.licence_suspend(licence=licence, actor=head, reason="再次")


def test_reinstating_lifts_a_suspension(licence, approver):
    services.licence_suspend(licence=licence, actor=approver, reason="整改")
    services.licence_reinstate(licence=licence, actor=approver, note="整改完成")

    licence.refresh_from_db()
    assert licence.status == Licence.Status.VALID and licence.status_reason == ""
    assert [e.action for e in licence.events.order_by("id")] == ["issued", "suspended", "reinstated"]


def test_only_the_issuing_department_s_approvers_and_heads_may_change_it(licence, other_approver, applicant):
    from portal.models import StaffRole
    from tests.factories import staff

    for outsider in [other_approver, applicant, staff(StaffRole.Role.SUPERVISOR), staff(StaffRole.Role.CLERK)]:
        with pytest.raises(PermissionDenied):
            services.licence_suspend(licence=licence, actor=outsider, reason="无权")
    licence.refresh_from_db()
    assert licence.status == Licence.Status.VALID


def test_the_nightly_task_marks_expired_licences_and_tells_the_holder(item, business_licence, applicant, approver, seal):
    from tests.licences.conftest import approve

    business_licence.validity_months = 1
    business_licence.save()
    issue_licence.delay(approve(item.code, applicant, approver).pk)
    licence = Licence.objects.get()
    assert licence.valid_until == datetime.date(2026, 12, 25)

    with time_machine.travel(datetime.datetime(2026, 12, 25, 23, 0, tzinfo=NOW.tzinfo), tick=False):
        assert expire_licences.delay().get() == 0
    with time_machine.travel(datetime.datetime(2026, 12, 26, 0, 10, tzinfo=NOW.tzinfo), tick=False):
        assert expire_licences.delay().get() == 1
        assert expire_licences.delay().get() == 0  # once

    licence.refresh_from_db()
    assert licence.status == Licence.Status.EXPIRED
    assert licence.events.latest("id").action == LicenceEvent.Action.EXPIRED
    assert Message.objects.filter(recipient=applicant, subject__contains="已过期", link=f"/me/licences/{licence.number}/").exists()


def test_a_suspension_lifted_after_the_last_day_leaves_it_expired(item, business_licence, applicant, approver, seal):
    from tests.licences.conftest import approve

    business_licence.validity_months = 1
    business_licence.save()
    issue_licence.delay(approve(item.code, applicant, approver).pk)
    licence = Licence.objects.get()
    services.licence_suspend(licence=licence, actor=approver, reason="整改")

    with time_machine.travel(datetime.datetime(2027, 1, 5, 10, 0, tzinfo=NOW.tzinfo), tick=False):
        services.licence_reinstate(licence=licence, actor=approver)
    licence.refresh_from_db()
    assert licence.status == Licence.Status.EXPIRED
