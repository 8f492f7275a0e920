"""Who may rate what, and when: only the person served, once per application or
visit, within 30 days, never staff about their own department's work; the
window's QR token works once; a bad rating opens a case with its due dates."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals.workflow import State
from supervision.ratings import services
from supervision.ratings.models import Case, Level, Rating
from supervision.ratings.rules import LIMITS
from tests.conftest import NOW
from tests.supervision.conftest import make_application

pytestmark = pytest.mark.django_db


def rate(application, user, level=Level.SATISFIED, **kwargs):
    return services.rating_for_application(application=application, user=user, level=level, at=NOW, **kwargs)


def test_it_lets_the_served_applicant_rate_once(approved, applicant, approver):
    rating = rate(approved, applicant.person.user, tags=["fast"])
    assert (rating.department_id, rating.item_version_id) == (approved.department_id, approved.item_version_id)
    assert rating.staff == approver and rating.channel == "online" and rating.rated_on == NOW.date()
    with pytest.raises(ValidationError):
        rate(approved, applicant.person.user)
    assert Rating.objects.count() == 1


def test_it_refuses_someone_who_was_not_served(approved, outsider):
    with pytest.raises(PermissionDenied):
        rate(approved, outsider)
    assert not Rating.objects.exists()


def test_it_refuses_staff_rating_their_own_work(item, approver):
    own = make_application(
        item, approver, State.APPROVED, due_on=date(2026, 11, 30), assignee=approver, decided_at=NOW
    )
    with pytest.raises(PermissionDenied):
        rate(own, approver)


def test_it_refuses_an_application_not_decided_yet(item, applicant):
    open_application = make_application(item, applicant, State.IN_REVIEW, due_on=date(2026, 12, 3))
    with pytest.raises(ValidationError):
        rate(open_application, applicant.person.user)


def test_it_refuses_after_30_days(item, applicant):
    old = make_application(
        item, applicant, State.APPROVED, due_on=date(2026, 10, 20), decided_at=NOW - timedelta(days=31)
    )
    with pytest.raises(ValidationError):
        rate(old, applicant.person.user)


def test_it_refuses_tags_of_another_level(approved, applicant):
    with pytest.raises(ValidationError) as caught:
        rate(approved, applicant.person.user, level=Level.VERY_SATISFIED, tags=["attitude"])
    assert "tags" in caught.value.message_dict


def test_a_visit_is_rated_once_by_the_person_served(visit, applicant, outsider, clerk):
    with pytest.raises(PermissionDenied):
        services.rating_for_visit(visit=visit, user=outsider, level=Level.SATISFIED, at=NOW)
    with pytest.raises(PermissionDenied):
        services.rating_for_visit(visit=visit, user=clerk, level=Level.SATISFIED, at=NOW)
    rating = services.rating_for_visit(visit=visit, user=applicant.person.user, level=Level.SATISFIED, at=NOW)
    assert rating.channel == "window" and rating.staff == clerk
    with pytest.raises(ValidationError):
        services.rating_for_visit(visit=visit, user=applicant.person.user, level=Level.SATISFIED, at=NOW)


def test_a_window_token_works_once(visit, clerk, applicant):
    token = services.window_token_issue(visit=visit, actor=clerk, at=NOW)
    assert services.visit_for_token(token) == visit
    rating = services.rating_by_token(token=token, level=Level.DISSATISFIED, tags=["slow"], at=NOW)
    assert rating.visit == visit and rating.person == applicant.person and rating.rater is None
    assert services.visit_for_token(token) is None
    with pytest.raises(PermissionDenied):
        services.rating_by_token(token=token, level=Level.SATISFIED, at=NOW)
    assert Rating.objects.count() == 1


def test_only_a_clerk_issues_a_window_token(visit, approver):
    with pytest.raises(PermissionDenied):
        services.window_token_issue(visit=visit, actor=approver, at=NOW)


def test_a_bad_rating_opens_a_case_for_the_department_that_acted(approved, applicant, department):
    rating = rate(approved, applicant.person.user, level=Level.DISSATISFIED, tags=["slow"])
    case = Case.objects.get(rating=rating)
    assert case.department == department and case.state == "open"


def test_a_good_rating_opens_no_case(approved, applicant):
    rate(approved, applicant.person.user, level=Level.FAIRLY_SATISFIED)
    assert not Case.objects.exists()


def test_the_limits_are_one_table():
    assert LIMITS == {"callback": 1, "fix": 15}


def test_a_bad_rating_on_30_september_2026_is_due_after_national_day():
    """National Day 2026: 1–7 October off; Saturday 10 October is an adjusted working day."""
    callback_due, fix_due = services.case_due_dates(date(2026, 9, 30))
    assert callback_due == date(2026, 10, 8)
    # 8, 9, 10 (Sat, adjusted), 12–16, 19–23, 26, 27: the 15th working day.
    assert fix_due == date(2026, 10, 27)
