"""The wallet at /me/licences/: one's own licences and one's enterprises', nobody else's."""

import pytest
from django.urls import reverse

from licences.models import Licence
from licences.tasks import issue_licence
from tests.factories import MembershipFactory, citizen
from tests.licences.conftest import approve


@pytest.fixture
def licence(approved):
    issue_licence.delay(approved.pk)
    return Licence.objects.get(application=approved)


@pytest.fixture
def enterprise_licence(department, business_licence, approver, seal, enterprise_member):
    from services.services import MaterialInput
    from tests.services.factories import make_item, publish

    make_item(
        department,
        code="MKT-201",
        audience="enterprise",
        licence_type=business_licence,
        materials=[MaterialInput(name_zh="章程", name_en="Articles")],
    )
    publish()
    application = approve("MKT-201", enterprise_member.user, approver, enterprise=enterprise_member.enterprise, data={})
    issue_licence.delay(application.pk)
    return Licence.objects.get(application=application)


def test_the_holder_sees_and_downloads_their_licence(client, licence, applicant):
    client.force_login(applicant)

    page = client.get(reverse("wallet"))
    assert page.status_code == 200 and licence.number in page.content.decode()
    detail = client.get(reverse("wallet_licence", args=[licence.number]))
    assert detail.status_code == 200 and "<svg" in detail.content.decode()
    assert f"http://testserver/verify/{licence.number}/" in detail.content.decode()
    download = client.get(reverse("wallet_licence_pdf", args=[licence.number]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"] and "no-store" in download["Cache-Control"]
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_my_office_lists_my_licences(client, licence, applicant):
    client.force_login(applicant)
    assert licence.number in client.get(reverse("me")).content.decode()


def test_the_members_of_an_enterprise_see_its_licences(client, enterprise_licence, enterprise_member):
    colleague = MembershipFactory(enterprise=enterprise_member.enterprise, user=citizen(), role="agent").user
    client.force_login(colleague)

    assert enterprise_licence.number in client.get(reverse("wallet")).content.decode()
    assert client.get(reverse("wallet_licence_pdf", args=[enterprise_licence.number])).status_code == 200


def test_another_citizen_cannot_see_or_download_it(client, licence, outsider):
    client.force_login(outsider)

    assert licence.number not in client.get(reverse("wallet")).content.decode()
    assert client.get(reverse("wallet_licence", args=[licence.number])).status_code == 404
    assert client.get(reverse("wallet_licence_pdf", args=[licence.number])).status_code == 404


def test_the_enterprise_s_licence_is_not_its_member_s_own_elsewhere(client, enterprise_licence, licence, applicant):
    """The wallet shows only one's own and one's enterprises' licences."""
    client.force_login(applicant)

    body = client.get(reverse("wallet")).content.decode()
    assert licence.number in body and enterprise_licence.number not in body
    assert client.get(reverse("wallet_licence_pdf", args=[enterprise_licence.number])).status_code == 404


def test_staff_of_the_department_do_not_get_it_from_the_wallet(client, licence, approver):
    client.force_login(approver)
    assert client.get(reverse("wallet_licence_pdf", args=[licence.number])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, licence):
    for url in [reverse("wallet"), reverse("wallet_licence", args=[licence.number]), reverse("wallet_licence_pdf", args=[licence.number])]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_licence_being_issued_is_listed_without_a_download(client, approved, applicant):
    from licences.services import licence_open

    licence = licence_open(application_id=approved.pk)
    client.force_login(applicant)

    body = client.get(reverse("wallet")).content.decode()
    assert licence.number in body and reverse("wallet_licence_pdf", args=[licence.number]) not in body
    assert client.get(reverse("wallet_licence_pdf", args=[licence.number])).status_code == 404
