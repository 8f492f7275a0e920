"""The wallet at /me/licenses/: one's own licenses and one's enterprises', nobody else's."""

import pytest
from django.urls import reverse

from licenses.models import License
from licenses.tasks import issue_license
from tests.factories import MembershipFactory, citizen
from tests.licenses.conftest import approve


@pytest.fixture
def license(approved):
    issue_license.delay(approved.pk)
    return License.objects.get(application=approved)


@pytest.fixture
def enterprise_license(department, business_license, approver, seal, enterprise_member):
    from services.services import MaterialInput
    from tests.services.factories import make_item, publish

    make_item(
        department,
        code="MKT-201",
        audience="enterprise",
        license_type=business_license,
        materials=[MaterialInput(name_zh="章程", name_en="Articles")],
    )
    publish()
    application = approve("MKT-201", enterprise_member.user, approver, enterprise=enterprise_member.enterprise, data={})
    issue_license.delay(application.pk)
    return License.objects.get(application=application)


def test_the_holder_sees_and_downloads_their_license(client, license, applicant):
    client.force_login(applicant)

    page = client.get(reverse("wallet"))
    assert page.status_code == 200 and license.number in page.content.decode()
    detail = client.get(reverse("wallet_license", args=[license.number]))
    assert detail.status_code == 200 and "<svg" in detail.content.decode()
    assert f"http://testserver/verify/{license.number}/" in detail.content.decode()
    download = client.get(reverse("wallet_license_pdf", args=[license.number]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"] and "no-store" in download["Cache-Control"]
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_my_office_lists_my_licenses(client, license, applicant):
    client.force_login(applicant)
    assert license.number in client.get(reverse("me")).content.decode()


def test_the_members_of_an_enterprise_see_its_licenses(client, enterprise_license, enterprise_member):
    colleague = MembershipFactory(enterprise=enterprise_member.enterprise, user=citizen(), role="agent").user
    client.force_login(colleague)

    assert enterprise_license.number in client.get(reverse("wallet")).content.decode()
    assert client.get(reverse("wallet_license_pdf", args=[enterprise_license.number])).status_code == 200


def test_another_citizen_cannot_see_or_download_it(client, license, outsider):
    client.force_login(outsider)

    assert license.number not in client.get(reverse("wallet")).content.decode()
    assert client.get(reverse("wallet_license", args=[license.number])).status_code == 404
    assert client.get(reverse("wallet_license_pdf", args=[license.number])).status_code == 404


def test_the_enterprise_s_license_is_not_its_member_s_own_elsewhere(client, enterprise_license, license, applicant):
    """The wallet shows only one's own and one's enterprises' licenses."""
    client.force_login(applicant)

    body = client.get(reverse("wallet")).content.decode()
    assert license.number in body and enterprise_license.number not in body
    assert client.get(reverse("wallet_license_pdf", args=[enterprise_license.number])).status_code == 404


def test_staff_of_the_department_do_not_get_it_from_the_wallet(client, license, approver):
    client.force_login(approver)
    assert client.get(reverse("wallet_license_pdf", args=[license.number])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, license):
    for url in [reverse("wallet"), reverse("wallet_license", args=[license.number]), reverse("wallet_license_pdf", args=[license.number])]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_license_being_issued_is_listed_without_a_download(client, approved, applicant):
    from licenses.services import license_open

    license = license_open(application_id=approved.pk)
    client.force_login(applicant)

    body = client.get(reverse("wallet")).content.decode()
    assert license.number in body and reverse("wallet_license_pdf", args=[license.number]) not in body
    assert client.get(reverse("wallet_license_pdf", args=[license.number])).status_code == 404
