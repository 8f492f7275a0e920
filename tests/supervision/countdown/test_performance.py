"""/performance/: public and anonymous, aggregates only, from the daily snapshots; cached."""

from datetime import date as D
from datetime import timedelta

import pytest
from django.urls import reverse

from approvals.workflow import State
from supervision.countdown.services import snapshot_metrics
from tests.factories import DepartmentFactory
from tests.mfa import sign_in
from tests.supervision.conftest import at, make_application
from tests.supervision.countdown.conftest import snap

pytestmark = pytest.mark.django_db

URL = "/performance/"


def test_anyone_reads_the_figures_without_signing_in(english, item, other_item, applicant, department):
    make_application(item, applicant, State.APPROVED, due_on=D(2026, 11, 20), decided_at=at(D(2026, 11, 19)))
    for back in range(0, 60, 10):
        snapshot_metrics(day=D(2026, 11, 26) - timedelta(days=back))
    response = english.get(URL)
    page = response.content.decode()
    assert response.status_code == 200 and reverse("performance") == URL
    assert "Online availability" in page and "Real-name bad-rating callback rate" in page
    assert "Market Supervision Administration" in page and "Housing Bureau" in page
    assert "<svg" in page and "<caption" in page
    # Aggregates only: no applicant, no tracking number.
    assert applicant.person.real_name not in page and "HLD-2026" not in page
    assert response.context["performance"].day == D(2026, 11, 26)


def test_it_speaks_chinese_by_default(client, department):
    snap(D(2026, 11, 26), "online", None, 90)
    page = client.get(URL).content.decode()
    assert "网上可办率" in page and "Online availability" not in page


def test_signed_in_people_read_the_same_page(client, applicant, supervisor):
    for user in (applicant, supervisor):
        sign_in(client, user)
        assert client.get(URL).status_code == 200


def test_without_snapshots_it_says_so(english):
    assert "No figures have been measured yet." in english.get(URL).content.decode()


def test_a_second_request_reads_the_cache(client, department, django_assert_num_queries):
    snap(D(2026, 11, 26), "online", department, 90)
    client.get(URL)
    with django_assert_num_queries(0):
        assert client.get(URL).status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_it_runs_a_fixed_number_of_queries(client, count, django_assert_num_queries):
    for i in range(count):
        department = DepartmentFactory()
        for day in (D(2026, 11, 24), D(2026, 11, 25), D(2026, 11, 26)):
            snap(day, "online", department, 50 + i)
            snap(day, "on_time", department, 90)
    snap(D(2026, 11, 26), "online", None, 70)
    # The snapshots, the departments.
    with django_assert_num_queries(2):
        response = client.get(URL)
    assert len(response.context["performance"].rows) == count
