"""What the license PDF says: text extracted with poppler's pdftotext, and each
template rendered to a PNG in test-artifacts/ (looked at by a person)."""

import subprocess
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from licenses import documents
from licenses.models import License, LicenseType
from licenses.tasks import issue_license
from portal.identifiers import mask_identifier

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "license.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _png(pdf: bytes, name: str, tmp_path) -> Path:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(path), str(ARTIFACTS / name)], check=True)
    return ARTIFACTS / f"{name}.png"


def _fonts(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def test_the_text_has_the_number_the_masked_ids_and_the_chinese_type_name(approved, applicant, tmp_path):
    issue_license.delay(approved.pk)
    license = License.objects.get()
    pdf = default_storage.open(license.file.name).read()
    assert _png(pdf, "license-business", tmp_path).stat().st_size > 10_000

    text = _text(pdf, tmp_path)
    assert license.number in text
    assert mask_identifier(applicant.person.resident_id) in text
    assert applicant.person.resident_id not in text
    assert approved.form_data["representative_id"] not in text
    assert mask_identifier(approved.form_data["representative_id"]) in text
    assert "营业执照" in text and "electronic business license" in text
    assert "葫芦岛海滨小吃有限公司" in text and "有限责任公司" in text
    assert "市场监督管理局" in text and "2026年11月26日" in text
    assert f"http://testserver/verify/{license.number}/" in text


def test_it_embeds_only_the_two_subset_faces(approved, tmp_path):
    issue_license.delay(approved.pk)
    pdf = default_storage.open(License.objects.get().file.name).read()

    fonts = _fonts(pdf, tmp_path)
    assert "OneGate-Sans" in fonts and "OneGate-Serif" in fonts
    assert "Noto" not in fonts  # no fallback to the full system fonts for ordinary text
    assert len(pdf) < 250 * 1024


def test_a_rare_character_falls_back_to_the_full_font(item, approver, seal, tmp_path):
    from tests.factories import citizen
    from tests.licenses.conftest import approve

    holder = citizen(real_name="王喆堃")  # 喆 and 堃 are not in GB 2312
    application = approve(item.code, holder, approver)
    issue_license.delay(application.pk)
    pdf = default_storage.open(License.objects.get().file.name).read()

    assert "王喆堃" in _text(pdf, tmp_path)


@pytest.mark.parametrize("template", [choice for choice, _label in LicenseType.Template.choices])
def test_every_template_renders_one_a4_page(approved, business_license, template, tmp_path):
    business_license.template = template
    business_license.save()
    issue_license.delay(approved.pk)
    license = License.objects.get()
    pdf = default_storage.open(license.file.name).read()
    _png(pdf, f"license-{template}", tmp_path)

    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Pages:           1" in info and "595.276 x 841.89 pts (A4)" in info
    text = _text(pdf, tmp_path)
    assert license.number in text and "葫芦岛海滨小吃有限公司" in text


def test_the_seal_goes_where_the_template_leaves_room_for_it(approved):
    from licenses.models import License as LicenseModel
    from licenses.services import license_open

    license = license_open(application_id=approved.pk)
    rendered = documents.render(LicenseModel.objects.with_relations().get(pk=license.pk), revision=1)

    x1, y1, x2, y2 = rendered.box
    assert rendered.page == 0
    assert round(x2 - x1) == round(y2 - y1) == round(40 * 72 / 25.4)  # a 40 mm square
    assert 300 < x1 and x2 < 595.3 - 30  # right half of the page, inside the frame
    assert 100 < y1 < 300  # in the lower third, above the footer
