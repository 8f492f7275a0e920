"""A citizen applies online for a 2-working-day item and uploads a PDF; the
approver (signed in with a second factor) asks for a correction at the desk;
the citizen resubmits; the approver accepts and approves; the citizen sees the
whole timeline. Every page passes axe-core, on a desktop and on a 375-pixel
phone, without sideways scrolling."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from deadlines.services import calendar_sync
from approvals.models import Application
from portal.models import StaffRole
from services.services import MaterialInput
from tests.browser.conftest import axe_check, no_horizontal_scroll, screenshot, without_pdf_viewer
from tests.factories import PASSWORD, DepartmentFactory, citizen, staff, totp_code
from tests.services.factories import make_item, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CODE = "BIZ-201"


def check(page, label):
    axe_check(page, label=f"{label} ({page.viewport_name})")
    no_horizontal_scroll(page)


def english(context, base_url):
    context.add_cookies([{"name": "django_language", "value": "en", "url": base_url}])


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def sign_in_staff(page, email):
    sign_in(page, email)
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.locator("input[name=code]").fill(totp_code())
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def desk_action(page, tracking_number, action, fill=None):
    page.goto(f"/desk/{tracking_number}/")
    details = page.locator(f"#action-{action}")
    # From the keyboard, as an approver may work: once the PDF preview's viewer has loaded
    # (after the load event), headless Chromium drops some mouse clicks on the rest of the page.
    details.locator(":scope > summary").press("Enter")
    if fill:
        fill(details)
    with page.expect_navigation():
        details.locator("button[type=submit]").press("Enter")
    expect(page.locator(".notices")).to_contain_text(tracking_number)


@pytest.fixture
def approver_page(browser, page, live_server):
    context = browser.new_context(viewport=page.viewport_size, base_url=live_server.url, locale="zh-CN")
    english(context, live_server.url)
    without_pdf_viewer(context)
    approver_page = context.new_page()
    approver_page.set_default_timeout(15000)
    approver_page.viewport_name = page.viewport_name
    yield approver_page
    context.close()


def test_a_citizen_applies_corrects_and_is_approved(page, approver_page, live_server):
    calendar_sync(at=timezone.now())
    department = DepartmentFactory(code="business", name_zh="营商环境建设局", name_en="Business Environment Bureau")
    make_item(
        department,
        code=CODE,
        audience="person",
        name_zh="个体工商户登记",
        name_en="Registering a sole trader",
        promised_limit_days=2,
        statutory_limit_days=5,
        materials=[MaterialInput(name_zh="经营场所证明", name_en="Proof of premises")],
        fields=[
            {"key": "shop_name", "type": "text", "label_zh": "店铺名称", "label_en": "Shop name", "max_length": 40},
            {"key": "phone", "type": "phone", "label_zh": "联系电话", "label_en": "Phone"},
        ],
    )
    publish()
    applicant = citizen(real_name="林晓")
    approver = staff(StaffRole.Role.APPROVER, department)
    english(page.context, live_server.url)

    # The citizen finds the item, starts, and answers (a mistake first: nothing typed is lost).
    sign_in(page, applicant.email)
    page.goto(f"/catalogue/{CODE}/")
    page.get_by_role("link", name="Apply online").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply online: Registering a sole trader")
    expect(page.get_by_text("within 2 working days")).to_be_visible()
    check(page, "start page")
    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your application")
    check(page, "task list")

    page.get_by_role("link", name="Your answers").click()
    page.get_by_label("Shop name").fill("海滨小吃")
    page.get_by_label("Phone").fill("12345")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".error-summary")).to_contain_text("Phone")
    expect(page.get_by_label("Shop name")).to_have_value("海滨小吃")
    check(page, "answers with an error")
    page.locator(".error-summary a").first.click()
    page.get_by_label("Phone").fill("13800000000")
    page.get_by_role("button", name="Save and continue").click()

    # Materials: a PDF.
    expect(page.get_by_role("heading", level=1)).to_have_text("Materials")
    page.get_by_label("Add files for “Proof of premises”").set_input_files(
        files=[{"name": "premises.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".file-list")).to_contain_text("premises.pdf")
    check(page, "materials")
    screenshot(page, f"apply-materials-{page.viewport_name}")
    page.get_by_role("link", name="Continue").click()

    # Delivery, check your answers, declaration, submit.
    expect(page.get_by_role("heading", level=1)).to_have_text("How do you want to receive the result?")
    check(page, "delivery")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before you submit")
    expect(page.locator("main")).to_contain_text("海滨小吃")
    expect(page.locator("main")).to_contain_text("premises.pdf")
    check(page, "check your answers")
    screenshot(page, f"apply-check-{page.viewport_name}")
    page.get_by_label(re.compile("I declare")).check()
    page.get_by_role("button", name="Accept and submit").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Application submitted")
    application = Application.objects.get()
    number = application.tracking_number
    assert re.fullmatch(rf"HLD-{timezone.localdate().year}-\d{{6}}", number)
    expect(page.locator(".big-number")).to_have_text(number)
    expect(page.locator(".query-code")).to_have_text(application.query_code)
    check(page, "confirmation")
    screenshot(page, f"apply-confirmation-{page.viewport_name}")

    # The approver, signed in with a second factor, asks for a correction at the desk.
    sign_in_staff(approver_page, approver.email)

    def correction(details):
        details.locator("summary", has_text="Proof of premises").press("Enter")  # each material folds open
        box = details.get_by_label("“Proof of premises” needs correcting")
        box.press("Space")
        expect(box).to_be_checked()
        details.get_by_label("What is wrong with “Proof of premises”").fill("The scan is unreadable")
        details.get_by_label("What the applicant should do").first.fill("Upload a clear scan")

    desk_action(approver_page, number, "request_correction", correction)

    # The citizen sees the notice in my office and on the application, replaces the file and resubmits.
    page.goto("/me/")
    expect(page.locator("#my-applications ~ table")).to_contain_text(number)
    check(page, "my office")
    page.get_by_role("link", name=number, exact=True).click()
    expect(page.locator("#correction")).to_contain_text("The scan is unreadable")
    check(page, "application with a correction notice")
    page.get_by_role("link", name="Replace or add materials").click()
    page.get_by_role("button", name="Remove premises.pdf").click()
    page.get_by_label("Add files for “Proof of premises”").set_input_files(
        files=[{"name": "premises-clear.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".file-list")).to_contain_text("premises-clear.pdf")
    page.get_by_role("link", name="Back to your application").last.click()
    page.get_by_role("link", name="Check and send the corrections").click()
    check(page, "check the corrections")
    page.get_by_role("button", name="Send the corrections").click()
    expect(page.locator(".notices")).to_contain_text("Your corrections are sent")

    # The approver accepts (the 2-day clock starts) and approves.
    desk_action(approver_page, number, "accept")
    desk_action(approver_page, number, "approve")
    application.refresh_from_db()
    assert application.state == "approved"

    # The citizen sees the whole timeline.
    page.goto(f"/me/applications/{application.uid}/")
    timeline = page.locator("ol.timeline > li")
    expect(timeline).to_have_count(5)
    for i, step in enumerate(["Submitted", "Correction requested", "Corrections resubmitted", "Accepted", "Approved"]):
        expect(timeline.nth(i).locator("strong")).to_have_text(step)
    expect(page.locator(".status-line .badge")).to_have_text("Approved")
    check(page, "application page")
    screenshot(page, f"apply-application-{page.viewport_name}")

    # The file opens for the applicant with its real type.
    response = page.request.get(f"/me/applications/{application.uid}/files/{application.attachments.get().pk}/")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
