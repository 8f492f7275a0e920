"""/staff/seals/: department heads see their own department's seals and usage log,
supervisors see all, everyone else sees nothing."""

import pytest
from django.urls import reverse

from portal.models import StaffRole
from seals import services
from tests.factories import DepartmentFactory, citizen, staff
from tests.mfa import sign_in


@pytest.fixture
def two_departments(seal, one_page_pdf):
    housing = DepartmentFactory(code="housing", name_zh="住房和城乡建设局", name_en="Housing Bureau")
    housing_seal = services.seal_issue(department=housing)
    services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="licenses.issue")
    services.seal_pdf(one_page_pdf, seal=housing_seal, reason="核发施工许可证", task="licenses.issue")
    return seal, housing_seal


def test_a_head_sees_their_departments_log_only(client, two_departments):
    market_seal, housing_seal = two_departments
    sign_in(client, staff(StaffRole.Role.HEAD, market_seal.department))

    page = client.get(reverse("seal_usage")).content.decode()

    assert "核发营业执照" in page
    assert "核发施工许可证" not in page


def test_a_head_sees_their_departments_seals_only(client, two_departments):
    market_seal, housing_seal = two_departments
    sign_in(client, staff(StaffRole.Role.HEAD, market_seal.department))

    page = client.get(reverse("seal_list")).content.decode()

    assert f"?seal={market_seal.pk}" in page
    assert f"?seal={housing_seal.pk}" not in page


def test_a_supervisor_sees_every_department(client, two_departments):
    sign_in(client, staff(StaffRole.Role.SUPERVISOR))

    page = client.get(reverse("seal_usage")).content.decode()

    assert "核发营业执照" in page and "核发施工许可证" in page


def test_a_head_can_filter_by_their_seal(client, two_departments):
    market_seal, _housing_seal = two_departments
    sign_in(client, staff(StaffRole.Role.HEAD, market_seal.department))

    response = client.get(reverse("seal_usage"), {"seal": market_seal.pk})

    assert response.status_code == 200
    assert "核发营业执照" in response.content.decode()


def test_another_departments_head_gets_nothing(client, two_departments):
    market_seal, housing_seal = two_departments
    sign_in(client, staff(StaffRole.Role.HEAD, housing_seal.department))

    assert client.get(reverse("seal_usage"), {"seal": market_seal.pk}).status_code == 404
    page = client.get(reverse("seal_usage")).content.decode()
    assert "核发营业执照" not in page


@pytest.mark.parametrize("who", ["citizen", "approver", "list_admin", "clerk"])
def test_other_roles_get_nothing(client, two_departments, who):
    market_seal, _ = two_departments
    user = citizen() if who == "citizen" else staff(who, market_seal.department if who != "clerk" else None)
    sign_in(client, user)

    for url in (reverse("seal_usage"), reverse("seal_list")):
        response = client.get(url)
        assert response.status_code == 403
        assert "核发营业执照" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, two_departments):
    for url in (reverse("seal_usage"), reverse("seal_list")):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_the_log_page_runs_a_fixed_number_of_queries(client, two_departments, one_page_pdf, django_assert_max_num_queries):
    market_seal, _ = two_departments
    for _ in range(5):
        services.seal_pdf(one_page_pdf, seal=market_seal, reason="核发营业执照", task="licenses.issue")
    sign_in(client, staff(StaffRole.Role.SUPERVISOR))
    client.get(reverse("seal_usage"))

    with django_assert_max_num_queries(12):
        client.get(reverse("seal_usage"))


def test_the_log_names_what_was_sealed_and_by_which_task(client, seal, one_page_pdf, department):
    services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", related=("licenses.license", "999999"), task="licenses.issue")
    client.cookies["django_language"] = "en"
    sign_in(client, staff(StaffRole.Role.HEAD, seal.department))

    page = client.get(reverse("seal_usage")).content.decode()

    assert "licenses.issue" not in page and "task:" not in page
    assert "Issue licenses" in page
    # A related object that no longer exists is still named, without a link.
    assert "licenses.license #999999" in page
