from django.test import RequestFactory

from portal import ratelimit


def test_it_counts_attempts_per_client(settings):
    rf = RequestFactory()
    one, two = rf.get("/", REMOTE_ADDR="10.0.0.1"), rf.get("/", REMOTE_ADDR="10.0.0.2")
    assert [ratelimit.hit("t", one, window=60) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.exceeded("t", one, limit=3)
    assert not ratelimit.exceeded("t", two, limit=3)
    assert not ratelimit.exceeded("other-scope", one, limit=1)


def test_it_trusts_forwarded_addresses_only_behind_configured_proxies(settings):
    rf = RequestFactory()
    request = rf.get("/", REMOTE_ADDR="172.16.0.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert ratelimit.client_ip(request) == "172.16.0.9"  # a client cannot forge its address
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert ratelimit.client_ip(request) == "203.0.113.7"


def test_it_counts_by_a_key_of_its_own():
    """An API client's budget follows the client, whatever address it calls from."""
    assert [ratelimit.hit_key("api-client:7", window=60) for _ in range(2)] == [1, 2]
    assert ratelimit.hit_key("api-client:8", window=60) == 1
