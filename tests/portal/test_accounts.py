import pytest
from django.test import Client
from django.urls import reverse

from portal.models import Membership, StaffRole
from tests.factories import (
    PASSWORD,
    DepartmentFactory,
    MembershipFactory,
    UserFactory,
    citizen,
    enrol_totp,
    staff,
)
from tests.mfa import sign_in_with_totp

pytestmark = pytest.mark.django_db


def test_it_sends_staff_without_mfa_to_enrol_before_any_staff_page(client):
    approver = staff(StaffRole.Role.APPROVER, DepartmentFactory(), mfa=False)
    client.force_login(approver)
    for path in ["/admin/", "/desk/", "/window/", "/list-admin/", "/supervision/", "/staff/anything/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("mfa_activate_totp")), path


def test_it_lets_staff_with_mfa_through(client):
    approver = staff(StaffRole.Role.APPROVER, DepartmentFactory(), mfa=False)
    enrol_totp(approver)
    sign_in_with_totp(client, approver)
    assert client.get("/desk/").status_code == 200


def test_it_leaves_citizens_alone_on_their_own_pages(client):
    client.force_login(citizen())
    assert client.get(reverse("me")).status_code == 200


def test_it_asks_staff_for_the_second_factor_at_sign_in(client):
    clerk = staff(StaffRole.Role.CLERK)
    response = client.post(reverse("account_login"), {"login": clerk.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_it_shows_nothing_of_my_office_to_anonymous_visitors(client):
    for name in ["me", "profile", "enterprise_list"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_it_hides_another_users_enterprise(client):
    membership = MembershipFactory()
    outsider = citizen()
    client.force_login(outsider)
    detail = reverse("enterprise_detail", args=[membership.enterprise.pk])
    assert client.get(detail).status_code == 404
    assert client.post(detail, {"email": outsider.email, "role": "admin"}).status_code == 404
    remove = reverse("member_remove", args=[membership.enterprise.pk, membership.pk])
    assert client.post(remove).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()
    response = client.post(reverse("acting_as"), {"enterprise": membership.enterprise.pk})
    assert response.status_code == 404


def test_it_shows_my_own_data_only(client):
    mine = citizen()
    other = citizen()
    client.force_login(mine)
    page = client.get(reverse("me")).content.decode()
    assert mine.person.masked_id in page
    assert other.person.masked_id not in page
    assert mine.person.resident_id not in page  # masked, never in full


def test_it_lets_an_agent_who_is_not_admin_see_but_not_manage(client):
    agent_membership = MembershipFactory(role=Membership.Role.AGENT, user=citizen())
    client.force_login(agent_membership.user)
    detail = reverse("enterprise_detail", args=[agent_membership.enterprise.pk])
    assert client.get(detail).status_code == 200
    newcomer = citizen()
    response = client.post(detail, {"email": newcomer.email, "role": "agent"})
    assert response.status_code == 403
    assert not Membership.objects.filter(user=newcomer).exists()


def test_it_enforces_csrf():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("profile"), {"real_name": "王小明", "resident_id": "11010519491231002X"})
    assert response.status_code == 403
    assert not hasattr(type(user).objects.get(pk=user.pk), "person")
    anonymous = Client(enforce_csrf_checks=True)
    response = anonymous.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 403


def test_it_rate_limits_repeated_wrong_passwords(client):
    from allauth.account.adapter import get_adapter

    user = UserFactory()
    too_many = str(get_adapter().error_messages["too_many_login_attempts"])
    pages = [
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong-password"})
        for _ in range(6)
    ]
    assert all(too_many not in p.content.decode() for p in pages[:5])
    assert too_many in pages[5].content.decode()
    # Even the right password is refused while the limit holds.
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert too_many in response.content.decode()
    assert "_auth_user_id" not in client.session
