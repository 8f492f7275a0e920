"""A new staff member is sent to enrol TOTP before any staff page, enrols in
the browser with a code from their authenticator, and is asked for a code at
the next sign-in. Every page passes axe-core."""

import re
import time

import pytest

from portal.models import StaffRole
from tests.browser.conftest import axe_check, no_horizontal_scroll
from tests.factories import PASSWORD, DepartmentFactory, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(secret: str, offset: int = 0) -> str:
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD + offset))


def _sign_in(page, email):
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def test_it_makes_staff_enrol_a_second_factor(page):
    approver = staff(StaffRole.Role.APPROVER, DepartmentFactory(), mfa=False)
    _sign_in(page, approver.email)
    page.goto("/admin/")
    if "/accounts/reauthenticate/" in page.url:  # allauth confirms the password before enrolment
        axe_check(page, label="confirm password")
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    axe_check(page, label="TOTP enrolment")
    no_horizontal_scroll(page)
    secret = page.locator("input#authenticator_secret, input[name=secret], code").first
    secret_text = secret.input_value() if secret.evaluate("e => e.tagName") == "INPUT" else secret.inner_text()
    secret_text = re.sub(r"\s", "", secret_text)
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret_text), secret_text
    page.locator("input[name=code]").fill(_code(secret_text))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "/accounts/2fa/totp/activate/" not in page.url
    axe_check(page, label="after enrolment")

    page.context.clear_cookies()
    _sign_in(page, approver.email)
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    axe_check(page, label="second factor at sign-in")
    page.locator("input[name=code]").fill(_code(secret_text, offset=1))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/me/$"))
