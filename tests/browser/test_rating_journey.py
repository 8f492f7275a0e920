"""好差评 in a real browser: a citizen rates an approved application 不满意 with a
tag; the department's approver sees the case, logs the callback and the fix;
the citizen reads the feedback and rates the fix; the supervisor finds it all
in the half-monthly report. Every page passes axe-core and does not scroll
sideways, on a desktop and on a phone."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from approvals.workflow import State
from deadlines.selectors import forget_built_calendars
from portal.models import StaffRole
from seals import services as seal_services
from supervision.ratings.models import Case, CaseState, Level
from supervision.reports.services import report_make
from supervision.services import half_month_period
from tests import mfa
from tests.browser.conftest import axe_check, no_horizontal_scroll, screenshot
from tests.factories import DepartmentFactory, citizen, staff
from tests.services.factories import make_item, publish
from tests.supervision.conftest import make_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def decided(settings, tmp_path):
    settings.SEAL_KEK_FILE = str(tmp_path / "seal-kek.key")
    settings.SEAL_TSA_URL = ""
    seal_services.forget_signers()
    forget_built_calendars()
    department = DepartmentFactory(code="market", name_zh="市场监督管理局", name_en="Market Supervision Administration")
    item = make_item(department, code="MKT-001", name_zh="小餐饮经营许可", name_en="Small eatery license", audience="person")
    publish()
    applicant, approver = citizen(real_name="王小明"), staff(StaffRole.Role.APPROVER, department)
    staff(StaffRole.Role.SUPERVISOR)
    today = timezone.localdate()
    application = make_application(
        item, applicant, State.APPROVED, due_on=today + timedelta(days=3), assignee=approver,
        decided_at=timezone.now() - timedelta(days=1),
    )
    yield application, applicant, approver
    forget_built_calendars()
    seal_services.forget_signers()


def _as(page, client, live_server, user):
    client.logout()
    mfa.sign_in(client, user)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


def _check(page, label):
    axe_check(page, label=f"{label} ({page.viewport_name})")
    no_horizontal_scroll(page)
    screenshot(page, f"rating-{label}-{page.viewport_name}")


def _submit(page, action):
    page.locator(f"form:has(input[name=action][value={action}]) button[type=submit]").click()
    page.wait_for_load_state()


def test_a_bad_rating_is_called_back_fixed_and_the_fix_rated(page, decided, client, live_server):
    application, applicant, approver = decided

    # The citizen rates the approved application from "my office".
    _as(page, client, live_server, applicant)
    page.goto(f"/me/applications/{application.uid}/")
    page.get_by_role("link", name="评价本次服务").click()
    _check(page, "rate")
    page.check(f"input[name=level][value='{Level.DISSATISFIED}']")
    page.check("input[name=tags][value=extra_materials]")
    page.fill("textarea[name=comment]", "租赁合同要求提交了两次。")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    case = Case.objects.get(rating__application=application)
    assert case.rating.tags == ["extra_materials"]

    # The department's approver sees the case and logs the callback and the fix.
    _as(page, client, live_server, approver)
    page.goto("/supervision/ratings/")
    _check(page, "cases")
    page.locator(f"a[href='/supervision/ratings/cases/{case.pk}/']").first.click()
    page.wait_for_load_state()
    _check(page, "case")
    assert "租赁合同要求提交了两次。" in page.locator("main").inner_text()
    page.fill("form:has(input[name=action][value=callback]) textarea[name=result]", "已电话回访，核实属实。")
    _submit(page, "callback")
    page.fill("form:has(input[name=action][value=fix]) textarea[name=text]", "一次性告知单已列明租赁合同，只收一次。")
    _submit(page, "fix")
    case.refresh_from_db()
    assert case.state == CaseState.FIXED and case.callback_by == approver

    # The citizen reads the feedback and rates the fix.
    _as(page, client, live_server, applicant)
    page.goto("/me/ratings/")
    _check(page, "mine")
    page.goto(f"/me/ratings/case/{case.pk}/")
    assert "一次性告知单已列明租赁合同，只收一次。" in page.locator("main").inner_text()
    _check(page, "feedback")
    page.check(f"input[name=level][value='{Level.SATISFIED}']")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.fix_level == Level.SATISFIED

    # The period ends; the report made the next morning counts the rating, its case and the callback.
    first, last = half_month_period(timezone.localdate())
    morning = timezone.make_aware(datetime.combine(last + timedelta(days=1), time(6, 30)))
    seal_services.root_create()  # the supervision office's seal is issued under the city's root
    report = report_make(first=first, last=last, at=morning)
    supervisor = StaffRole.objects.get(role=StaffRole.Role.SUPERVISOR).user
    _as(page, client, live_server, supervisor)
    page.goto("/supervision/reports/")
    _check(page, "reports")
    page.locator(f"a[href='/supervision/reports/{report.pk}/']").click()
    page.wait_for_load_state()
    _check(page, "report")
    market = page.get_by_role("row", name="市场监督管理局")
    cells = market.locator("td").all_inner_texts()
    # Ratings, satisfaction, bad ratings, rectification cases, callback rate.
    assert cells[7:12] == ["1", "0.0%", "1", "1", "100.0%"], cells
    assert page.locator(f"a[href='/supervision/reports/{report.pk}/report.pdf']").is_visible()

