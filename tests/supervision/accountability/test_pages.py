"""Accountability's pages: who gets what, the steps a case page offers, a bad
POST that keeps its input, the case list's fixed query count, and the public
notices, which never show an applicant's data."""

import pytest
from django.urls import reverse

from portal.models import StaffRole
from services.models import Department
from supervision.accountability import services
from supervision.accountability.models import AccountabilityCase
from supervision.accountability.workflow import Action, Decision, State
from tests.factories import DepartmentFactory, staff
from tests.mfa import sign_in

pytestmark = pytest.mark.django_db


def _anonymous_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_the_case_list_is_for_supervisors_and_the_departments_staff(
    client, case, supervisor, head, approver, other_head, outsider, clerk
):
    url = reverse("accountability_cases")
    _anonymous_is_sent_to_sign_in(client, url)
    for user in (outsider, clerk):
        sign_in(client, user)
        assert client.get(url).status_code == 403, user
    sign_in(client, other_head)
    page = client.get(url)
    assert page.status_code == 200 and case.number not in page.content.decode()
    for user in (supervisor, head, approver):
        sign_in(client, user)
        assert case.number in client.get(url).content.decode(), user


def test_the_case_page_is_for_supervisors_and_the_department(
    client, case, supervisor, head, other_head, other_approver, outsider, clerk
):
    url = reverse("accountability_case", kwargs={"number": case.number})
    _anonymous_is_sent_to_sign_in(client, url)
    for user in (outsider, clerk, other_head, other_approver):
        sign_in(client, user)
        assert client.get(url).status_code == 404, user
        step = reverse("accountability_case_step", kwargs={"number": case.number, "action": "findings"})
        assert client.post(step, {"note": "x"}).status_code == 404, user
    sign_in(client, head)
    page = client.get(url).content.decode()
    assert case.facts_en in page or case.facts_zh in page
    assert 'action="/supervision/accountability/%s/findings/"' % case.number in page
    assert "/decide/" not in page
    sign_in(client, supervisor)
    page = client.get(url).content.decode()
    assert "/findings/" in page


def test_the_department_responds_with_findings_on_the_page(client, case, head):
    sign_in(client, head)
    step = reverse("accountability_case_step", kwargs={"number": case.number, "action": "findings"})
    response = client.post(step, {"note": "已组织培训。", "evidence": "培训记录 | /training/"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.FINDINGS
    assert case.events.last().evidence == [["培训记录", "/training/"]]


def test_a_decision_without_a_kind_keeps_what_was_typed(english, case, supervisor):
    services.case_step(case=case, actor=supervisor, action=Action.FINDINGS, note="核实。")
    sign_in(english, supervisor)
    step = reverse("accountability_case_step", kwargs={"number": case.number, "action": "decide"})
    response = english.post(step, {"note": "A note worth keeping", "notice_title_zh": "标题在此"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a decision." in page and "A note worth keeping" in page and "标题在此" in page
    case.refresh_from_db()
    assert case.state == State.FINDINGS


def test_the_open_case_form_is_for_supervisors(client, english, supervisor, head, outsider, department):
    url = reverse("accountability_case_new")
    _anonymous_is_sent_to_sign_in(client, url)
    for user in (head, outsider):
        sign_in(client, user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"department": department.pk, "facts_zh": "x"}).status_code == 403
    sign_in(english, supervisor)
    response = english.post(url, {"department": department.pk, "facts_zh": "窗口拖延", "evidence": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give at least one evidence link." in page and "窗口拖延" in page
    response = english.post(
        url, {"department": department.pk, "facts_zh": "窗口拖延", "evidence": "Visits | /supervision/visits/"}
    )
    case = AccountabilityCase.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/supervision/accountability/{case.number}/"


def _cases_in(departments: int, supervisor):
    for i in range(departments):
        department = DepartmentFactory(code=f"d{i:03d}")
        case = services.case_open(
            actor=supervisor, department=department, facts_zh=f"事实 {i}", evidence=[("e", "/e/")]
        )
        if i % 3 == 0:
            services.case_step(case=case, actor=supervisor, action=Action.FINDINGS, note="核实。")


@pytest.mark.parametrize("departments", [3, 30])
def test_the_case_list_runs_a_fixed_number_of_queries(client, supervisor, departments, django_assert_num_queries):
    _cases_in(departments, supervisor)
    sign_in(client, supervisor)
    url = reverse("accountability_cases")
    client.get(url)  # warm the session and the calendar caches
    # user, staff roles, departments (filter), cases (the session comes from the cache).
    with django_assert_num_queries(4):
        page = client.get(url).content.decode()
    assert page.count('href="/supervision/accountability/WZ-') == departments
    with django_assert_num_queries(4):
        page = client.get(url, {"state": State.FINDINGS}).content.decode()
    assert page.count('href="/supervision/accountability/WZ-') == (departments + 2) // 3
    assert Department.objects.count() == departments


def test_the_case_list_filters_by_department(client, supervisor, department, other_department):
    mine = services.case_open(actor=supervisor, department=department, facts_zh="甲", evidence=[("e", "/e/")])
    theirs = services.case_open(actor=supervisor, department=other_department, facts_zh="乙", evidence=[("e", "/e/")])
    sign_in(client, supervisor)
    page = client.get(reverse("accountability_cases"), {"department": other_department.pk}).content.decode()
    assert theirs.number in page and mine.number not in page


# -- public notices ---------------------------------------------------------------------


@pytest.fixture
def notice(case, supervisor):
    services.case_step(case=case, actor=supervisor, action=Action.FINDINGS, note="核实。")
    services.case_step(
        case=case, actor=supervisor, action=Action.DECIDE, note="通报。", decision=Decision.CRITICISM,
        notice_title_zh="关于市场监督管理局窗口重复跑动的通报",
        notice_title_en="Notice on repeated visits at the Market Supervision Administration",
        notice_text_zh="市场监督管理局窗口多次要求申请人重复到场，现予通报批评。",
        notice_text_en="The market window asked applicants to come back several times.",
    )
    case.refresh_from_db()
    return case.notice


def test_anyone_reads_the_notices_without_an_applicants_data(client, notice, applicant):
    person = applicant.person
    applicant.phone = "13812345678"
    applicant.save(update_fields=["phone"])
    # The case behind the notice may name the applicant; the notice never shows the case's facts.
    AccountabilityCase.objects.filter(pk=notice.case_id).update(
        facts_zh=f"申请人{person.real_name}（{person.resident_id}，{applicant.phone}）多次到场。"
    )
    for url in (reverse("accountability_notices"), reverse("accountability_notice", kwargs={"number": notice.number})):
        assert not url.startswith("/supervision/")
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "市场监督管理局" in page and notice.name_zh in page
        for private in (person.real_name, person.resident_id, applicant.phone, applicant.email):
            assert private not in page, private


def test_a_citizen_reads_the_notice_too(client, notice, outsider):
    sign_in(client, outsider)
    assert client.get(reverse("accountability_notice", kwargs={"number": notice.number})).status_code == 200


def test_an_unknown_notice_is_not_found(client, db):
    assert client.get(reverse("accountability_notice", kwargs={"number": "TB-2026-999999"})).status_code == 404


def test_no_notice_before_a_criticism(client, case):
    page = client.get(reverse("accountability_notices")).content.decode()
    assert case.facts_zh not in page


def test_a_new_department_role_sees_nothing_of_other_departments(client, case, other_department):
    approver = staff(StaffRole.Role.APPROVER, other_department)
    sign_in(client, approver)
    assert client.get(reverse("accountability_case", kwargs={"number": case.number})).status_code == 404
