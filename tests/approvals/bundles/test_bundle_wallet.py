"""免提交 in a bundle: a license in the applicant's wallet stands in for a material of every member."""

import pytest

from approvals import services as workflow
from approvals.bundles import bundle_submit
from approvals.models import Attachment
from approvals.workflow import State
from licenses.models import License, MaterialLicense
from licenses.tasks import issue_license
from services.bundles import MemberInput, bundle_create
from services.services import MaterialInput
from tests.factories import DepartmentFactory
from tests.licenses.conftest import approve, business_license  # noqa: F401 (business_license: a fixture)
from tests.services.factories import LifeEventFactory, make_item, publish

LICENSE = "营业执照"


@pytest.fixture
def held(department, business_license, applicant, approver, seal, seal_settings):  # noqa: F811
    """The applicant's business license, issued for an approved registration."""
    registration = make_item(department, code="MKT-101", audience="person", license_type=business_license)
    publish()
    approved = approve(registration.code, applicant, approver, data={})
    issue_license.delay(approved.pk)
    return License.objects.get(application=approved)


@pytest.fixture
def bundle(held, business_license):  # noqa: F811
    tax, bank = DepartmentFactory(code="tax"), DepartmentFactory(code="pboc")
    for department, code in ((tax, "TAX-001"), (bank, "BNK-001")):
        make_item(
            department,
            code=code,
            audience="person",
            promised_limit_days=1,
            materials=[MaterialInput(name_zh=LICENSE, name_en="Business license", stand_ins=[business_license])],
        )
    bundle_create(
        actor=None,
        code="BDL-AFTER",
        department=tax,
        terms={"name_zh": "开业后一件事", "name_en": "After opening", "event": LifeEventFactory(), "promised_limit_days": 1},
        members=[MemberInput("TAX-001"), MemberInput("BNK-001")],
    )
    publish()


def test_a_license_in_the_wallet_stands_in_for_the_material_of_every_member(bundle, held, applicant):
    submitted = bundle_submit(
        actor=applicant, bundle_code="BDL-AFTER", answers={}, uploads={}, stand_ins={LICENSE: held.pk}, declaration=True
    )

    members = list(submitted.members.all())
    assert len(members) == 2 and all(m.state == State.SUBMITTED for m in members)
    assert MaterialLicense.objects.filter(application__in=members, license=held).count() == 2
    assert not Attachment.objects.filter(application__in=members).exists()
    assert all(not workflow.missing_materials(m) for m in members)


SCOPE = {"key": "business_scope", "type": "textarea", "label_zh": "经营范围", "label_en": "Business scope"}
OFFICE = {"key": "tax_office", "type": "text", "label_zh": "主管税务机关", "label_en": "Tax office"}


@pytest.fixture
def registered(department, business_license, applicant, approver, seal, seal_settings):  # noqa: F811
    """The applicant's business license, printed with the business scope they registered."""
    registration = make_item(department, code="MKT-102", audience="person", license_type=business_license, fields=[SCOPE])
    tax = make_item(DepartmentFactory(code="tax"), code="TAX-002", audience="person", fields=[SCOPE, OFFICE])
    make_item(DepartmentFactory(code="pboc"), code="BNK-002", audience="person", fields=[SCOPE])
    bundle_create(
        actor=None,
        code="BDL-PRE",
        department=tax.department,
        terms={"name_zh": "开业涉税一件事", "name_en": "Taxes after opening", "event": LifeEventFactory(), "promised_limit_days": 1},
        members=[MemberInput("TAX-002"), MemberInput("BNK-002")],
    )
    publish()
    approved = approve(registration.code, applicant, approver, data={"business_scope": "食品销售；餐饮服务"})
    issue_license.delay(approved.pk)
    return License.objects.get(application=approved)


def _initial(person):
    from approvals.bundles import bundle_initial
    from services.bundles import bundle_for_new_application, bundle_terms

    return bundle_initial(bundle_terms(bundle_version=bundle_for_new_application(code="BDL-PRE")), person=person)


def test_the_one_form_is_prefilled_with_what_a_license_in_the_wallet_says(registered, applicant, outsider, head):
    assert registered.status == License.Status.VALID
    initial = _initial(applicant.person)
    assert initial["business_scope"] == "食品销售；餐饮服务"  # printed on the license
    assert "tax_office" not in initial  # no license says it
    assert "business_scope" not in _initial(outsider.person)  # someone else's license says nothing

    from licenses.services import license_revoke

    license_revoke(license=registered, actor=head, reason="以欺骗手段取得")
    assert "business_scope" not in _initial(applicant.person)  # a revoked license no longer counts
