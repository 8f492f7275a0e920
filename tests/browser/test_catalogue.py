"""A visitor with no account finds the enterprise-establishment item and its 2-working-day promise."""

import io

import pytest
from playwright.sync_api import expect

from services import demo
from tests.browser.conftest import axe_check, no_horizontal_scroll


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_visitor_searches_the_catalogue_and_opens_the_enterprise_item(page):
    demo.seed(stdout=io.StringIO())

    page.goto("/catalogue/")
    expect(page.get_by_role("heading", level=1)).to_have_text("查找政务服务")
    axe_check(page, label=f"catalogue ({page.viewport_name})")
    no_horizontal_scroll(page)

    page.get_by_label("用中文或英文搜索").fill("企业开办")
    page.get_by_role("button", name="搜索", exact=True).click()
    expect(page.get_by_role("heading", level=2, name="个事项")).to_be_visible()
    axe_check(page, label=f"search results ({page.viewport_name})")
    no_horizontal_scroll(page)

    page.get_by_role("link", name="企业开办（一般企业设立登记）").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("企业开办（一般企业设立登记）")
    promise = page.locator(".promise > div").first
    expect(promise).to_contain_text("承诺时限")
    expect(promise).to_contain_text("2 个工作日")
    expect(page.get_by_text("营商环境建设局").first).to_be_visible()
    expect(page.get_by_role("link", name="在线申请")).to_be_visible()
    axe_check(page, label=f"item page ({page.viewport_name})")
    no_horizontal_scroll(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_english_search_and_the_public_pages_pass_axe(page):
    demo.seed(stdout=io.StringIO())
    page.goto("/catalogue/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("Search in Chinese or English").fill("business license")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("link", name="Setting up an enterprise (general establishment)")).to_be_visible()
    for path in ["/catalogue/metrics/", "/catalogue/versions/", "/catalogue/versions/1/", "/catalogue/BIZ-001/apply/"]:
        page.goto(path)
        axe_check(page, label=f"{path} ({page.viewport_name})")
        no_horizontal_scroll(page)
