"""A relying party uploads a sealed PDF on /verify/ and reads the verdict, on a desktop and a phone."""

import pytest

from seals import services
from tests.browser.conftest import axe_check, no_horizontal_scroll
from tests.factories import DepartmentFactory


@pytest.fixture
def sealed_pdf(tmp_path, settings):
    from weasyprint import HTML

    settings.SEAL_KEK_FILE = str(tmp_path / "seal-kek.key")
    settings.SEAL_TSA_URL = ""
    services.forget_signers()
    services.root_create()
    department = DepartmentFactory(code="market", name_zh="市场监督管理局", name_en="Market Supervision Administration")
    seal = services.seal_issue(department=department)
    pdf = HTML(string="<h1>营业执照</h1><p>证照编号 HLD-2026-000123</p>").write_pdf()
    path = tmp_path / "营业执照.pdf"
    path.write_bytes(services.seal_pdf(pdf, seal=seal, reason="核发营业执照", task="test"))
    return path


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_relying_party_checks_a_sealed_license(page, sealed_pdf):
    page.goto("/verify/")
    axe_check(page, label="verify (empty)")
    no_horizontal_scroll(page)

    page.get_by_label("已盖章的 PDF 文件").set_input_files(str(sealed_pdf))
    with page.expect_navigation():
        page.get_by_role("button", name="验证印章").click()

    report = page.locator(".verify-report")
    assert "有效：由市场监督管理局加盖，盖章后未被改动。" in report.inner_text()
    assert "印章证书由 OneGate 根证书颁发机构签发。" in report.inner_text()
    axe_check(page, label="verify (report)")
    no_horizontal_scroll(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_relying_party_is_told_when_a_file_is_not_a_pdf(page, sealed_pdf, tmp_path):
    fake = tmp_path / "license.pdf"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    page.goto("/verify/")

    page.get_by_label("已盖章的 PDF 文件").set_input_files(str(fake))
    with page.expect_navigation():
        page.get_by_role("button", name="验证印章").click()

    assert "该文件不是 PDF。" in page.locator(".error-summary").inner_text()
    axe_check(page, label="verify (error)")
