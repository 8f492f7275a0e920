"""Approved to license, in a real browser: the approver (signed in with a second
factor) approves at the desk; the license is issued (Celery runs eagerly here;
tests/licenses/test_real_worker.py runs a real worker); the holder finds it in
the wallet and downloads it; /verify/<number>/ shows it as valid; uploading
the downloaded PDF at /verify/ reports the seal intact and the document
genuine. Every page passes axe-core, on a desktop and on a 375-pixel phone."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from approvals import services as workflow
from deadlines.services import calendar_sync
from licenses.models import License, LicenseType
from portal.models import StaffRole
from seals import services as seal_services
from services.services import MaterialInput
from tests.browser.conftest import axe_check, no_horizontal_scroll, screenshot, without_pdf_viewer
from tests.factories import PASSWORD, DepartmentFactory, citizen, staff, totp_code
from tests.licenses.conftest import FIELDS, answers, pdf_upload
from tests.services.factories import make_item, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, label, shot=""):
    axe_check(page, label=f"{label} ({page.viewport_name})")
    no_horizontal_scroll(page)
    if shot:
        screenshot(page, f"{shot}-{page.viewport_name}")


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


@pytest.fixture
def accepted(settings, tmp_path, live_server):
    """An accepted application for an item that produces a business license, and the department's seal."""
    settings.SEAL_KEK_FILE = str(tmp_path / "seal-kek.key")
    settings.SEAL_TSA_URL = ""
    settings.SITE_URL = live_server.url
    seal_services.forget_signers()
    calendar_sync(at=timezone.now())
    department = DepartmentFactory(code="market", name_zh="市场监督管理局", name_en="Market Supervision Administration")
    seal_services.root_create()
    seal_services.seal_issue(department=department)
    license_type = LicenseType.objects.create(
        code="business-license",
        name_zh="营业执照",
        name_en="business license",
        number_prefix="YYZZ",
        template=LicenseType.Template.BUSINESS_LICENSE,
        printed_fields=[{"key": "proposed_name", "label_zh": "登记名称", "label_en": "Registered name"}, {"key": "business_scope"}],
    )
    make_item(
        department,
        code="MKT-501",
        name_zh="个体工商户设立登记",
        name_en="Registering a sole trader",
        audience="person",
        license_type=license_type,
        materials=[MaterialInput(name_zh="经营场所证明", name_en="Proof of premises")],
        fields=FIELDS,
    )
    publish()
    holder = citizen(real_name="王小明")
    approver = staff(StaffRole.Role.APPROVER, department)
    application = workflow.application_start(actor=holder, item_code="MKT-501")
    workflow.application_save(application=application, actor=holder, data=answers())
    material = application.item_version.materials.get()
    workflow.attachment_add(application=application, actor=holder, material=material, upload=pdf_upload())
    application = workflow.application_submit(application=application, actor=holder, declaration=True)
    application = workflow.application_accept(application=application, actor=approver)
    yield application, holder, approver
    seal_services.forget_signers()


def test_an_approved_application_becomes_a_license_the_holder_downloads_and_anyone_verifies(
    page, browser, live_server, accepted, tmp_path
):
    application, holder, approver = accepted

    # The approver signs in with a second factor and approves at the desk.
    context = browser.new_context(viewport=page.viewport_size, base_url=live_server.url, locale="zh-CN")
    without_pdf_viewer(context)
    desk = context.new_page()
    desk.set_default_timeout(15000)
    desk.viewport_name = page.viewport_name
    sign_in(desk, approver.email)
    desk.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    desk.locator("input[name=code]").fill(totp_code())
    with desk.expect_navigation():
        desk.locator("main form button[type=submit]").first.click()
    desk.goto(f"/desk/{application.tracking_number}/")
    action = desk.locator("#action-approve")
    action.locator("summary").press("Enter")  # keys, not clicks: see desk_action in test_apply_journey
    with desk.expect_navigation():
        action.locator("button[type=submit]").press("Enter")
    expect(desk.locator(".notices")).to_contain_text(application.tracking_number)
    context.close()

    license = License.objects.get(application=application)
    assert license.status == License.Status.VALID  # issued after the approval's commit

    # The holder finds it in the wallet, downloads it, and shows its QR code.
    sign_in(page, holder.email)
    page.goto("/me/licenses/")
    expect(page.locator("main")).to_contain_text(license.number)
    expect(page.locator("main")).to_contain_text("有效")
    check(page, "wallet", "license-wallet")
    # The card's values have room: the number reads on one line, not a character per line.
    number = page.locator(".wallet .license-number").first.bounding_box()
    assert number["width"] > number["height"] * 4, number
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("下载 PDF")).first.click()
    downloaded = tmp_path / "downloaded.pdf"
    download_info.value.save_as(downloaded)
    assert downloaded.read_bytes().startswith(b"%PDF-")
    page.get_by_role("link", name=re.compile("出示二维码")).first.click()
    expect(page.locator(".license-qr svg")).to_be_visible()
    check(page, "wallet license with QR", "license-wallet-qr")

    # Anyone following the QR code sees it valid.
    page.goto(f"/verify/{license.number}/")
    expect(page.locator(".license-verdict")).to_contain_text("此证照有效。")
    expect(page.locator("main")).to_contain_text("王*明")
    check(page, "verify by number", "license-verify")

    # Uploading the downloaded PDF: the seal is intact and the document is the one issued.
    page.goto("/verify/")
    check(page, "verify upload (empty)")
    page.get_by_label("已盖章的 PDF 文件").set_input_files(str(downloaded))
    page.get_by_role("button", name="验证印章").click()
    expect(page.locator(".verify-report")).to_contain_text("有效：由市场监督管理局加盖，盖章后未被改动。")
    expect(page.locator(".license-check")).to_contain_text("文件为原件。")
    expect(page.locator(".license-check")).to_contain_text(license.number)
    check(page, "verify upload (report)", "license-verify-upload")


def test_the_department_revokes_a_license_and_the_check_page_says_so_at_once(page, live_server, accepted):
    from licenses.tasks import issue_license

    application, holder, approver = accepted
    application = workflow.application_approve(application=application, actor=approver)
    issue_license.delay(application.pk)
    license = License.objects.get(application=application)

    sign_in(page, approver.email)
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.locator("input[name=code]").fill(totp_code())
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    page.goto("/staff/licenses/")
    expect(page.locator("main")).to_contain_text(license.number)
    check(page, "staff license list", "license-staff-list")
    page.get_by_role("link", name=license.number).click()
    check(page, "staff license")

    revoke = page.locator("form[action$='/revoke/']")
    with page.expect_navigation():
        revoke.locator("button[type=submit]").click()  # no reason: refused
    expect(page.locator(".error-summary")).to_be_visible()
    check(page, "staff license (error)")
    page.locator("form[action$='/revoke/'] textarea").fill("以欺骗手段取得许可")
    with page.expect_navigation():
        page.locator("form[action$='/revoke/'] button[type=submit]").click()
    expect(page.locator(".notices")).to_contain_text(license.number)
    check(page, "staff license (revoked)", "license-staff-revoked")

    page.goto(f"/verify/{license.number}/")
    expect(page.locator(".license-verdict")).to_contain_text("此证照已被吊销，不再有效。")
    check(page, "verify (revoked)")

    page.goto("/staff/licenses/reissue/")
    check(page, "re-issue form")
