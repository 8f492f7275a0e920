"""Who looked at my data, in a real browser: a citizen finds the reads of their data and of
their enterprise's from "My office", takes the complaint button on one of them, and sends
the complaint the form was filled in with. Every page passes axe-core and does not scroll
sideways, on a desktop and on a phone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api.access.services import access_record
from supervision.ratings.models import Complaint
from tests.api.access.conftest import make_client, seed_purposes_if_missing
from tests.browser.conftest import axe_check, no_horizontal_scroll, screenshot
from tests.factories import DepartmentFactory, EnterpriseFactory, MembershipFactory, citizen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check(page, label):
    axe_check(page, label=f"{label} ({page.viewport_name})")
    no_horizontal_scroll(page)
    screenshot(page, f"data-access-{label}-{page.viewport_name}")


def test_a_citizen_complains_about_a_read_they_did_not_expect(page, client, live_server):
    seed_purposes_if_missing()
    department = DepartmentFactory(code="market", name_zh="市场监督管理局", name_en="Market Supervision Administration")
    person = citizen(real_name="王小明")
    enterprise = EnterpriseFactory(name="葫芦岛海滨食品有限公司")
    MembershipFactory(user=person, enterprise=enterprise)
    system = make_client(department, "市场监管业务系统")
    now = timezone.now()
    for subject, reference, minutes in (
        (person.person.resident_id, "SCJG-XK-2026-0042", 30),
        (enterprise.credit_code, "SCJG-JC-2026-0007", 10),
    ):
        access_record(
            client=system, endpoint="/api/v1/licenses/by-holder", subject_id=subject,
            purpose_code="license-verification", reference=reference, result="found",
            at=now - timedelta(minutes=minutes),
        )
    client.force_login(person)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])

    page.goto("/me/")
    page.get_by_role("link", name="数据使用记录").click()  # Who looked at my data
    page.wait_for_url("**/me/data-access/")
    assert page.get_by_text("SCJG-XK-2026-0042").is_visible()
    assert page.get_by_text("葫芦岛海滨食品有限公司").first.is_visible()
    assert page.locator("main").get_by_text("证照核验").first.is_visible()
    _check(page, "list")

    page.locator("li.card", has_text="SCJG-XK-2026-0042").get_by_role("link", name="我没想到会被查询").click()  # I did not expect this — complain
    page.wait_for_url("**/complaints/new/?*")
    assert page.locator("#id_department").input_value() == str(department.pk)
    assert "SCJG-XK-2026-0042" in page.locator("#id_text").input_value()
    assert page.locator("input[name=about][value=department]").is_checked()
    _check(page, "complaint")

    page.get_by_role("button").filter(has_text="投诉").last.click()
    page.wait_for_load_state()
    complaint = Complaint.objects.get()
    assert complaint.department == department and "SCJG-XK-2026-0042" in complaint.text
    assert complaint.filer == person
