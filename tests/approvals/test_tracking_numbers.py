"""Tracking numbers: CITY-YYYY-NNNNNN, unique, from a sequence per year on PostgreSQL that
carries on from the numbers the year's counter row gave out before it."""

import re

import pytest
from django.db import connection

from approvals import services as workflow
from approvals.models import TrackingCounter
from tests.approvals.conftest import fill
from tests.conftest import is_postgres

pytestmark = pytest.mark.django_db


def test_it_numbers_submissions_in_order_within_the_year(item, applicant):
    numbers = [
        workflow.application_submit(
            application=fill(workflow.application_start(actor=applicant, item_code=item.code), applicant),
            actor=applicant,
            declaration=True,
        ).tracking_number
        for _ in range(3)
    ]
    assert all(re.fullmatch(r"HLD-2026-\d{6}", number) for number in numbers)
    serials = [int(number.rsplit("-", 1)[1]) for number in numbers]
    assert serials == sorted(serials) and len(set(serials)) == 3


def test_the_years_sequence_starts_after_the_counter_rows_numbers(draft, applicant):
    if not is_postgres():
        pytest.skip("the sequence is PostgreSQL's")
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute("DROP SEQUENCE IF EXISTS approvals_tracking_2026")
    TrackingCounter.objects.create(year=2026, last=41)
    submitted = workflow.application_submit(application=draft, actor=applicant, declaration=True)
    assert submitted.tracking_number == "HLD-2026-000042"
