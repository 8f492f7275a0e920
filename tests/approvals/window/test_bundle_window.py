"""A bundle taken in at the window: the same one form, the check, one submission and ONE visit."""

import pytest
from django.urls import reverse

from approvals.models import Application, BundleApplication, Visit
from tests.approvals.bundles.conftest import ARTICLES, PREMISES, Business, pdf
from tests.approvals.conftest import PDF
from tests.mfa import sign_in


@pytest.fixture
def business(department):
    return Business(department)


def _start(applicant):
    return reverse("window_bundle_start", args=[applicant.person.pk, "BDL-BIZ"])


def _check(applicant):
    return reverse("window_bundle_check", args=[applicant.person.pk, "BDL-BIZ"])


def _files():
    from services.bundles import bundle_for_new_application, bundle_terms

    terms = bundle_terms(bundle_version=bundle_for_new_application(code="BDL-BIZ"))
    names = [group.key for group in terms.materials]
    return {
        f"files-{names.index(ARTICLES)}": pdf("articles.pdf"),
        f"files-{names.index(PREMISES)}": pdf("premises.pdf", PDF + b"%premises\n"),
    }


def _answers(business, applicant):
    values = business.answers(applicant)
    values["hire_staff"] = ""
    return values


def test_the_clerk_takes_in_a_bundle_and_the_ledger_counts_one_visit(business, applicant, clerk, client):
    sign_in(client, clerk)
    person_page = client.get(reverse("window_person", args=[applicant.person.pk])).content.decode()
    assert _start(applicant) in person_page  # the person's page offers the bundle

    assert client.post(_start(applicant), {**_answers(business, applicant), **_files()})["Location"] == _check(applicant)
    response = client.post(_check(applicant), {"declaration": "yes"})

    bundle = BundleApplication.objects.get()
    assert response["Location"] == reverse("window_bundle", args=[bundle.uid])
    assert bundle.channel == Application.Channel.WINDOW and bundle.clerk == clerk
    assert bundle.members.count() == 4  # no staff hired: no social insurance
    assert Visit.objects.filter(person=applicant.person).count() == 1
    assert Visit.objects.get().bundle == bundle
    page = client.get(response["Location"]).content.decode()
    assert bundle.tracking_number in page and bundle.query_code in page


def test_without_the_declaration_nothing_is_submitted_and_nothing_is_lost(business, applicant, clerk, english):
    sign_in(english, clerk)
    english.post(_start(applicant), {**_answers(business, applicant), **_files()})
    response = english.post(_check(applicant), {})
    assert response.status_code == 400
    assert "Confirm the declaration to submit." in response.content.decode()
    assert not BundleApplication.objects.exists() and not Visit.objects.exists()
    assert "葫芦岛海滨食品有限公司" in english.get(_check(applicant)).content.decode()


def test_a_citizen_or_an_approver_gets_nothing(business, applicant, approver, client):
    client.force_login(applicant)
    assert client.get(_start(applicant)).status_code in (302, 403)
    sign_in(client, approver)
    assert client.get(_start(applicant)).status_code == 403
    assert client.post(_check(applicant), {"declaration": "yes"}).status_code == 403
    assert not BundleApplication.objects.exists()


def test_an_online_bundle_is_not_a_window_page(business, applicant, clerk, client):
    from approvals.bundles import bundle_submit

    bundle = bundle_submit(
        actor=applicant, bundle_code="BDL-BIZ", answers=business.answers(applicant), uploads=business.uploads(),
        declaration=True,
    )
    sign_in(client, clerk)
    assert client.get(reverse("window_bundle", args=[bundle.uid])).status_code == 404


