"""An administrator enters a year's State Council notice in a real browser;
the public month grid shows it, and an open deadline moves."""

from datetime import date

import pytest
from django.utils import timezone

from deadlines.services import calendar_sync
from deadlines.clocks import clock_start
from tests.deadlines.conftest import NOTICE_2027
from tests.browser.conftest import axe_check, no_horizontal_scroll
from tests.factories import DepartmentFactory, staff
from tests import mfa

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, client, user, live_server):
    """Reuse a Django session: the sign-in journey itself is tested with the accounts."""
    mfa.sign_in(client, user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_an_administrator_enters_next_years_notice(page, client, live_server):
    calendar_sync(at=timezone.now())
    # By rule, 2027's Spring Festival is 5–10 February: due 16 February, provisionally.
    clock = clock_start(accepted_on=date(2027, 2, 3), limit_days=5, at=timezone.now())
    assert (clock.due_on, clock.provisional) == (date(2027, 2, 16), True)
    sign_in(page, client, staff("list_admin", DepartmentFactory()), live_server)

    page.goto("/staff/calendar/")
    assert page.locator("h1").inner_text() == "工作日历管理"
    axe_check(page, label="calendar administration")
    no_horizontal_scroll(page)

    page.goto("/staff/calendar/notice/?year=2027")
    page.fill("#id_notice", NOTICE_2027.reference)
    for i, holiday in enumerate(NOTICE_2027.holidays):
        page.fill(f"#id_holidays-{i}-name_zh", holiday.name_zh)
        page.fill(f"#id_holidays-{i}-name_en", holiday.name_en)
        page.fill(f"#id_holidays-{i}-first_day", holiday.first_day.isoformat())
        page.fill(f"#id_holidays-{i}-last_day", holiday.last_day.isoformat())
    for i, working in enumerate(NOTICE_2027.working_days):
        page.fill(f"#id_working-{i}-day", working.day.isoformat())
        page.fill(f"#id_working-{i}-name_zh", working.name_zh)
    axe_check(page, label="notice form")
    no_horizontal_scroll(page)
    with page.expect_navigation():
        page.click("button[value=preview]")

    preview = page.locator("section.notice-preview")
    assert "预览" in preview.locator("#preview-title").inner_text()
    assert "1 件未办结事项" in preview.inner_text()  # the clock above would move
    february = preview.locator("table.cal-month").nth(1)
    assert february.locator("td.cal-day--adjusted").inner_text().startswith("20")
    assert february.locator("td.cal-day--holiday").count() == 9
    axe_check(page, label="notice preview")
    no_horizontal_scroll(page)
    with page.expect_navigation():
        page.click("button[value=save]")

    page.wait_for_url("**/calendar/2027/")
    assert "2027 年的通知已保存" in page.locator(".notices").inner_text()
    assert "正式" in page.locator(".badge").first.inner_text()
    february = page.locator("table.cal-month").nth(1)
    assert february.locator("td.cal-day--adjusted").inner_text().startswith("20")
    assert february.locator("td.cal-day--holiday").count() == 9
    january = page.locator("table.cal-month").nth(0)
    assert january.locator("td.cal-day--adjusted").inner_text().startswith("31")
    axe_check(page, label="month grid 2027")
    no_horizontal_scroll(page)

    # The deadline computed before the notice moved with it.
    clock.refresh_from_db()
    assert (clock.due_on, clock.provisional) == (date(2027, 2, 18), False)
    assert clock.events.filter(kind="moved").exists()


def test_the_public_grid_reads_well(page):
    calendar_sync(at=timezone.now())
    page.goto("/calendar/2026/")
    february = page.locator("table.cal-month").nth(1)
    assert february.locator("caption").inner_text().startswith("二月")
    adjusted = [cell.split()[0] for cell in february.locator("td.cal-day--adjusted").all_inner_texts()]
    assert adjusted == ["14", "28"]
    axe_check(page, label="month grid 2026")
    no_horizontal_scroll(page)
    page.goto("/calendar/2027/")
    assert "暂定" in page.locator(".badge").first.inner_text()
    axe_check(page, label="provisional grid 2027")
    no_horizontal_scroll(page)
