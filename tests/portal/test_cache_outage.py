"""Redis away: what is only a cache is served as a miss, so pages stay up; the counters that
must see the outage (rate limits, readiness) still do."""

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from tests.factories import citizen

UNREACHABLE = "redis://127.0.0.1:1/0"
REDIS_AWAY = {
    "default": {"BACKEND": "portal.cache.SharedCache", "LOCATION": UNREACHABLE},
    "counters": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": UNREACHABLE},
}


@override_settings(CACHES=REDIS_AWAY)
def test_the_shared_cache_answers_as_an_empty_one():
    shared = caches["default"]
    shared.set("k", 1)
    assert shared.get("k", "missing") == "missing"
    assert shared.get_many(["k"]) == {}
    assert shared.add("k", 1) is False  # a replay check refuses rather than lets through
    assert shared.delete("k") is False and shared.has_key("k") is False
    assert shared.get_or_set("k", lambda: 7) == 7


@override_settings(CACHES=REDIS_AWAY)
def test_the_counters_still_see_the_outage():
    from redis.exceptions import ConnectionError

    with pytest.raises(ConnectionError):
        caches["counters"].get("k")


@pytest.mark.django_db
def test_public_and_signed_in_pages_answer_while_redis_is_away(client):
    with override_settings(CACHES=REDIS_AWAY):
        for url in ("/", reverse("catalogue"), reverse("catalogue_metrics")):
            assert client.get(url).status_code == 200, url
        person = citizen()
        client.force_login(person)
        page = client.get(reverse("me"))
        assert page.status_code == 200 and person.email in page.content.decode()
        assert client.get("/readyz").status_code == 503  # the load balancer is told all the same


@pytest.mark.django_db
def test_sign_in_is_refused_not_broken_while_redis_is_away(client):
    """allauth's sign-in limit needs a lock in the cache: without Redis it says "too many
    attempts" (closed, as the other guards of a secret), never the error page."""
    person = citizen()
    with override_settings(CACHES=REDIS_AWAY):
        response = client.post(reverse("account_login"), {"login": person.email, "password": "wrong password!"})
    assert response.status_code == 429
