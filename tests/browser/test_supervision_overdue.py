"""Supervision's overdue page in a real browser: a supervisor reads late work
now, the period's decisions and the overdue list; the page and its period
error pass axe-core and do not scroll sideways, on a desktop and on a phone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from deadlines.selectors import forget_built_calendars
from deadlines.services import calendar_sync
from approvals.models import Escalation
from approvals.workflow import State
from portal.models import StaffRole
from tests.browser.conftest import axe_check, no_horizontal_scroll, screenshot
from tests.factories import DepartmentFactory, citizen, staff
from tests.services.factories import make_item, publish
from tests.supervision.conftest import make_application
from tests import mfa

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def late_work():
    forget_built_calendars()
    now = timezone.now()
    today = timezone.localdate(now)
    calendar_sync(at=now)
    department = DepartmentFactory(code="market", name_zh="市场监督管理局", name_en="Market Supervision Administration")
    item = make_item(department, code="MKT-001", name_zh="小餐饮经营许可", name_en="Small eatery license", audience="person")
    publish()
    applicant, approver = citizen(), staff(StaffRole.Role.APPROVER, department)
    late = make_application(item, applicant, State.IN_REVIEW, due_on=today - timedelta(days=9), assignee=approver)
    Escalation.objects.create(
        application=late, level=Escalation.Level.SUPERVISION, sla="overdue", due_on=late.due_on, at=now
    )
    make_application(item, applicant, State.ACCEPTED, due_on=today - timedelta(days=3))
    make_application(item, applicant, State.ACCEPTED, due_on=today + timedelta(days=20))
    day = timedelta(days=1)
    make_application(item, applicant, State.APPROVED, due_on=today - 5 * day, decided_at=now - 6 * day)  # on time
    make_application(item, applicant, State.DENIED, due_on=today - 8 * day, decided_at=now - 2 * day)  # late
    yield late
    forget_built_calendars()


def _sign_in(page, client, live_server, user):
    mfa.sign_in(client, user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


def test_a_supervisor_reads_overdue_work(page, late_work, client, live_server):
    _sign_in(page, client, live_server, staff(StaffRole.Role.SUPERVISOR))
    page.goto("/supervision/overdue/")
    axe_check(page, label=f"overdue work ({page.viewport_name})")
    no_horizontal_scroll(page)
    screenshot(page, f"supervision-overdue-{page.viewport_name}")
    main = page.locator("main").inner_text()
    assert "超期办件" in main and "市场监督管理局" in main
    assert late_work.tracking_number in main
    assert page.locator("main table").count() == 3
    assert page.locator("main .rate--bad").count() == 1  # the department's overdue share

    # A period that ends before it starts is explained, at the top and beside the field.
    page.locator("input[name=since]").fill("2026-11-20")
    page.locator("input[name=until]").fill("2026-11-01")
    with page.expect_navigation():
        page.locator("main form.period button[type=submit]").click()
    axe_check(page, label=f"overdue work, a bad period ({page.viewport_name})")
    no_horizontal_scroll(page)
    assert page.title().startswith("错误：")
    assert "截止日期不能早于起始日期。" in page.locator(".error-summary").inner_text()
    assert page.locator("main").inner_text().count("截止日期不能早于起始日期。") == 2
