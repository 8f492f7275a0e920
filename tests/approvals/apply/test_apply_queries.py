"""Each page of the online application runs a fixed, small number of queries.

The numbers are what the pages take today with one material and two questions;
a page that grows a query per row, or calls the list guard twice, fails here.
"""

import pytest
from django.urls import reverse

from approvals.models import Application
from tests.approvals.conftest import ANSWERS, pdf

pytestmark = pytest.mark.django_db

# page: (GET, POST), counted on PostgreSQL with a signed-in applicant's session, the list guard
# included. The check page's POST is the submission; it includes creating the year's
# tracking-number sequence, which the first submission of a year does (four queries).
MAX_QUERIES = {
    "start": (12, 12),
    "answers": (4, 11),
    "materials": (7, 9),
    "delivery": (3, 10),
    "check": (10, 31),
}


@pytest.fixture
def signed_in(client, applicant):
    client.force_login(applicant)
    client.get(reverse("home"))  # the session's first read is not the pages' cost
    return client


def test_each_apply_page_runs_a_fixed_number_of_queries(signed_in, item, django_assert_max_num_queries):
    client = signed_in
    start = reverse("apply_start", args=[item.code])
    with django_assert_max_num_queries(MAX_QUERIES["start"][0]):
        assert client.get(start).status_code == 200
    with django_assert_max_num_queries(MAX_QUERIES["start"][1]):
        assert client.post(start).status_code == 302
    uid = Application.objects.get().uid
    material = Application.objects.get().item_version.materials.get()

    steps = [
        ("answers", {**ANSWERS, "continue": ""}),
        ("materials", lambda: {"material": material.pk, "files": [pdf("premises.pdf")]}),
        ("delivery", {"delivery": "electronic"}),
        ("check", {"declaration": "yes"}),
    ]
    for step, data in steps:
        url = reverse(f"apply_{step}", args=[uid])
        get_max, post_max = MAX_QUERIES[step]
        with django_assert_max_num_queries(get_max):
            assert client.get(url).status_code == 200
        with django_assert_max_num_queries(post_max):
            response = client.post(url, data() if callable(data) else data)
        assert response.status_code == 302, (step, response.content.decode()[:500])
    assert Application.objects.get().tracking_number
