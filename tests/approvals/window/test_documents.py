"""The acceptance receipt and the one-time correction notice: bilingual A4
PDFs with embedded Chinese text. Their text is extracted with pdftotext, as
a reader (or a screen reader) would get it."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from approvals import services as workflow
from approvals.window.services import correction_notice_pdf, receipt_pdf, track_url
from portal.pdf import bilingual_long_date as bilingual_date
from tests.approvals.window.conftest import DUE, NOW

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def text_of(pdf: bytes, tmp_path, name="doc") -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: install poppler-utils")
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def contains(text: str, expected: str) -> bool:
    """Whether `expected` is in the extracted text, ignoring the layout's spaces and line breaks
    (spaced-out titles come out as "受 理回执")."""
    return re.sub(r"\s+", "", expected) in re.sub(r"\s+", "", text)


def first_page_png(pdf: bytes, tmp_path, name: str) -> Path:
    """Page 1 at 80 dpi, kept in test-artifacts/ to be looked at."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(path), str(ARTIFACTS / name)],
        check=True,
    )
    return ARTIFACTS / f"{name}.png"


def page_count(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "count.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_bilingual_dates_are_real_dates():
    day = bilingual_date(DUE)
    assert (day.zh, day.en) == ("2026年12月3日（星期四）", "Thursday 3 December 2026")


def test_the_acceptance_receipt_carries_the_number_the_code_the_due_date_and_the_materials(submitted, clerk, tmp_path):
    application = workflow.application_accept(application=submitted, actor=clerk, at=NOW)
    assert application.due_on == DUE
    pdf = receipt_pdf(application)
    assert pdf.startswith(b"%PDF") and page_count(pdf, tmp_path) == 1
    text = text_of(pdf, tmp_path)
    for expected in (
        "受理回执",
        "Acceptance receipt",
        application.tracking_number,
        application.query_code,
        "2026年12月3日（星期四）",
        "Thursday 3 December 2026",
        "小餐饮经营许可",
        "经营场所证明",
        "Proof of premises",
        "食品安全承诺书",
        "Food safety pledge",
        "市场监督管理局",
        "无需再到窗口领取",
    ):
        assert contains(text, expected), expected
    assert application.applicant_person.resident_id not in text  # masked
    assert application.applicant_person.masked_id in text
    assert track_url(application).endswith(f"/track/?number={application.tracking_number}")
    assert application.query_code not in track_url(application)  # the secret stays off URLs
    first_page_png(pdf, tmp_path, "window-receipt")


def test_before_acceptance_it_is_a_submission_receipt_without_a_due_date(submitted, tmp_path):
    text = text_of(receipt_pdf(submitted), tmp_path)
    assert contains(text, "收件回执") and "Submission receipt" in text
    assert submitted.tracking_number in text
    assert contains(text, "受理后确定并通知您")


def test_the_correction_notice_lists_every_missing_material_and_what_to_do(submitted, clerk, tmp_path):
    premises, pledge = submitted.item_version.materials.all()
    lines = [
        {"material": premises.pk, "problem": "租赁合同已过期", "remedy": "有效期一年以上的租赁合同"},
        {"material": pledge.pk, "problem": "未签字", "remedy": "申请人签字的承诺书"},
        {"material": None, "name": "卫生许可证", "problem": "缺少", "remedy": "卫生许可证复印件"},
    ]
    application = workflow.application_request_correction(application=submitted, actor=clerk, items=lines, at=NOW)
    notice = application.corrections.get()
    pdf = correction_notice_pdf(notice)
    text = text_of(pdf, tmp_path, "notice")
    for expected in (
        "一次性告知书",
        "One-time correction notice",
        application.tracking_number,
        "经营场所证明",
        "Proof of premises",
        "食品安全承诺书",
        "卫生许可证",
        "租赁合同已过期",
        "有效期一年以上的租赁合同",
        "申请人签字的承诺书",
        f"/me/applications/{application.uid}/",
        "2026年11月26日（星期四）",
        "市民中心一楼综合窗口",
    ):
        assert contains(text, expected), expected
    first_page_png(pdf, tmp_path, "window-correction-notice")


def test_a_draft_has_no_receipt(draft):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        receipt_pdf(draft)
