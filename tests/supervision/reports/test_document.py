"""The half-monthly report's PDF: its text, its seal (checked on /verify/), its archive."""

import hashlib
import subprocess
from datetime import date

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from supervision.reports import services
from supervision.reports.models import HalfMonthReport
from tests.supervision.reports.conftest import FIRST, LAST

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(period_world, report_seal_settings):
    return services.report_make(first=FIRST, last=LAST)


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def test_the_pdf_names_each_department_with_its_figures(report, department, other_department, tmp_path):
    pdf = default_storage.open(report.file).read()
    text = _text(pdf, tmp_path)
    assert "半月报" in text and "Half-monthly supervision report" in text
    assert "2026年11月1日" in text and "2026年11月15日" in text
    words = " ".join(text.split())  # long English names wrap inside their cell
    for name in (department.name_zh, department.name_en, other_department.name_zh, other_department.name_en):
        assert name in words
    market = next(line for line in text.splitlines() if department.name_zh in line and "50.0%" in line)
    # received, decided, on time, on-time rate, average working days, visits, violations, ratings, satisfaction
    assert " ".join(market.split()[1:10]) == "3 2 1 50.0% 5.0 2 1 3 66.7%"


def test_the_archive_keeps_the_figures_the_file_and_its_hash(report):
    pdf = default_storage.open(report.file).read()
    assert pdf.startswith(b"%PDF-")
    assert report.sha256 == hashlib.sha256(pdf).hexdigest()
    assert report.revision == 1 and report.figures["city"]["received"] == 4
    assert report.seal.department.code == "supervision"


def test_the_report_is_sealed_with_the_office_official_seal(report):
    from seals.models import Seal

    assert report.seal.purpose == Seal.Purpose.OFFICIAL
    assert report.seal.department.kind == report.seal.department.Kind.SUPERVISION
    # An official seal reads only the office's name around the star: nothing under it, no title in its certificate.
    assert report.seal.purpose_zh == ""
    certificate = x509.load_pem_x509_certificate(report.seal.certificate_pem.encode())
    assert certificate.subject.get_attributes_for_oid(NameOID.TITLE) == []
    assert certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "市一网通办督查室"


def test_the_sealed_report_verifies_on_the_verify_page(client, report):
    pdf = default_storage.open(report.file).read()
    response = client.post(
        reverse("verify"), {"document": SimpleUploadedFile("report.pdf", pdf, content_type="application/pdf")}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "verify-report--valid" in body
    assert "市一网通办督查室" in body or "OneGate Supervision Office" in body


def test_a_re_run_makes_a_new_revision_with_the_same_figures_and_keeps_the_first(report):
    again = services.report_make(first=FIRST, last=LAST)
    assert again.revision == 2 and again.figures == report.figures
    assert again.file != report.file
    assert default_storage.exists(report.file)
    assert HalfMonthReport.objects.filter(first=FIRST, last=LAST).count() == 2


@pytest.mark.parametrize(
    "first, last",
    [(date(2026, 11, 2), date(2026, 11, 15)), (date(2026, 11, 1), date(2026, 11, 30)), (date(2026, 11, 16), date(2026, 11, 30))],
)
def test_only_a_whole_half_month_that_has_ended_is_reported(report_seal_settings, first, last):
    with pytest.raises(ValidationError):
        services.report_make(first=first, last=last)
    assert not HalfMonthReport.objects.exists()

