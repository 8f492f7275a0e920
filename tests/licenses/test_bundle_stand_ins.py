"""免提交 in a bundle: a valid license the applicant holds stands in for a material every member asks for,
chosen once in the bundle's one form; a license they do not hold is refused and nothing is made."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from approvals.bundles import bundle_submit
from approvals.models import Attachment, BundleApplication
from licenses.models import License, MaterialLicense
from licenses.tasks import issue_license
from services.bundles import MemberInput, bundle_create, bundle_for_new_application, bundle_terms
from services.services import MaterialInput
from tests.factories import citizen
from tests.licenses.conftest import pdf_upload
from tests.services.factories import LifeEventFactory, make_item, publish


@pytest.fixture
def license(approved):
    issue_license.delay(approved.pk)
    return License.objects.get(application=approved)


@pytest.fixture
def bundle(department, business_license, license):
    """Two items that both ask for the business license, and for one form each."""
    for code in ("MKT-301", "MKT-302"):
        make_item(
            department, code=code, audience="person", promised_limit_days=2,
            materials=[
                MaterialInput(name_zh="营业执照", name_en="Business license", stand_ins=[business_license]),
                MaterialInput(name_zh=f"申请表{code}", name_en=f"Application form {code}"),
            ],
        )
    bundle_create(
        actor=None, code="BDL-LIC", department=department,
        terms={"name_zh": "变更一件事", "name_en": "Changes in one go", "promised_limit_days": 2,
               "event": LifeEventFactory(code="change", name_zh="变更", name_en="Changes")},
        members=[MemberInput("MKT-301"), MemberInput("MKT-302")],
    )
    publish()
    return bundle_for_new_application(code="BDL-LIC")


def _index(name_zh):
    terms = bundle_terms(bundle_version=bundle_for_new_application(code="BDL-LIC"))
    return [group.key for group in terms.materials].index(name_zh)


def test_the_form_offers_the_license_and_it_stands_in_for_both_members(bundle, applicant, license, client):
    client.force_login(applicant)
    form = reverse("bundle_apply", args=["BDL-LIC"])
    page = client.get(form).content.decode()
    assert license.number in page and f'name="license-{_index("营业执照")}"' in page

    data = {
        f"license-{_index('营业执照')}": str(license.pk),
        f"files-{_index('申请表MKT-301')}": pdf_upload("a.pdf"),
        f"files-{_index('申请表MKT-302')}": pdf_upload("b.pdf"),
    }
    assert client.post(form, data)["Location"] == reverse("bundle_apply_check", args=["BDL-LIC"])
    client.post(reverse("bundle_apply_check", args=["BDL-LIC"]), {"declaration": "yes"})

    submitted = BundleApplication.objects.get()
    uses = MaterialLicense.objects.filter(application__bundle=submitted, license=license)
    assert uses.count() == 2  # one choice, given to both members
    assert not Attachment.objects.filter(application__bundle=submitted, material__name_zh="营业执照").exists()


def test_a_license_the_applicant_does_not_hold_is_refused(bundle, license, db):
    stranger = citizen()
    with pytest.raises(ValidationError) as refused:
        bundle_submit(
            actor=stranger, bundle_code="BDL-LIC", answers={}, declaration=True,
            uploads={"申请表MKT-301": [pdf_upload()], "申请表MKT-302": [pdf_upload()]},
            stand_ins={"营业执照": license.pk},
        )
    assert any("not held by the applicant" in message for message in refused.value.messages)
    assert not BundleApplication.objects.exists() and not MaterialLicense.objects.exists()
