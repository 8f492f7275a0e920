"""The demo seeds ratings good and bad, a bad-rating case called back with its fix
pending, a window rating and a complaint; a second run adds nothing."""

import io

import pytest
from django.core.management import call_command

from supervision.ratings.models import Case, CaseState, Complaint, Rating

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_ratings_a_case_in_progress_and_a_complaint(settings):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "demo ratings:" in out.getvalue(), out.getvalue()
    assert Rating.objects.filter(level__gte=3).exists() and Rating.objects.filter(level__lte=2).exists()
    assert Case.objects.filter(state=CaseState.CALLED_BACK, rating__isnull=False).exists()
    assert Complaint.objects.count() == 1
    counts = (Rating.objects.count(), Case.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Rating.objects.count(), Case.objects.count()) == counts
