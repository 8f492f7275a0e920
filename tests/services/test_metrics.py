"""List metrics, computed on a list with known online levels, equal the rates worked out by hand."""

from decimal import Decimal

import pytest
from django.urls import reverse

from services.selectors import list_metrics
from tests.services.factories import make_item, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def known_list(department, other_department):
    # market: 3 fully online, 1 one-visit, 1 offline (5 items)
    for level in ["full_online"] * 3 + ["one_visit", "offline"]:
        make_item(department, online_level=level, max_visits=0 if level == "full_online" else 1)
    # housing: 1 fully online, 2 one-visit, 1 offline (4 items)
    for level in ["full_online", "one_visit", "one_visit", "offline"]:
        make_item(other_department, online_level=level, max_visits=0 if level == "full_online" else 1)
    return publish()


def test_the_rates_equal_the_hand_computed_ones(known_list, department, other_department):
    city, departments = list_metrics(list_version=known_list)
    by_code = {m.department.code: m for m in departments}
    market, housing = by_code["market"], by_code["housing"]

    # market: online 4/5 = 80 %, full online 3/5 = 60 %, at most one visit 5/5 = 100 %
    assert (market.total, market.online_rate, market.full_online_rate, market.at_most_one_visit_rate) == (
        5, Decimal("80.0"), Decimal("60.0"), Decimal("100.0"),
    )
    # housing: online 3/4 = 75 %, full online 1/4 = 25 %
    assert (housing.total, housing.online_rate, housing.full_online_rate, housing.at_most_one_visit_rate) == (
        4, Decimal("75.0"), Decimal("25.0"), Decimal("100.0"),
    )
    # city: online 7/9 = 77.8 %, full online 4/9 = 44.4 %
    assert (city.total, city.online_rate, city.full_online_rate, city.at_most_one_visit_rate) == (
        9, Decimal("77.8"), Decimal("44.4"), Decimal("100.0"),
    )


def test_drafts_do_not_count(known_list, department):
    make_item(department, online_level="offline", max_visits=1)
    city, _departments = list_metrics(list_version=known_list)
    assert city.total == 9


def test_no_list_means_no_rates():
    city, departments = list_metrics(list_version=None)
    assert (city.total, city.online_rate, departments) == (0, None, [])


def test_the_metrics_page_shows_the_numbers_in_a_table(client, known_list):
    body = client.get(reverse("catalogue_metrics"), HTTP_COOKIE="django_language=en").content.decode()
    assert "<table" in body
    for number in ["77.8%", "44.4%", "80.0%", "25.0%", "100.0%"]:
        assert number in body
