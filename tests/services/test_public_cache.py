"""Whole public pages come from the shared cache for anonymous visitors only, follow each new list
version at once, answer conditional requests, and never carry one visitor's token to another."""

import pytest
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services import services
from services.public_cache import public_page
from tests.factories import EnterpriseFactory, MembershipFactory, citizen
from tests.mfa import sign_in
from tests.services.factories import make_item, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(department):
    item = make_item(department, code="MKT-101", name_zh="小餐饮经营许可", name_en="Small eatery license")
    publish()
    return item


def _queries(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries)


def test_it_serves_the_second_anonymous_visit_from_the_cache(english, item):
    for url in (reverse("catalogue"), reverse("catalogue") + "?q=eatery", reverse("catalogue_item", args=["MKT-101"])):
        first, cold = _queries(english, url)
        again, warm = _queries(english, url)
        assert first.status_code == again.status_code == 200
        assert again.content == first.content and "Small eatery license" in again.content.decode()
        assert warm == 0 < cold, "a cached page runs no query"
        assert again["ETag"] == first["ETag"]
        assert again["Last-Modified"] and "public" in again["Cache-Control"] and "max-age" in again["Cache-Control"]
        assert "Cookie" in again["Vary"]


def test_publishing_a_version_changes_the_cached_pages_at_once(english, department, item):
    assert "Small eatery license" in english.get(reverse("catalogue")).content.decode()
    assert english.get(reverse("catalogue_item", args=["MKT-101"])).status_code == 200
    make_item(department, code="MKT-102", name_zh="食品小作坊登记", name_en="Registering a food workshop")
    services.item_retire(actor=None, item=item)
    publish()
    listing = english.get(reverse("catalogue")).content.decode()
    assert "Registering a food workshop" in listing and "Small eatery license" not in listing
    assert english.get(reverse("catalogue_item", args=["MKT-101"])).status_code == 410


def test_the_pages_follow_the_language(client, item):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("catalogue_item", args=["MKT-101"])).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get(reverse("catalogue_item", args=["MKT-101"])).content.decode()
    assert "Small eatery license" in english and "小餐饮经营许可" in chinese
    assert "Small eatery license" not in chinese


def test_it_answers_a_matching_etag_or_date_with_304(english, item):
    url = reverse("catalogue_item", args=["MKT-101"])
    first = english.get(url)
    assert english.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert english.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert english.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_a_signed_in_user_never_gets_the_shared_page(english, item, enterprise_member):
    url = reverse("catalogue_item", args=["MKT-101"])
    anonymous = english.get(url)
    assert "Sign out" not in anonymous.content.decode()
    other = MembershipFactory(user=citizen(), enterprise=EnterpriseFactory(name="兴城泳装有限公司"))
    pages = {}
    for membership in (enterprise_member, other):
        sign_in(english, membership.user)
        english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # signing out clears the cookies
        session = english.session
        session["onegate_acting_as"] = membership.enterprise.pk
        session.save()
        response = english.get(url)
        assert response["Cache-Control"] == "private, no-store" and "ETag" not in response
        pages[membership.enterprise.name] = response.content.decode()
        english.logout()
    first, second = (enterprise_member.enterprise.name, other.enterprise.name)
    assert "Sign out" in pages[first] and f"You are acting for {first}." in pages[first]
    assert f"You are acting for {second}." in pages[second] and first not in pages[second]
    # Signing out leaves the anonymous page as it was.
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert english.get(url).content == anonymous.content


def test_a_visitor_with_a_session_is_neither_served_nor_stored(english, item):
    url = reverse("catalogue")
    english.get(url)
    english.cookies[settings.SESSION_COOKIE_NAME] = "an-anonymous-session"
    response, queries = _queries(english, url)
    assert queries > 1 and response["Cache-Control"] == "private, no-store" and "ETag" not in response


def test_a_second_visitor_can_switch_language_from_a_cached_page(item):
    first = Client(enforce_csrf_checks=True)
    first.get(reverse("catalogue"))
    second = Client(enforce_csrf_checks=True)
    page, queries = _queries(second, reverse("catalogue"))
    assert queries == 0, "the second visitor gets the cached page"
    html = page.content.decode()
    assert 'action="/i18n/setlang/"' in html and "csrfmiddlewaretoken" not in html
    assert not page.cookies, "a cached page sets no cookie"
    switched = second.post(reverse("set_language"), {"language": "en", "next": reverse("catalogue")})
    assert switched.status_code == 302 and switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Small eatery license" in second.get(reverse("catalogue")).content.decode()


def test_a_signed_in_language_switch_still_needs_its_token(outsider):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, outsider)
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 403
    page = client.get(reverse("catalogue")).content.decode()
    assert "csrfmiddlewaretoken" in page


def test_a_page_that_drew_a_token_or_set_a_cookie_is_not_stored(db):
    calls = []

    @public_page
    def with_token(request):
        calls.append("token")
        return HttpResponse(engines["django"].from_string("<form method=post>{% csrf_token %}</form>").render(request=request))

    @public_page
    def with_cookie(request):
        calls.append("cookie")
        response = HttpResponse("hello")
        response.set_cookie("seen", "1")
        return response

    def anonymous(path):
        from django.contrib.auth.models import AnonymousUser

        request = RequestFactory().get(path)
        request.user = AnonymousUser()
        return request

    for view in (with_token, with_cookie):
        view(anonymous("/x/"))
        response = view(anonymous("/x/"))
        assert "ETag" not in response
    assert calls == ["token", "token", "cookie", "cookie"]


def test_the_home_page_is_shared_with_anonymous_visitors_only(english, item, outsider):
    first, cold = _queries(english, reverse("home"))
    again, warm = _queries(english, reverse("home"))
    assert again.content == first.content and warm == 0 < cold and "public" in again["Cache-Control"]
    sign_in(english, outsider)
    mine = english.get(reverse("home"))
    assert mine["Cache-Control"] == "private, no-store" and "Sign out" in mine.content.decode()
