"""A bundle's tracking number at /track/: its items and their states, and nothing personal."""

from django.urls import reverse

from approvals import services as workflow
from approvals.bundles import bundle_submit


def test_a_bundle_is_tracked_by_its_number_and_query_code(business, applicant, english):
    bundle = bundle_submit(
        actor=applicant,
        bundle_code="BDL-BIZ",
        answers=business.answers(applicant),
        uploads=business.uploads(),
        declaration=True,
    )
    workflow.application_accept(application=business.member(bundle, "REG"), actor=business.approvers["REG"])

    page = english.post(reverse("track"), {"tracking_number": bundle.tracking_number, "query_code": bundle.query_code})

    assert page.status_code == 200
    body = page.content.decode()
    assert bundle.tracking_number in body and "Opening a business" in body
    for member in bundle.members.exclude(state="draft"):
        assert member.tracking_number in body
    assert "Waiting: starts when “" in body  # seal engraving waits for registration
    assert "Accepted. The department is working on it." in body
    assert applicant.person.real_name not in body and applicant.person.resident_id not in body
    assert bundle.query_code not in body


def test_a_wrong_query_code_finds_nothing(business, applicant, english):
    bundle = bundle_submit(
        actor=applicant,
        bundle_code="BDL-BIZ",
        answers=business.answers(applicant),
        uploads=business.uploads(),
        declaration=True,
    )
    page = english.post(reverse("track"), {"tracking_number": bundle.tracking_number, "query_code": "ZZZZZZZZ"})
    assert page.status_code == 200
    assert "We could not find an application" in page.content.decode()
