"""The pages: who gets what. A citizen sees only their own ratings, complaints and
cases; a department's approvers and heads see only their department's cases;
supervisors see all and decide appeals; the window QR page needs no sign-in."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from supervision.ratings import services
from supervision.ratings.models import Case, CaseState, Level, Rating
from tests.conftest import NOW
from tests.mfa import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def bad_case(approved, applicant):
    rating = services.rating_for_application(
        application=approved, user=applicant.person.user, level=Level.DISSATISFIED, tags=["slow"], at=NOW
    )
    return rating.case


def test_the_journey_from_a_bad_rating_to_the_rated_fix(client, approved, applicant, approver, english):
    """A citizen rates an approved application 不满意 with a tag; the department sees the case,
    logs the callback and the fix; the citizen sees the feedback and rates the fix."""
    citizen = applicant.person.user
    sign_in(client, citizen)
    page = client.get(reverse("ratings_rate_application", args=[approved.uid]))
    assert page.status_code == 200 and 'name="level"' in page.text
    response = client.post(
        reverse("ratings_rate_application", args=[approved.uid]),
        {"level": Level.DISSATISFIED, "tags": ["extra_materials"], "comment": "Asked twice for the lease."},
    )
    assert response.status_code == 302
    case = Case.objects.get(rating__application=approved)
    assert case.rating.tags == ["extra_materials"]

    client.logout()
    sign_in(client, approver)
    listing = client.get(reverse("ratings_cases"))
    assert listing.status_code == 200 and reverse("ratings_case", args=[case.pk]) in listing.text
    url = reverse("ratings_case", args=[case.pk])
    detail = client.get(url).text
    assert "Asked twice for the lease." in detail and "王小明" in detail  # a real-name rating: whom to call
    assert client.post(url, {"action": "callback", "result": "Called 王小明; the lease was asked twice."}).status_code == 302
    assert client.post(url, {"action": "fix", "text": "The checklist now names the lease once."}).status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.FIXED and case.callback_by == approver

    client.logout()
    sign_in(client, citizen)
    mine = client.get(reverse("ratings_mine"))
    assert reverse("ratings_mine_case", args=[case.pk]) in mine.text
    feedback = client.get(reverse("ratings_mine_case", args=[case.pk]))
    assert "The checklist now names the lease once." in feedback.text
    assert client.post(reverse("ratings_mine_case", args=[case.pk]), {"level": Level.SATISFIED}).status_code == 302
    case.refresh_from_db()
    assert case.fix_level == Level.SATISFIED
    assert citizen.messages.filter(link=reverse("ratings_mine_case", args=[case.pk])).exists()


def test_a_bad_post_keeps_what_was_typed(client, approved, applicant, english):
    sign_in(client, applicant.person.user)
    response = client.post(
        reverse("ratings_rate_application", args=[approved.uid]),
        {"level": Level.VERY_SATISFIED, "tags": ["attitude"], "comment": "Kept text"},
    )
    assert response.status_code == 200 and "Kept text" in response.text and "error-summary" in response.text
    assert not Rating.objects.exists()


def test_the_rating_page_refuses_outsiders(client, approved, outsider, approver):
    url = reverse("ratings_rate_application", args=[approved.uid])
    assert client.get(url).status_code == 302  # to sign in
    sign_in(client, outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"level": Level.SATISFIED}).status_code == 404
    client.logout()
    sign_in(client, approver)
    assert client.post(url, {"level": Level.SATISFIED}).status_code == 404
    assert not Rating.objects.exists()


def test_a_citizen_cannot_see_anothers_case(client, bad_case, outsider):
    url = reverse("ratings_mine_case", args=[bad_case.pk])
    assert client.get(url).status_code == 302
    sign_in(client, outsider)
    assert client.get(url).status_code == 404
    mine = client.get(reverse("ratings_mine"))
    assert reverse("ratings_mine_case", args=[bad_case.pk]) not in mine.text


@pytest.mark.parametrize("who", ["outsider", "other_approver", "other_head", "clerk"])
def test_outsiders_get_no_case(client, bad_case, who, request):
    user = request.getfixturevalue(who)
    url = reverse("ratings_case", args=[bad_case.pk])
    sign_in(client, user)
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"action": "callback", "result": "x"}).status_code in (403, 404)
    listing = client.get(reverse("ratings_cases"))
    assert listing.status_code in (403, 404) or url not in listing.text
    bad_case.refresh_from_db()
    assert bad_case.callback_at is None


def test_anonymous_visitors_get_no_case(client, bad_case):
    for url in (reverse("ratings_cases"), reverse("ratings_case", args=[bad_case.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/" in response["Location"]


@pytest.mark.parametrize("who", ["approver", "head", "supervisor"])
def test_the_rightful_staff_see_the_case(client, bad_case, who, request):
    sign_in(client, request.getfixturevalue(who))
    assert client.get(reverse("ratings_case", args=[bad_case.pk])).status_code == 200


def test_a_department_appeals_and_a_supervisor_upholds(client, bad_case, approver, supervisor, english):
    url = reverse("ratings_case", args=[bad_case.pk])
    sign_in(client, approver)
    assert client.post(url, {"action": "appeal", "reason": "The applicant rated the wrong office."}).status_code == 302
    assert client.post(url, {"action": "decide", "outcome": "uphold", "decision": "x"}).status_code == 403
    bad_case.rating.refresh_from_db()
    assert bad_case.rating.appeal == "pending"  # an approver cannot decide
    client.logout()
    sign_in(client, supervisor)
    assert "The applicant rated the wrong office." in client.get(url).text
    assert client.post(url, {"action": "decide", "outcome": "uphold", "decision": "Confirmed by the call log."}).status_code == 302
    bad_case.rating.refresh_from_db()
    assert bad_case.rating.appeal == "upheld" and Rating.objects.filter(pk=bad_case.rating.pk).exists()


def test_the_window_qr_rates_a_visit_once_without_signing_in(client, visit, clerk, english):
    sign_in(client, clerk)
    page = client.post(reverse("ratings_window_qr", args=[visit.pk]))
    assert page.status_code == 200 and "<svg" in page.text
    token_url = re.search(r'data-url="([^"]+)"', page.text)
    client.logout()
    assert token_url is not None
    path = token_url.group(1).replace("http://testserver", "")
    assert client.get(path).status_code == 200
    assert client.post(path, {"level": Level.VERY_SATISFIED, "tags": ["fast"]}).status_code == 200
    assert Rating.objects.get().visit == visit
    assert client.get(path).status_code == 404
    assert client.post(path, {"level": Level.SATISFIED}).status_code == 404
    assert Rating.objects.count() == 1


def test_only_clerks_make_a_window_qr(client, visit, approver, outsider):
    url = reverse("ratings_window_qr", args=[visit.pk])
    assert client.post(url).status_code == 302
    for user in (outsider, approver):
        sign_in(client, user)
        assert client.post(url).status_code in (403, 404)
        client.logout()


def test_a_rating_after_30_days_is_refused_on_the_page(client, approved, applicant, english):
    approved.decided_at = NOW - timedelta(days=40)
    approved.save()
    sign_in(client, applicant.person.user)
    page = client.get(reverse("ratings_rate_application", args=[approved.uid]))
    assert page.status_code == 200 and 'name="level"' not in page.text


def test_the_applicants_application_page_links_to_the_rating(client, approved, applicant):
    sign_in(client, applicant.person.user)
    page = client.get(reverse("my_application", args=[approved.uid]))
    assert reverse("ratings_rate_application", args=[approved.uid]) in page.text


def test_my_office_lists_what_waits_for_a_rating(client, approved, visit, applicant, outsider):
    sign_in(client, applicant.person.user)
    page = client.get(reverse("ratings_mine")).text
    assert reverse("ratings_rate_application", args=[approved.uid]) in page
    assert reverse("ratings_rate_visit", args=[visit.pk]) in page
    client.logout()
    sign_in(client, outsider)
    page = client.get(reverse("ratings_mine")).text
    assert reverse("ratings_rate_application", args=[approved.uid]) not in page
    assert client.get(reverse("ratings_rate_visit", args=[visit.pk])).status_code == 404


def test_the_rate_visit_page_rates_the_visit(client, visit, applicant):
    sign_in(client, applicant.person.user)
    url = reverse("ratings_rate_visit", args=[visit.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"level": Level.SATISFIED, "tags": ["fast"]}).status_code == 302
    assert Rating.objects.get().visit == visit


def test_the_cases_page_shows_the_department_rates(client, bad_case, approver, english):
    sign_in(client, approver)
    page = client.get(reverse("ratings_cases")).text
    assert "Real-name bad ratings called back" in page and "0.0%" in page


def test_an_anonymous_bad_rating_does_not_name_the_rater_to_the_department(client, approved, applicant, approver):
    rating = services.rating_for_application(
        application=approved, user=applicant.person.user, level=Level.VERY_DISSATISFIED, real_name=False, at=NOW
    )
    sign_in(client, approver)
    page = client.get(reverse("ratings_case", args=[rating.case.pk])).text
    assert "王小明" not in page and applicant.email not in page
