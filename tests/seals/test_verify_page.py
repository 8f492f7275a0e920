"""The public /verify/ page: upload a PDF (size and real-type limits, CSRF, rate limit)
and read the report in plain words, in Chinese or English."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from seals import services
from tests.seals import forgery


def _upload(data: bytes, name: str = "license.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _check(client, data, **kwargs):
    return client.post(reverse("verify"), {"document": _upload(data, **kwargs)})


def _sealed(seal, pdf):
    return services.seal_pdf(pdf, seal=seal, reason="核发营业执照", task="test")


def test_it_reports_a_valid_seal(english, seal, one_page_pdf):
    response = _check(english, _sealed(seal, one_page_pdf))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Valid: sealed by Market Supervision Administration and unchanged since." in page
    assert "The seal certificate was issued by the OneGate root CA." in page
    assert "After sealing, only validation data, trusted timestamps or further portal seals were added" in page
    assert "according to a trusted timestamp" in page


def test_it_reports_in_chinese_by_default(client, seal, one_page_pdf):
    page = _check(client, _sealed(seal, one_page_pdf)).content.decode()

    assert "有效：由市场监督管理局加盖，盖章后未被改动。" in page
    assert "印章证书由 OneGate 根证书颁发机构签发。" in page


def test_it_reports_a_flipped_byte(english, seal, one_page_pdf):
    page = _check(english, forgery.flip_byte_in_signed_range(_sealed(seal, one_page_pdf))).content.decode()

    assert "Not valid: the document was changed after it was sealed." in page
    assert "The signature does not match the document" in page


def test_it_reports_content_appended_after_signing(english, seal, one_page_pdf):
    page = _check(english, forgery.append_content_change(_sealed(seal, one_page_pdf))).content.decode()

    assert "Not valid: the document was changed after it was sealed." in page
    assert "an update appended later alters its content" in page


def test_it_reports_a_seal_from_another_ca(english, seal, one_page_pdf):
    page = _check(english, forgery.sign_with_foreign_ca(one_page_pdf)).content.decode()

    assert "Not trusted: this seal cannot be relied on." in page
    assert "was not issued by the OneGate root CA" in page


def test_it_reports_a_seal_used_after_revocation(english, root, seal, one_page_pdf):
    services.seal_revoke(seal=seal, reason="key_compromise", note="私钥疑似泄露")

    page = _check(english, forgery.sign_with_seal_key(one_page_pdf, seal, root.certificate_pem)).content.decode()

    assert "Not trusted: this document was not issued through the portal." in page
    assert "(the key was compromised), and nothing shows that this document was sealed before then." in page


def test_it_reports_an_unsealed_pdf(english, root, one_page_pdf):
    page = _check(english, one_page_pdf).content.decode()

    assert "This PDF carries no electronic seal." in page


def test_it_checks_the_real_type_not_the_name(english, root):
    response = _check(english, b"\x89PNG\r\n\x1a\n" + b"0" * 100, name="license.pdf")

    assert response.status_code == 200
    assert "This file is not a PDF." in response.content.decode()
    assert "verify-report" not in response.content.decode()


def test_it_accepts_a_pdf_whatever_its_name(english, seal, one_page_pdf):
    page = _check(english, _sealed(seal, one_page_pdf), name="scan.bin", content_type="application/octet-stream")

    assert "Valid: sealed by" in page.content.decode()


def test_it_refuses_a_file_over_the_size_limit(english, seal, one_page_pdf, settings):
    settings.SEAL_VERIFY_MAX_BYTES = 1000

    page = _check(english, _sealed(seal, one_page_pdf)).content.decode()

    assert "The file is larger than" in page
    assert "verify-report" not in page


def test_it_asks_for_a_file(english, root):
    page = english.post(reverse("verify"), {}).content.decode()

    assert "Choose the PDF document to check." in page


def test_it_needs_the_csrf_token(seal, one_page_pdf):
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(reverse("verify"), {"document": _upload(_sealed(seal, one_page_pdf))})

    assert response.status_code == 403


def test_it_limits_uploads_per_address(english, root, one_page_pdf, settings):
    settings.SEAL_VERIFY_PER_MINUTE = 2

    statuses = [_check(english, one_page_pdf).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert "Too many documents were checked" in _check(english, one_page_pdf).content.decode()


def test_it_shows_panels_other_apps_register(english, seal, one_page_pdf):
    from seals import views

    def license_panel(request, report):
        return f"<p>license panel: {report.verdict}</p>" if report else None

    views.register_verify_panel(license_panel)
    try:
        page = _check(english, _sealed(seal, one_page_pdf)).content.decode()
    finally:
        views.verify_panels.remove(license_panel)

    assert "license panel: valid" in page
