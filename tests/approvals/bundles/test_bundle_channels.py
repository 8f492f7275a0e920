"""No approval beyond the list, for bundles, on every channel; and one visit for a bundle at the window."""

import pytest
from django.utils import translation

from approvals.bundles import bundle_submit
from approvals.models import Application, BundleApplication, Visit
from approvals.window.services import window_bundle_intake
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
