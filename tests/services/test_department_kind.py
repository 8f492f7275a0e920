"""A department's kind: the supervision office that seals the half-monthly reports is a
department (a seal belongs to one) but not a service department, so it appears in none of
the lists of departments that people pick from or read about."""

import pytest
from django.urls import reverse

from approvals.desk.selectors import desk_departments
from licenses.forms import ReissueForm
from services.models import Department
from services.selectors import list_admin_departments
from supervision.accountability.forms import CaseOpenForm
from supervision.accountability.selectors import departments_for_filter
from supervision.countdown.forms import TargetForm
from supervision.ratings.forms import ComplaintForm
from supervision.reports.selectors import report_figures
from supervision.reports.services import OFFICE_NAME_EN, OFFICE_NAME_ZH, supervision_office
from tests.factories import staff
from tests.services.factories import make_item, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(department, other_department):
    return supervision_office()


def _codes(departments) -> list[str]:
    return sorted(d.code for d in departments)


def test_the_office_is_made_as_a_supervision_office(office):
    assert office.kind == Department.Kind.SUPERVISION
    assert supervision_office() == office


def test_departments_are_service_departments_by_default(department):
    assert department.kind == Department.Kind.SERVICE


def test_serving_leaves_out_the_office(office):
    assert _codes(Department.objects.serving()) == ["housing", "market"]
    assert _codes(Department.objects.all()) == ["housing", "market", "supervision"]


def test_the_catalogue_department_filter_leaves_out_the_office(client, office, department):
    body = client.get(reverse("catalogue")).content.decode()
    assert f'value="{department.code}"' in body
    assert f'value="{office.code}"' not in body
    assert OFFICE_NAME_ZH not in body and OFFICE_NAME_EN not in body


def test_publishing_every_department_leaves_out_the_office(office, department):
    make_item(department, code="MKT-001")
    version = publish(departments=None)
    assert _codes(version.departments.all()) == ["housing", "market"]


def test_a_list_administrator_of_the_office_administers_no_list(office, department):
    user = staff("list_admin", office)
    assert list_admin_departments(user) == []


def test_the_countdown_scope_leaves_out_the_office(office):
    assert _codes(TargetForm().fields["department"].queryset) == ["housing", "market"]


def test_accountability_forms_leave_out_the_office(office, supervisor):
    assert _codes(CaseOpenForm().fields["department"].queryset) == ["housing", "market"]
    assert _codes(departments_for_filter(supervisor)) == ["housing", "market"]


def test_the_complaint_form_leaves_out_the_office(office):
    assert _codes(ComplaintForm().fields["department"].queryset) == ["housing", "market"]


def test_the_reissue_form_leaves_out_the_office(office, department):
    form = ReissueForm(department_ids=[office.pk, department.pk])
    assert _codes(form.fields["department"].queryset) == ["market"]


def test_an_approver_of_the_office_has_no_desk(office):
    assert desk_departments(staff("approver", office)) == []


def test_the_report_has_a_row_for_service_departments_only(office):
    from datetime import date

    figures = report_figures(date(2026, 11, 1), date(2026, 11, 15))
    assert [row["code"] for row in figures["departments"]] == ["housing", "market"]


def test_the_performance_page_leaves_out_the_office(client, office, department):
    from datetime import date
    from decimal import Decimal

    from supervision.countdown.models import MetricSnapshot
    from supervision.countdown.selectors import performance

    day = date(2026, 11, 25)
    for each in (department, office):
        MetricSnapshot.objects.create(day=day, metric="on_time", department=each, value=Decimal("90"))
    assert [d.code for d, _values in performance(today=day).rows] == ["market"]
