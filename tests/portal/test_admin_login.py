"""The admin signs in through the portal's login: the same second factor, the
same lockout after wrong passwords."""

import pytest
from allauth.account.adapter import get_adapter
from django.urls import reverse

from tests.factories import PASSWORD, citizen, enrol_totp, totp_code

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def administrator(db):
    user = citizen()
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    enrol_totp(user)
    return user


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _reached_the_admin(response) -> bool:
    """Whether a followed response ended on an admin page (every page on the way only redirected)."""
    return response.status_code == 200 and response.request["PATH_INFO"].startswith("/admin/")


def test_it_sends_the_admin_login_to_the_portal_login(client, administrator):
    response = client.get(ADMIN_LOGIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"


def test_a_password_posted_to_the_admin_login_signs_no_one_in(client, administrator):
    response = client.post(ADMIN_LOGIN, {"username": administrator.email, "password": PASSWORD}, follow=True)
    assert not _signed_in(client)
    assert not _reached_the_admin(response)
    assert response.request["PATH_INFO"] == reverse("account_login")


def test_the_right_password_reaches_no_admin_page_without_the_code(client, administrator):
    login_page = client.get(ADMIN_LOGIN, follow=True)
    login_url = login_page.redirect_chain[-1][0]
    response = client.post(login_url, {"login": administrator.email, "password": PASSWORD}, follow=True)
    assert response.request["PATH_INFO"] == reverse("mfa_authenticate")
    assert not _reached_the_admin(response)
    assert not _signed_in(client)
    for path in ["/admin/", "/admin/portal/user/"]:
        assert client.get(path).status_code == 302
        assert not _reached_the_admin(client.get(path, follow=True))

    # The control: with the code, the same sign-in reaches the admin.
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()}, follow=True)
    assert _reached_the_admin(response) and response.request["PATH_INFO"] == "/admin/"
    assert client.get("/admin/portal/user/").status_code == 200


def test_an_administrator_without_a_second_factor_enrols_first(client, administrator):
    administrator.authenticator_set.all().delete()
    login_url = client.get(ADMIN_LOGIN)["Location"]
    response = client.post(login_url, {"login": administrator.email, "password": PASSWORD}, follow=True)
    assert not _reached_the_admin(response)
    # allauth may confirm the password before it shows the enrolment.
    assert response.request["PATH_INFO"] in (reverse("mfa_activate_totp"), reverse("account_reauthenticate"))
    assert "/2fa/totp/activate/" in response.request["PATH_INFO"] + response.request["QUERY_STRING"].replace("%2F", "/")


def test_a_signed_in_citizen_gets_nothing_of_the_admin(client):
    client.force_login(citizen())
    assert client.get(ADMIN_LOGIN).status_code == 403
    assert not _reached_the_admin(client.get("/admin/", follow=True))


def test_five_wrong_passwords_lock_the_account_out_as_on_the_portal_login(client, administrator):
    too_many = str(get_adapter().error_messages["too_many_login_attempts"])
    login_url = client.get(ADMIN_LOGIN)["Location"]
    pages = [client.post(login_url, {"login": administrator.email, "password": "wrong-password"}) for _ in range(6)]
    assert all(too_many not in page.content.decode() for page in pages[:5])
    assert too_many in pages[5].content.decode()
    # Even the right password is refused while the lock holds, here and on the portal's own login.
    for url in [login_url, reverse("account_login")]:
        response = client.post(url, {"login": administrator.email, "password": PASSWORD})
        assert too_many in response.content.decode()
    assert not _signed_in(client)
    assert "_auth_user_id" not in client.session
