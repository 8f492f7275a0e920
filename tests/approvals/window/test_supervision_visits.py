"""Supervision counts "run at most once" violations per department and per
item, on /supervision/visits/ (supervisors only)."""

import html

import pytest
from django.urls import reverse

from approvals import services as workflow
from approvals.models import Visit
from approvals.window.services import visit_record, window_resubmit, window_submit
from services.services import item_for_new_application
from supervision.selectors import recent_violations, visit_violations_by_department, visit_violations_by_item
from tests.factories import PersonFactory
from tests.services.factories import make_item, publish
from tests.approvals.window.conftest import NOW, fill, window_draft
from tests.mfa import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(submitted, clerk, walk_in, other_department):
    """MKT-001: a submission, then corrections brought in person (a violation).
    HOU-001 (another department): two consultations, the second a violation."""
    application = workflow.application_request_correction(
        application=submitted, actor=clerk, items=[{"name": "卫生许可证", "problem": "missing"}], at=NOW
    )
    window_resubmit(application=application, clerk=clerk, reason="The notice was given on paper only.", at=NOW)
    make_item(
        other_department,
        code="HOU-001",
        name_zh="住房补贴",
        name_en="Housing allowance",
        audience="person",
        online_level="one_visit",
        max_visits=1,
    )
    publish()
    housing = item_for_new_application(code="HOU-001", at=NOW)
    visitor = PersonFactory()
    visit_record(clerk=clerk, person=visitor, item_version=housing, purpose=Visit.Purpose.CONSULT, at=NOW)
    visit_record(clerk=clerk, person=visitor, item_version=housing, purpose=Visit.Purpose.CONSULT, reason="forgot", at=NOW)
    return application


def test_it_counts_violations_per_department(ledger, department, other_department):
    rows = {row.code: (row.visits, row.violations) for row in visit_violations_by_department()}
    assert rows == {"market": (2, 1), "housing": (2, 1)}


def test_it_counts_violations_per_item(ledger):
    rows = {row.code: (row.visits, row.violations, row.rate) for row in visit_violations_by_item()}
    assert rows == {"MKT-001": (2, 1, 50.0), "HOU-001": (2, 1, 50.0)}


def test_it_counts_an_items_versions_together(ledger, clerk, item):
    from tests.services.factories import terms
    from tests.approvals.window.conftest import FIELDS, MATERIALS

    services_update(item, terms(name_zh="小餐饮经营许可（新版）", name_en="Small eatery license, new terms",
                                audience="person", online_level="one_visit", max_visits=1), FIELDS, MATERIALS)
    publish()
    newer = window_submit(application=fill(window_draft(clerk, PersonFactory()), clerk), clerk=clerk, declaration=True, at=NOW)
    assert newer.item_version != ledger.item_version
    rows = {row.code: (row.visits, row.violations, row.name) for row in visit_violations_by_item()}
    assert rows["MKT-001"] == (3, 1, "Small eatery license, new terms")


def services_update(item, new_terms, fields, materials):
    from services import services as list_services

    list_services.item_update(actor=None, item=item, terms=new_terms, fields=fields, materials=materials, at=NOW)


def test_it_filters_by_period(ledger):
    from datetime import date

    assert visit_violations_by_department(since=date(2026, 11, 27)) == []
    assert sum(r.violations for r in visit_violations_by_department(until=date(2026, 11, 26))) == 2
    assert sorted(v.reason for v in recent_violations()) == ["The notice was given on paper only.", "forgot"]


def test_the_supervisor_sees_the_counts(english, supervisor, ledger):
    sign_in(english, supervisor)
    response = english.get(reverse("supervision_visits"))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Market Supervision Administration" in page and "Housing Bureau" in page
    assert "MKT-001" in page and "HOU-001" in page
    assert "The notice was given on paper only." in page
    assert ledger.tracking_number in page
    assert ledger.applicant_person.resident_id not in page  # masked
    # The share of violating visits is drawn as a bar beside its number (per department and per item).
    assert page.count('<span class="rate__fill" style="width: 50.0%"></span></span><span class="rate__number">50.0%</span>') == 4


def test_a_bad_period_is_explained(english, supervisor):
    sign_in(english, supervisor)
    response = english.get(reverse("supervision_visits"), {"since": "2026-12-01", "until": "2026-11-01"})
    assert "The end of the period cannot be before its start." in html.unescape(response.content.decode())


def test_nobody_else_sees_them(client, ledger, clerk, approver, outsider, department):
    from portal.models import StaffRole
    from tests.factories import staff

    url = reverse("supervision_visits")
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (clerk, approver, outsider, staff(StaffRole.Role.HEAD, department)):
        sign_in(client, user)
        assert client.get(url).status_code == 403
