"""No approval beyond the list, for bundles, on every channel; and one visit for a bundle at the window."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from approvals.bundles import bundle_submit
from approvals.models import Application, BundleApplication, Visit
from approvals import services as workflow
from approvals.window.services import window_bundle_intake, window_resubmit
from services.bundles import BundleNotOnList, bundle_retire
from tests.approvals.conftest import NOW
from tests.services.factories import publish


@pytest.fixture
def retired(business):
    bundle_retire(actor=None, bundle=business.bundle)
    publish("企业开办一件事下线")
    return business


def _refused(call):
    with translation.override("en"), pytest.raises(BundleNotOnList) as refused:
        call()
    assert refused.value.reason == BundleNotOnList.RETIRED
    assert "Opening a business" in refused.value.messages[0]
    assert "no longer accepts applications" in refused.value.messages[0]
    assert not BundleApplication.objects.exists() and not Application.objects.exists()


def test_it_refuses_a_retired_bundle_online(retired, applicant):
    _refused(
        lambda: bundle_submit(
            actor=applicant,
            bundle_code="BDL-BIZ",
            answers=retired.answers(applicant),
            uploads=retired.uploads(),
            declaration=True,
        )
    )


def test_it_refuses_a_retired_bundle_at_the_window(retired, applicant, clerk):
    _refused(
        lambda: window_bundle_intake(
            clerk=clerk,
            person=applicant.person,
            bundle_code="BDL-BIZ",
            answers=retired.answers(applicant),
            uploads=retired.uploads(),
            declaration=True,
            at=NOW,
        )
    )
    assert not Visit.objects.exists()


def test_it_refuses_a_retired_bundle_through_a_departmental_system(retired, applicant, outsider):
    _refused(
        lambda: bundle_submit(
            actor=outsider,
            bundle_code="BDL-BIZ",
            answers=retired.answers(applicant),
            uploads=retired.uploads(),
            declaration=True,
            person=applicant.person,
            channel=Application.Channel.API,
        )
    )


def test_a_bundle_taken_in_at_the_window_counts_one_visit(business, applicant, clerk):
    bundle = window_bundle_intake(
        clerk=clerk,
        person=applicant.person,
        bundle_code="BDL-BIZ",
        answers=business.answers(applicant),
        uploads=business.uploads(),
        declaration=True,
        at=NOW,
    )

    assert bundle.channel == Application.Channel.WINDOW and bundle.clerk == clerk
    assert bundle.members.count() == 5
    assert all(m.channel == Application.Channel.WINDOW for m in bundle.members.all())
    assert Visit.objects.filter(person=applicant.person).count() == 1
    visit = Visit.objects.get()
    assert visit.bundle == bundle and not visit.violation and visit.number == 1
    assert not Visit.objects.filter(application__bundle=bundle).exists()


def test_a_second_visit_about_a_member_counts_the_bundles_visit(business, applicant, clerk):
    bundle = window_bundle_intake(
        clerk=clerk,
        person=applicant.person,
        bundle_code="BDL-BIZ",
        answers=business.answers(applicant),
        uploads=business.uploads(),
        declaration=True,
        at=NOW,
    )
    registration = workflow.application_request_correction(
        application=business.member(bundle, "REG"),
        actor=business.approvers["REG"],
        items=[{"name": "股东会决议", "problem": "缺少签字"}],
    )
    with pytest.raises(ValidationError) as refused:
        window_resubmit(application=registration, clerk=clerk, at=NOW)
    assert "reason" in refused.value.message_dict

    window_resubmit(application=registration, clerk=clerk, reason="申请人自愿到窗口补正", at=NOW)
    second = Visit.objects.get(application=registration)
    assert (second.number, second.allowed, second.violation) == (2, 1, True)


def test_a_bundle_of_fully_online_items_taken_in_at_the_window_needs_a_reason(business, applicant, clerk):
    from services.bundles import MemberInput, bundle_create
    from tests.services.factories import make_item

    # Two fully online items (no visit needed): a visit is one more than they allow.
    for code in ("ONL-001", "ONL-002"):
        make_item(business.departments["TAX"], code=code, audience="person", fields=[], materials=[])
    bundle_create(
        actor=None,
        code="BDL-ONL",
        department=business.departments["TAX"],
        terms={"name_zh": "全程网办一件事", "name_en": "Fully online", "event": business.event, "promised_limit_days": 5},
        members=[MemberInput("ONL-001"), MemberInput("ONL-002")],
    )
    publish()
    intake = {
        "clerk": clerk, "person": applicant.person, "bundle_code": "BDL-ONL", "answers": {}, "uploads": {},
        "declaration": True, "at": NOW,
    }
    with pytest.raises(ValidationError) as refused:
        window_bundle_intake(**intake)
    assert "reason" in refused.value.message_dict
    assert not Application.objects.exists() and not Visit.objects.exists()

    bundle = window_bundle_intake(**intake, reason="申请人不会使用手机")
    visit = Visit.objects.get()
    assert visit.bundle == bundle and visit.violation and visit.reason == "申请人不会使用手机"