def test_a_visit_beyond_what_the_items_allow_asks_the_clerk_for_the_reason(business, applicant, clerk, english):
    from services.bundles import MemberInput, bundle_create
    from tests.services.factories import make_item, publish

    for code in ("ONL-001", "ONL-002"):  # fully online: a visit is one more than they allow
        make_item(business.departments["TAX"], code=code, audience="person", fields=[], materials=[])
    bundle_create(
        actor=None,
        code="BDL-ONL",
        department=business.departments["TAX"],
        terms={"name_zh": "全程网办一件事", "name_en": "Fully online", "event": business.event, "promised_limit_days": 5},
        members=[MemberInput("ONL-001"), MemberInput("ONL-002")],
    )
    publish()
    start = reverse("window_bundle_start", args=[applicant.person.pk, "BDL-ONL"])
    check = reverse("window_bundle_check", args=[applicant.person.pk, "BDL-ONL"])
    sign_in(english, clerk)
    assert english.post(start, {})["Location"] == check

    page = english.get(check).content.decode()
    assert 'id="visit-warning"' in page and 'name="reason"' in page
    refused = english.post(check, {"declaration": "yes"})
    assert refused.status_code == 400 and not BundleApplication.objects.exists() and not Visit.objects.exists()

    english.post(check, {"declaration": "yes", "reason": "申请人不会使用手机"})
    visit = Visit.objects.get()
    assert visit.bundle == BundleApplication.objects.get() and visit.violation and visit.reason == "申请人不会使用手机"


def test_no_reason_is_asked_for_a_visit_the_items_allow(business, applicant, clerk, client):
    sign_in(client, clerk)
    client.post(_start(applicant), {**_answers(business, applicant), **_files()})
    page = client.get(_check(applicant)).content.decode()
    assert 'id="visit-warning"' not in page and 'name="reason"' not in page


def test_the_clerk_takes_in_a_bundle_for_an_enterprise_through_the_person_who_came(department, clerk, client):
    from portal.models import Person
    from services.bundles import MemberInput, bundle_create
    from tests.factories import DepartmentFactory, EnterpriseFactory, make_resident_id
    from tests.services.factories import LifeEventFactory, make_item, publish

    company = {"key": "company_name", "type": "text", "label_zh": "企业名称", "label_en": "Company name"}
    visit = {"online_level": "one_visit", "max_visits": 1}  # at most one visit: this one
    make_item(department, code="MKT-ENT", audience="enterprise", promised_limit_days=1, fields=[company], **visit)
    make_item(
        DepartmentFactory(code="tax"), code="TAX-ENT", audience="enterprise", promised_limit_days=1, fields=[company], **visit
    )
    bundle_create(
        actor=None, code="BDL-ENT", department=department,
        terms={"name_zh": "企业变更一件事", "name_en": "Company changes", "promised_limit_days": 1,
               "event": LifeEventFactory(code="company-change")},
        members=[MemberInput("MKT-ENT"), MemberInput("TAX-ENT")],
    )
    publish()
    enterprise = EnterpriseFactory(name="葫芦岛海滨食品有限公司")
    sign_in(client, clerk)

    resident_id = make_resident_id(birth="19800101")
    response = client.post(
        reverse("window_enterprise", args=[enterprise.pk]),
        {"start-item": "bdl-ent", "start-real_name": "赵六一", "start-resident_id": resident_id},
    )
    agent = Person.objects.get(resident_id=resident_id)
    start = reverse("window_bundle_start", args=[agent.pk, "BDL-ENT"]) + f"?enterprise={enterprise.pk}"
    assert response["Location"] == start
    assert enterprise.name in client.get(start).content.decode()  # the company's name is prefilled

    check = reverse("window_bundle_check", args=[agent.pk, "BDL-ENT"]) + f"?enterprise={enterprise.pk}"
    assert client.post(start, {"company_name": enterprise.name})["Location"] == check
    client.post(check, {"declaration": "yes"})

    bundle = BundleApplication.objects.get()
    assert bundle.applicant_enterprise == enterprise and bundle.applicant_person == agent
    assert {m.applicant_enterprise_id for m in bundle.members.all()} == {enterprise.pk}
    assert Visit.objects.filter(bundle=bundle).count() == 1
