"""Public tracking in a real browser, on a desktop and on a 375 px phone:
the form, the generic answer and the status page pass axe and fit the screen."""

import pytest
from django.utils import timezone

from approvals import services as workflow
from deadlines.services import calendar_sync
from portal.models import StaffRole
from services.services import MaterialInput
from tests.browser.conftest import axe_check, no_horizontal_scroll
from tests.factories import DepartmentFactory, citizen, staff
from tests.services.factories import make_item, publish
from tests.approvals.conftest import FIELDS, fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_tracks_an_application(page):
    calendar_sync(at=timezone.now())
    department = DepartmentFactory(code="market", name_zh="市场监督管理局", name_en="Market Supervision Administration")
    item = make_item(
        department, code="MKT-001", audience="person", promised_limit_days=5, statutory_limit_days=20,
        materials=[MaterialInput(name_zh="经营场所证明", name_en="Proof of premises")], fields=FIELDS,
    )
    publish()
    applicant = citizen()
    draft = fill(workflow.application_start(actor=applicant, item_code=item.code), applicant)
    application = workflow.application_submit(application=draft, actor=applicant, declaration=True)
    application = workflow.application_accept(application=application, actor=staff(StaffRole.Role.APPROVER, department))

    page.goto("/track/")
    axe_check(page, label=f"track form ({page.viewport_name})")
    no_horizontal_scroll(page)

    page.fill("#id_tracking_number", application.tracking_number)
    page.fill("#id_query_code", "ZZZZZZZZ")
    with page.expect_navigation():
        page.click("form[action='/track/'] button[type=submit]")
    assert page.locator(".error-summary").count() == 1
    assert page.input_value("#id_query_code") == ""
    axe_check(page, label=f"track, not found ({page.viewport_name})")
    no_horizontal_scroll(page)

    page.fill("#id_query_code", application.query_code.lower())
    with page.expect_navigation():
        page.click("form[action='/track/'] button[type=submit]")
    assert application.tracking_number in page.locator("h1").inner_text()
    assert "市场监督管理局" in page.locator("main").inner_text()
    assert applicant.person.real_name not in page.content()
    assert page.url.endswith("/track/")  # the code is not in the URL
    axe_check(page, label=f"track status ({page.viewport_name})")
    no_horizontal_scroll(page)
