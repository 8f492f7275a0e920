"""One notice for the corrections, one result, and the bundle's clock over National Day."""

import pytest
import time_machine

from approvals import services as workflow
from approvals.bundles import BUNDLE_NOTICE_QUIET, bundle_clock, bundle_corrections_tell, bundle_submit, bundle_summary
from approvals.models import BundleApplication, BundleNotice
from approvals.workflow import State
from deadlines.workdays import SLA
from portal.models import Message
from tests.approvals.bundles.conftest import Business
from tests.approvals.conftest import at


@pytest.fixture
def published_in_september(department):
    """The same world, its list published on 1 September 2026, before the holiday."""
    with time_machine.travel(at(2026, 9, 1, 9), tick=False):
        return Business(department)


def submit(business, applicant, when):
    return bundle_submit(
        actor=applicant,
        bundle_code="BDL-BIZ",
        answers=business.answers(applicant),
        uploads=business.uploads(),
        declaration=True,
        at=when,
    )


def test_two_corrections_at_once_reach_the_applicant_as_one_notice_listing_both(business, applicant):
    bundle = submit(business, applicant, at(2026, 11, 26, 10))
    Message.objects.all().delete()
    asked = at(2026, 11, 26, 11)
    workflow.application_request_correction(
        application=business.member(bundle, "REG"),
        actor=business.approvers["REG"],
        items=[{"name": "股东会决议", "problem": "缺少全体股东签字"}],
        at=asked,
    )
    workflow.application_request_correction(
        application=business.member(bundle, "TAX"),
        actor=business.approvers["TAX"],
        items=[{"name": "财务负责人信息", "problem": "未填写联系电话"}],
        at=asked,
    )
    assert not Message.objects.exists()  # not one by one
    assert bundle_corrections_tell(at=asked + BUNDLE_NOTICE_QUIET / 2) == []  # still gathering

    notices = bundle_corrections_tell(at=asked + BUNDLE_NOTICE_QUIET)

    assert len(notices) == 1 and BundleNotice.objects.count() == 1
    listed = {entry["tracking_number"] for entry in notices[0].items}
    assert listed == {business.member(bundle, "REG").tracking_number, business.member(bundle, "TAX").tracking_number}
    message = Message.objects.get(recipient=applicant)
    assert "股东会决议" in message.body and "财务负责人信息" in message.body
    assert bundle.tracking_number in message.subject
    # Told once: running again tells nothing new.
    assert bundle_corrections_tell(at=asked + 2 * BUNDLE_NOTICE_QUIET) == []
    assert Message.objects.count() == 1


def _decide(business, bundle, key, when):
    member = business.member(bundle, key)
    approver = business.approvers[key]
    if member.state == State.SUBMITTED:
        member = workflow.application_accept(application=member, actor=approver, at=when)
    return workflow.application_approve(application=member, actor=approver, at=when)


def test_the_bundles_clock_runs_in_working_days_over_national_day(published_in_september, applicant):
    business = published_in_september
    # Wednesday 30 September 2026: accepted the day before the National Day holiday (1 to 7 October).
    with time_machine.travel(at(2026, 9, 30, 9), tick=False):
        bundle = submit(business, applicant, at(2026, 9, 30, 9))
        for key in ("REG", "TAX", "SOC", "BANK"):
            workflow.application_accept(
                application=business.member(bundle, key), actor=business.approvers[key], at=at(2026, 9, 30, 10)
            )
    bundle.refresh_from_db()
    clock = bundle_clock(bundle, today=at(2026, 10, 5).date())
    # 2 working days after 30 September: Thursday 8 and Friday 9 October (not 2 October).
    assert clock.started_on.isoformat() == "2026-09-30"
    assert clock.due_on.isoformat() == "2026-10-09"
    assert clock.days_used == 0 and clock.status == SLA.ON_TIME  # the holiday does not count
    assert bundle_clock(bundle, today=at(2026, 10, 8).date()).status == SLA.DUE_SOON

    with time_machine.travel(at(2026, 10, 8, 10), tick=False):
        _decide(business, bundle, "REG", at(2026, 10, 8, 10))  # the seal starts now
    with time_machine.travel(at(2026, 10, 9, 15), tick=False):
        for key in ("SEAL", "TAX", "SOC", "BANK"):
            _decide(business, bundle, key, at(2026, 10, 9, 15))

    bundle.refresh_from_db()
    assert bundle.state == BundleApplication.State.COMPLETE
    clock = bundle_clock(bundle, today=at(2026, 10, 20).date())
    assert clock.finished_on.isoformat() == "2026-10-09"
    assert clock.days_used == 2 and clock.status == SLA.ON_TIME and clock.on_time
    summary = bundle_summary(bundle, today=at(2026, 10, 20).date())
    assert summary.complete and [m.application.state for m in summary.members] == [State.APPROVED] * 5


def test_a_bundle_decided_on_the_adjusted_saturday_is_late(published_in_september, applicant):
    business = published_in_september
    with time_machine.travel(at(2026, 9, 30, 9), tick=False):
        bundle = submit(business, applicant, at(2026, 9, 30, 9))
        for key in ("REG", "TAX", "SOC", "BANK"):
            workflow.application_accept(
                application=business.member(bundle, key), actor=business.approvers[key], at=at(2026, 9, 30, 10)
            )
    with time_machine.travel(at(2026, 10, 9, 10), tick=False):
        for key in ("REG", "TAX", "SOC", "BANK"):
            _decide(business, bundle, key, at(2026, 10, 9, 10))
    bundle.refresh_from_db()
    assert bundle.state == BundleApplication.State.SUBMITTED  # the seal is still open
    # Saturday 10 October 2026 is a working day (调休): the third working day, one too many.
    with time_machine.travel(at(2026, 10, 10, 11), tick=False):
        _decide(business, bundle, "SEAL", at(2026, 10, 10, 11))
    bundle.refresh_from_db()
    clock = bundle_clock(bundle, today=at(2026, 10, 12).date())
    assert clock.finished_on.isoformat() == "2026-10-10"
    assert clock.days_used == 3 and clock.status == SLA.OVERDUE and not clock.on_time
