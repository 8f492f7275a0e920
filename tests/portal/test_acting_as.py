import pytest
from django.urls import reverse

from portal.models import Membership
from portal.selectors import ACTING_AS_SESSION_KEY
from tests.factories import MembershipFactory, citizen

pytestmark = pytest.mark.django_db


def test_it_switches_between_myself_and_an_enterprise(client):
    membership = MembershipFactory(user=citizen(), role=Membership.Role.AGENT)
    client.force_login(membership.user)
    client.post(reverse("acting_as"), {"enterprise": membership.enterprise.pk})
    assert client.session[ACTING_AS_SESSION_KEY] == membership.enterprise.pk
    page = client.get(reverse("me")).content.decode()
    assert membership.enterprise.name in page
    client.post(reverse("acting_as"), {"enterprise": "self"})
    assert ACTING_AS_SESSION_KEY not in client.session


def test_it_stops_acting_for_an_enterprise_once_the_membership_ends(client):
    membership = MembershipFactory(user=citizen(), role=Membership.Role.AGENT)
    client.force_login(membership.user)
    client.post(reverse("acting_as"), {"enterprise": membership.enterprise.pk})
    membership.delete()
    page = client.get(reverse("me")).content.decode()
    assert "acting-banner" not in page


def test_it_registers_an_enterprise_from_the_page_and_shows_the_code_masked(client):
    from tests.factories import make_credit_code

    user = citizen()
    client.force_login(user)
    code = make_credit_code()
    response = client.post(reverse("enterprise_list"), {"name": "葫芦岛新开企业有限公司", "credit_code": code})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "葫芦岛新开企业有限公司" in page
    assert code not in page
    assert code[:3] + "*" * 11 + code[-4:] in page


def test_it_keeps_what_was_typed_when_the_code_is_wrong(client):
    client.force_login(citizen())
    response = client.post(reverse("enterprise_list"), {"name": "某某有限公司", "credit_code": "91350100M000100Y42"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in page
    assert 'value="某某有限公司"' in page
    assert 'value="91350100M000100Y42"' in page
