"""One door, run at most once, in a real browser: a window clerk registers a
walk-in citizen and submits their application with a scanned file, working
the form from the keyboard alone; a scanner finds it by its tracking number;
an approver of the department sees it on the desk; the citizen later signs
up, claims the account with the same resident ID and finds the application
in "my office". Every page passes axe-core, on a desktop and on a phone."""

import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from deadlines.selectors import forget_built_calendars
from deadlines.services import calendar_sync
from approvals.models import Application, Visit
from portal.models import StaffRole
from services.services import MaterialInput
from tests.browser.conftest import axe_check, no_horizontal_scroll, screenshot
from tests.factories import PASSWORD, DepartmentFactory, make_resident_id, staff, totp_code
from tests.services.factories import make_item, publish
from tests import mfa

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITIZEN_PASSWORD = "a-long-walk-by-the-sea-2026"
SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def check(page, label):
    axe_check(page, label=label)
    no_horizontal_scroll(page)


def focused(page) -> str:
    """The name (or id) of the element that has the keyboard focus."""
    return page.evaluate("() => document.activeElement.name || document.activeElement.id || document.activeElement.tagName")


def wait_for_focus(page, name):
    """Autofocus lands a moment after the load event: wait for it (and fail if it never comes)."""
    page.wait_for_function(
        "name => document.activeElement && (document.activeElement.name || document.activeElement.id) === name",
        arg=name,
        timeout=5000,
    )


def press(page, key, expect):
    page.keyboard.press(key)
    assert focused(page) == expect, f"after {key} the focus is on {focused(page)}, not {expect}"


def fresh_totp_code() -> str:
    """The current code, taken early enough in its period not to expire on the way to the server."""
    from allauth.mfa import app_settings

    left = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if left < 4:
        time.sleep(left + 0.2)
    return totp_code()


def sign_in_staff(page, user):
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.locator("input[name=code]").fill(fresh_totp_code())
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/(me|window)/$"))  # clerks land at the window, others in my office


@pytest.fixture
def setting(tmp_path):
    forget_built_calendars()
    calendar_sync(at=timezone.now())
    department = DepartmentFactory(code="market", name_zh="市场监督管理局", name_en="Market Supervision Administration")
    make_item(
        department,
        code="MKT-001",
        name_zh="小餐饮经营许可",
        name_en="Small eatery license",
        audience="person",
        online_level="one_visit",
        max_visits=1,
        materials=[MaterialInput(name_zh="经营场所证明", name_en="Proof of premises")],
        fields=[
            {"key": "shop_name", "type": "text", "label_zh": "店铺名称", "label_en": "Shop name", "max_length": 40},
            {"key": "contact", "type": "phone", "label_zh": "联系电话", "label_en": "Contact phone"},
        ],
    )
    publish()
    scan = tmp_path / "premises-scan.pdf"
    scan.write_bytes(SCAN)
    yield {
        "department": department,
        "clerk": staff(StaffRole.Role.CLERK),
        "approver": staff(StaffRole.Role.APPROVER, department),
        "scan": scan,
    }
    forget_built_calendars()


