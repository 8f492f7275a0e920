"""Staff act as staff only in a session that passed the second factor: an
enrolled authenticator is not enough when the session began some other way
(here `force_login`, which records no sign-in step at all)."""

import pytest
from django.urls import reverse

from portal.middleware import staff_path_prefixes
from tests.approvals.conftest import draft, item, submitted  # noqa: F401 (fixtures)
from tests.factories import totp_code
from tests.mfa import sign_in_with_totp

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["/admin/", "/admin/portal/user/", "/desk/", "/window/", "/list-admin/", "/supervision/", "/staff/licenses/"]


@pytest.fixture
def superuser(approver):
    """The approver, who also administers the site."""
    approver.is_staff = approver.is_superuser = True
    approver.save(update_fields=["is_staff", "is_superuser"])
    return approver


def test_the_pages_cover_every_staff_area():
    assert {"/" + page.split("/")[1] + "/" for page in STAFF_PAGES} == set(staff_path_prefixes())


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_it_asks_an_enrolled_staff_member_for_the_code_first(client, superuser, path):
    client.force_login(superuser)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_reauthenticate") + "?next=" + path.replace("/", "%2F")


@pytest.mark.parametrize("path", ["/desk/", "/admin/"])
def test_it_serves_the_same_pages_once_the_session_passed_the_second_factor(client, superuser, path):
    sign_in_with_totp(client, superuser)
    assert client.get(path).status_code == 200


def test_the_code_step_leads_back_to_the_staff_page(client, approver):
    client.force_login(approver)
    step = client.get("/desk/")["Location"]
    response = client.post(step, {"code": totp_code()})
    assert response.status_code == 302 and response["Location"] == "/desk/"
    assert client.get("/desk/").status_code == 200


def test_a_wrong_code_opens_nothing(client, approver):
    client.force_login(approver)
    step = client.get("/desk/")["Location"]
    client.post(step, {"code": "000000" if totp_code() != "000000" else "111111"})
    assert client.get("/desk/").status_code == 302


def test_outside_the_staff_areas_the_session_holds_no_staff_role(client, approver, submitted):
    """The desk's file previews live under the applicant's address, outside the staff areas."""
    attachment = submitted.attachments.get()
    url = reverse("application_file", args=[submitted.uid, attachment.pk])
    client.force_login(approver)
    assert client.get(url).status_code == 404
    sign_in_with_totp(client, approver)
    assert client.get(url).status_code == 200


def test_a_session_recorded_for_another_account_does_not_count(client, approver, head):
    sign_in_with_totp(client, head)
    session = client.session
    records = session["account_authentication_methods"]
    client.force_login(approver)  # a new session key, the same data
    session = client.session
    session["account_authentication_methods"] = records
    session.save()
    assert client.get("/desk/").status_code == 302


def test_it_leaves_citizens_alone(client, applicant):
    client.force_login(applicant)
    assert client.get(reverse("me")).status_code == 200
