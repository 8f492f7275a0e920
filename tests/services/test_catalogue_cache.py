"""The catalogue's results are cached per list version, language and query: publishing a new
version shows at once, and nothing personal is ever kept in the shared cache."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.mfa import sign_in
from tests.services.factories import make_item, publish

pytestmark = pytest.mark.django_db
EN: dict = {}


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


def test_publishing_a_version_changes_the_cached_catalogue_at_once(client, department, list_admin):
    make_item(department, code="MKT-101", name_zh="第一项", name_en="First service")
    publish()
    first = client.get(reverse("catalogue"), **EN).content.decode()
    assert "First service" in first and "Second service" not in first
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as cold:
        cache.clear()
        client.get(reverse("catalogue"), **EN)
    with CaptureQueriesContext(connection) as warm:
        again = client.get(reverse("catalogue"), **EN).content.decode()
    assert again.count("First service") == first.count("First service")
    assert len(warm) < len(cold), "the second visit should read the results from the cache"

    make_item(department, code="MKT-102", name_zh="第二项", name_en="Second service")
    publish()
    after = client.get(reverse("catalogue"), **EN).content.decode()
    assert "Second service" in after and "First service" in after


def test_the_cached_results_follow_the_language_and_the_query(client, department):
    make_item(department, code="MKT-101", name_zh="小餐饮经营许可", name_en="Small eatery license")
    make_item(department, code="MKT-102", name_zh="食品小作坊登记", name_en="Registering a food workshop")
    publish()
    english = client.get(reverse("catalogue"), {"q": "eatery"}, **EN).content.decode()
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(reverse("catalogue"), {"q": "eatery"}).content.decode()
    client.cookies["django_language"] = "en"
    assert "Small eatery license" in english and "小餐饮经营许可" in chinese and "Small eatery license" not in chinese
    other = client.get(reverse("catalogue"), {"q": "workshop"}, **EN).content.decode()
    assert "Registering a food workshop" in other and "Small eatery license" not in other


def test_a_signed_in_page_never_comes_from_the_shared_cache(client, department, enterprise_member, outsider):
    """Who is signed in, and for whom they act, is drawn for each request around the cached results."""
    make_item(department, code="MKT-101", name_zh="第一项", name_en="First service")
    publish()
    anonymous = client.get(reverse("catalogue"), **EN).content.decode()
    assert "Sign out" not in anonymous
    membership = enterprise_member
    sign_in(client, membership.user)
    session = client.session
    session["onegate_acting_as"] = membership.enterprise.pk
    session.save()
    mine = client.get(reverse("catalogue"), **EN).content.decode()
    assert f"You are acting for {membership.enterprise.name}." in mine and "First service" in mine
    client.logout()
    sign_in(client, outsider)
    theirs = client.get(reverse("catalogue"), **EN).content.decode()
    assert membership.enterprise.name not in theirs and "MKT-101" in theirs
    client.logout()
    assert "You are acting for" not in client.get(reverse("catalogue"), **EN).content.decode()
