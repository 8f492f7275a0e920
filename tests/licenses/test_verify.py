"""Public verification: /verify/<number>/ (the QR target) and the license section of the /verify/ upload."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from licenses import numbers, services
from licenses.models import License
from licenses.selectors import license_for_pdf, mask_name
from licenses.tasks import issue_license


@pytest.fixture
def license(approved):
    issue_license.delay(approved.pk)
    return License.objects.get(application=approved)


@pytest.fixture
def pdf(license):
    return default_storage.open(license.file.name).read()


def _upload(client, content: bytes, name="license.pdf"):
    return client.post(reverse("verify"), {"document": SimpleUploadedFile(name, content, content_type="application/pdf")})


def test_the_qr_target_shows_a_valid_license(client, license):
    with translation.override("en"):
        page = client.get(f"/verify/{license.number}/", HTTP_COOKIE="django_language=en")
    body = page.content.decode()
    assert page.status_code == 200
    assert "no-cache" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    assert license.number in body
    assert "王*明" in body and "王小明" not in body  # the holder's name masked
    assert "市场监督管理局" in body or "Market Supervision Administration" in body
    assert license.license_type.name_zh in body or license.license_type.name_en in body
    assert "license-verdict--valid" in body


def test_a_revocation_shows_at_once(client, license, approver):
    services.license_revoke(license=license, actor=approver, reason="以欺骗手段取得许可")

    body = client.get(f"/verify/{license.number}/").content.decode()
    assert "license-verdict--revoked" in body and "license-verdict--valid" not in body


def test_a_suspension_shows_at_once_and_reinstating_lifts_it(client, license, approver):
    services.license_suspend(license=license, actor=approver, reason="整改期间")
    assert "license-verdict--suspended" in client.get(f"/verify/{license.number}/").content.decode()

    services.license_reinstate(license=license, actor=approver)
    assert "license-verdict--valid" in client.get(f"/verify/{license.number}/").content.decode()


def test_a_license_past_its_last_day_shows_expired_before_the_nightly_task(client, license):
    import datetime

    import time_machine

    License.objects.filter(pk=license.pk).update(valid_until=datetime.date(2026, 11, 26))
    assert "license-verdict--valid" in client.get(f"/verify/{license.number}/").content.decode()
    with time_machine.travel(datetime.datetime(2026, 11, 27, 0, 1, tzinfo=datetime.UTC).astimezone(), tick=False):
        assert "license-verdict--expired" in client.get(f"/verify/{license.number}/").content.decode()


def test_unknown_and_wrong_numbers_say_nothing_about_neighbours(client, license, django_assert_num_queries):
    body, check = license.number.rsplit("-", 1)
    neighbour = f"{body[:-1]}{int(body[-1]) + 1}-{check}"
    with django_assert_num_queries(0):  # a wrong check group is refused without a query
        assert client.get(f"/verify/{neighbour}/").status_code == 404
    unissued = numbers.format_number(prefix="YYZZ", year=2026, sequence=999)
    assert client.get(f"/verify/{unissued}/").status_code == 404


def test_a_license_being_issued_is_not_shown(client, item, applicant, approver, seal):
    from tests.licenses.conftest import approve

    pending = services.license_open(application_id=approve(item.code, applicant, approver).pk)
    assert client.get(f"/verify/{pending.number}/").status_code == 404


def test_numbers_are_found_however_they_are_typed(client, license):
    response = client.get(reverse("license_verify_lookup"), {"number": f" {license.number.lower()} "})
    assert response.status_code == 302 and response["Location"] == f"/verify/{license.number}/"
    assert client.get(f"/verify/{license.number.lower()}/").status_code == 200


def test_it_is_rate_limited(client, license, settings):
    settings.LICENSE_VERIFY_PER_MINUTE = 3
    statuses = [client.get(f"/verify/{license.number}/").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_it_does_not_catch_the_seal_files(client, root):
    assert client.get("/verify/root-ca.pem").status_code == 200
    assert client.get("/verify/crl.crl").status_code == 200


def test_the_upload_reports_the_very_document_issued_as_genuine(client, license, pdf):
    body = _upload(client, pdf).content.decode()

    assert "Genuine document." in body and license.number in body
    assert license_for_pdf(pdf) == license


def test_a_modified_copy_is_not_genuine(client, license, pdf):
    flipped = bytearray(pdf)
    index = pdf.index(b"/Contents ") - 400  # inside the signed range, away from the signature
    flipped[index] = flipped[index] ^ 0x01
    body = _upload(client, bytes(flipped)).content.decode()

    assert "Genuine document." not in body and "Not a license document we issued." in body
    assert license_for_pdf(bytes(flipped)) is None


def test_a_copy_with_content_added_after_sealing_names_the_license_it_pretends_to_be(client, license, pdf):
    """An incremental update keeps the seal intact; the file is still not the one we issued."""
    from io import BytesIO

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    writer.set_info(generic.DictionaryObject({generic.NameObject("/Title"): generic.TextStringObject("changed")}))
    out = BytesIO()
    writer.write(out)
    body = _upload(client, out.getvalue()).content.decode()

    assert "Not the document we issued." in body and license.number in body


def test_the_upload_tells_a_genuine_copy_of_a_revoked_license(client, license, pdf, approver):
    services.license_revoke(license=license, actor=approver, reason="吊销")
    body = _upload(client, pdf).content.decode()
    assert "Genuine document." in body and "The document is genuine, but the license is not valid now." in body


def test_the_verify_page_offers_a_number_box(client, root):
    body = client.get(reverse("verify")).content.decode()
    assert reverse("license_verify_lookup") in body


@pytest.mark.parametrize(
    ("name", "enterprise", "masked"),
    [
        ("王小明", False, "王*明"),
        ("李娜", False, "李*"),
        ("欧阳娜娜", False, "欧**娜"),
        ("葫芦岛海滨食品有限公司", True, "葫芦岛****有限公司"),
        ("小店", True, "小店"),
    ],
)
def test_names_are_masked(name, enterprise, masked):
    assert mask_name(name, enterprise=enterprise) == masked