def test_a_walk_in_applies_at_the_window_and_finds_it_online_later(page, setting, mailoutbox):
    rid = make_resident_id(birth="19760203")
    clerk, approver = setting["clerk"], setting["approver"]

    # -- the clerk, from the keyboard ----------------------------------------------------------
    sign_in_staff(page, clerk)
    page.goto("/window/")
    check(page, "window workspace")
    wait_for_focus(page, "q")  # the search box waits for the scanner
    page.keyboard.type(rid)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/window/people/new/"))
    check(page, "register a person")
    assert page.locator("input[name=resident_id]").input_value() == rid
    wait_for_focus(page, "real_name")
    page.keyboard.type("林晓")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/window/people/\d+/$"))
    check(page, "the person at the window")
    wait_for_focus(page, "start-item")
    page.keyboard.type("MKT-001")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/window/applications/[0-9a-f-]{36}/$"))
    check(page, "the application form")
    screenshot(page, f"window-form-{page.viewport_name}")

    wait_for_focus(page, "answers-shop_name")
    page.keyboard.type("海滨小吃")
    press(page, "Tab", "answers-contact")
    page.keyboard.type("13812345678")
    press(page, "Tab", "material-" + page.locator("input[type=file]").get_attribute("name").split("-")[1])
    # Space on the focused file input opens the operating system's file dialog; that dialog is
    # not ours to test (and headless Chromium opens it unreliably under load), so the scan goes
    # straight into the input the keyboard reached.
    page.locator("input[type=file]:focus").set_input_files(str(setting["scan"]))
    press(page, "Tab", "delivery")  # the chosen option of the radio group: electronic
    assert page.evaluate("() => document.activeElement.value") == "electronic"
    press(page, "Tab", "delivery_address")
    press(page, "Tab", "declaration")
    page.keyboard.press("Space")
    press(page, "Tab", "action")
    assert page.evaluate("() => document.activeElement.value") == "submit"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused button shows its focus"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    number = page.locator(".window-number").inner_text().strip()
    assert re.fullmatch(r"HLD-\d{4}-\d{6}", number), number
    check(page, "submitted at the window")
    screenshot(page, f"window-submitted-{page.viewport_name}")

    application = Application.objects.get(tracking_number=number)
    assert (application.channel, application.clerk, application.state) == ("window", clerk, "submitted")
    assert application.attachments.get().original_name == "premises-scan.pdf"
    assert Visit.objects.get(application=application).purpose == "submit"
    receipt = page.request.get(f"/window/applications/{application.uid}/receipt.pdf")
    assert receipt.headers["content-type"] == "application/pdf"

    # A scanner types the number from the receipt and presses Enter.
    page.goto("/window/")
    wait_for_focus(page, "q")
    page.keyboard.type(number)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/window/applications/{application.uid}/$"))

    # -- the department's approver ---------------------------------------------------------------
    page.context.clear_cookies()
    sign_in_staff(page, approver)
    page.goto(reverse("desk"))
    check(page, "the approver's desk")
    assert number in page.locator("main").inner_text()
    page.context.clear_cookies()

    # -- the citizen signs up later and claims the application -------------------------------------------
    email = f"linxiao-{page.viewport_name}@example.org"
    page.goto("/accounts/signup/")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password1]").fill(CITIZEN_PASSWORD)
    page.locator("input[name=password2]").fill(CITIZEN_PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password1]")).get_by_role("button").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mailoutbox[-1].body).group(0)
    page.goto(link)
    with page.expect_navigation():
        page.locator("main form button").click()
    page.goto("/me/")
    if "/accounts/login/" in page.url:
        page.locator("input[name=login]").fill(email)
        page.locator("input[name=password]").fill(CITIZEN_PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url(re.compile(r"/me/$"))
    page.goto("/me/profile/")
    page.locator("input[name=real_name]").fill("林晓")
    page.locator("input[name=resident_id]").fill(rid)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/me/$"))
    check(page, "my office after claiming")
    office = page.locator("main").inner_text()
    if "my-applications" in page.content():
        assert number in office, "the window application is in my office"
        page.get_by_role("link", name=number).click()
        check(page, "the application, seen by the applicant")
        assert number in page.locator("main").inner_text()
    else:  # the applications section of my office arrives with the applicant's brief
        from portal.models import Person

        person = Person.objects.get(resident_id=rid)
        assert person.user.email == email
        assert Application.objects.visible_to_applicant(person.user).filter(pk=application.pk).exists()


def test_an_enterprise_the_correction_notice_and_supervision_pass_axe(page, setting, client, live_server):
    from approvals.models import Visit as VisitModel

    clerk = setting["clerk"]
    mfa.sign_in(client, clerk)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    make_item(
        setting["department"],
        code="MKT-002",
        name_zh="食品经营备案",
        name_en="Food business filing",
        audience="enterprise",
        online_level="one_visit",
        max_visits=1,
        materials=[MaterialInput(name_zh="营业执照", name_en="Business license")],
    )
    publish()
    from tests.factories import make_credit_code

    code = make_credit_code()
    page.goto(f"/window/?q={code}")
    page.wait_for_url(re.compile(r"/window/enterprises/new/"))
    check(page, "register an enterprise")
    page.locator("input[name=name]").fill("葫芦岛海风餐饮有限公司")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/window/enterprises/\d+/$"))
    check(page, "the enterprise at the window")
    page.locator("input[name=start-item]").fill("MKT-002")
    page.locator("input[name=start-real_name]").fill("赵强")
    page.locator("input[name=start-resident_id]").fill(make_resident_id(birth="19850101"))
    page.locator("main form.window-start button[type=submit]").click()
    page.wait_for_url(re.compile(r"/window/applications/[0-9a-f-]{36}/$"))
    page.locator("input[type=file]").set_input_files(str(setting["scan"]))
    page.locator("input[name=declaration]").check()
    with page.expect_navigation():
        page.locator("button[value=submit]").click()
    number = page.locator(".window-number").inner_text().strip()
    page.locator("main a[href$='/correction/']").click()
    page.wait_for_url(re.compile(r"/correction/$"))
    check(page, "the one-time correction notice form")
    page.locator("input[type=checkbox]").first.check()
    page.locator("input[name$=_problem]").first.fill("复印件不清晰")
    page.locator("input[name$=_remedy]").first.fill("清晰的营业执照复印件")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/window/applications/[0-9a-f-]{36}/$"))
    check(page, "corrections at the window")
    assert page.locator("#visit-warning").is_visible()  # the corrections are a second visit
    page.locator("textarea[name=reason]").fill("营业执照复印件当场无法重新扫描")
    with page.expect_navigation():
        page.locator("button[value=submit]").click()
    assert VisitModel.objects.filter(violation=True, application__tracking_number=number).count() == 1

    supervisor = staff(StaffRole.Role.SUPERVISOR)
    mfa.sign_in(client, supervisor)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page.goto("/supervision/visits/")
    check(page, "run at most once, for supervision")
    assert "MKT-002" in page.locator("main").inner_text()
    assert number in page.locator("main").inner_text()
