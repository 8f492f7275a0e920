"""Mobile-number sign-in: a one-time code sent through the pluggable SMS backend."""

import re

import pytest
from django.urls import reverse

from portal import sms
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_signs_in_with_a_code_sent_to_the_mobile_number(client):
    user = UserFactory(phone="+8613900000001", phone_verified=True)
    response = client.post(reverse("account_request_login_code"), {"phone": "+8613900000001"})
    assert response.status_code == 302
    assert len(sms.outbox) == 1 and sms.outbox[0]["phone"] == "+8613900000001"
    code = re.search(r"(\d{6})", sms.outbox[0]["message"]).group(1)
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_it_refuses_a_wrong_code(client):
    UserFactory(phone="+8613900000002", phone_verified=True)
    response = client.post(reverse("account_request_login_code"), {"phone": "+8613900000002"})
    confirm = response["Location"]
    client.post(confirm, {"code": "000000"})
    assert "_auth_user_id" not in client.session


def test_it_tells_an_unknown_number_nothing_useful(client):
    response = client.post(reverse("account_request_login_code"), {"phone": "+8613900000003"})
    assert response.status_code == 302  # same answer as for a known number
    assert "_auth_user_id" not in client.session
    assert "no account" in sms.outbox[0]["message"] or "尚未注册" in sms.outbox[0]["message"]
