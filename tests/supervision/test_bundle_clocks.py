"""Supervision's page of bundles: each bundle's clock against its promise, next to its members' limits."""

import pytest
from django.urls import reverse

from approvals import services as workflow
from approvals.bundles import bundle_submit
from tests.approvals.bundles.conftest import Business
from tests.mfa import sign_in


@pytest.fixture
def submitted(department, applicant, frozen_time):
    business = Business(department)
    bundle = bundle_submit(
        actor=applicant, bundle_code="BDL-BIZ", answers=business.answers(applicant), uploads=business.uploads(),
        declaration=True,
    )
    workflow.application_accept(application=business.member(bundle, "REG"), actor=business.approvers["REG"])
    return bundle


def test_the_supervisor_sees_the_bundles_clock_against_its_promise_and_the_members_limits(submitted, supervisor, english):
    sign_in(english, supervisor)
    page = english.get(reverse("supervision_bundles")).content.decode()
    assert "BDL-BIZ" in page and "Opening a business" in page
    assert "MKT-REG: 1" in page and "TAX-REG: 2" in page  # the members' own limits
    assert submitted.tracking_number in page
    assert "0 / 2" in page  # accepted today: no working day used of the 2 promised
    assert reverse("supervision_bundles") in english.get(reverse("supervision_overdue")).content.decode()


def test_citizens_and_approvers_get_nothing(submitted, applicant, approver, client):
    client.force_login(applicant)
    assert client.get(reverse("supervision_bundles")).status_code in (302, 403)
    sign_in(client, approver)
    assert client.get(reverse("supervision_bundles")).status_code == 403
