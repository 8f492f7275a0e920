"""A newcomer signs up, verifies their email, completes their profile with a
resident ID, signs out and signs back in, in a real browser; each page passes
axe-core, on a desktop and on a 375-pixel phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, no_horizontal_scroll, screenshot
from tests.factories import make_resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-walk-by-the-sea-2026"


def check(page, label):
    axe_check(page, label=label)
    no_horizontal_scroll(page)


def test_it_takes_a_newcomer_from_sign_up_to_sign_in(page, mailoutbox):
    email = f"newcomer-{page.viewport_name}@example.org"
    rid = make_resident_id(birth="19920415")

    page.goto("/")
    check(page, "home")
    page.get_by_role("link", name="注册账号").first.click()
    check(page, "sign up")
    page.get_by_label("电子邮箱").fill(email)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password1]")).get_by_role("button").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    check(page, "verification sent")

    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mailoutbox[0].body).group(0)
    page.goto(link)
    check(page, "confirm email")
    with page.expect_navigation():
        page.locator("main form button").click()
    page.goto("/me/")
    if "/accounts/login/" in page.url:  # some allauth settings ask to sign in after confirming
        page.locator("input[name=login]").fill(email)
        page.locator("input[name=password]").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
        page.goto("/me/")
    check(page, "my office, no profile")
    page.get_by_role("link", name="完善个人信息").click()
    check(page, "profile form")

    # A wrong check character is explained, and what was typed stays.
    page.get_by_label("姓名（与身份证一致）").fill("林晓")
    page.get_by_label("居民身份证号码").fill(rid[:-1] + ("1" if rid[-1] != "1" else "2"))
    with page.expect_navigation():
        page.get_by_role("button", name="保存个人信息").click()
    expect(page.locator(".error-summary")).to_contain_text("校验位")
    assert page.get_by_label("姓名（与身份证一致）").input_value() == "林晓"
    check(page, "profile form with errors")

    page.get_by_label("居民身份证号码").fill(rid.lower())
    page.get_by_role("button", name="保存个人信息").click()
    page.wait_for_url(re.compile(r"/me/$"))
    body = page.locator("main").inner_text()
    assert "林晓" in body
    assert rid[:3] + "*" * 11 + rid[-4:] in body
    assert rid not in body
    check(page, "my office")
    screenshot(page, f"my-office-{page.viewport_name}")

    if page.viewport_name == "phone":  # the links sit behind the menu button on a phone
        page.locator(".site-menu__toggle").click()
    page.get_by_role("link", name="退出").click()
    check(page, "sign out")
    with page.expect_navigation():
        page.locator("main form button").click()
    page.goto("/accounts/login/")
    check(page, "sign in")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/me/$"))
    assert "林晓" in page.locator("main").inner_text()
