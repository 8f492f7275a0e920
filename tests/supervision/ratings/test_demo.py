"""The demo seeds ratings good and bad, a bad-rating case called back with its fix
pending, a window rating and a complaint; a second run adds nothing.

Today is Thursday 26 November 2026: the ratings and the complaint fall in the last
half month that ended (1 to 15 November), and the cases' fix limits still lie ahead."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from supervision.ratings.models import Case, CaseState, Complaint, Level, Rating
from supervision.ratings.sweep import sweep_cases

from tests.demo_world import demo_world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_ratings_a_case_in_progress_and_a_complaint(demo_world, frozen_time):
    out = demo_world  # what seeding the world printed
    assert "demo ratings:" in out, out
    assert Rating.objects.filter(level__gte=3).exists() and Rating.objects.filter(level__lte=2).exists()
    assert Case.objects.filter(state=CaseState.CALLED_BACK, rating__isnull=False).exists()
    assert Complaint.objects.count() == 1
    counts = (Rating.objects.count(), Case.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Rating.objects.count(), Case.objects.count()) == counts


def test_the_ratings_fall_in_the_last_half_month_and_no_case_is_late(demo_world, frozen_time):
    by_application = {
        r.application.item_version.item.code: r for r in Rating.objects.filter(application__isnull=False)
    }
    # Each rated on the day of its decision: the instant registration and the late change.
    good = by_application["MKT-001"]
    assert (good.level, good.rated_on) == (Level.VERY_SATISFIED, date(2026, 11, 3))
    bad = by_application["MKT-002"]
    assert (bad.level, bad.rated_on, bad.real_name) == (Level.DISSATISFIED, date(2026, 11, 13), True)
    complaint = Complaint.objects.get()
    assert (complaint.department.code, complaint.filed_on) == ("housing", date(2026, 11, 13))
    for case in (bad.case, complaint.case):
        case.refresh_from_db()
        # Called back the same day; the fix is due 15 working days after Friday 13 November.
        assert case.state == CaseState.CALLED_BACK and timezone.localdate(case.callback_at) == date(2026, 11, 13)
        assert (case.callback_due, case.fix_due) == (date(2026, 11, 16), date(2026, 12, 4))
    assert sweep_cases(at=frozen_time)["escalations"] == 0
