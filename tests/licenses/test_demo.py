"""Demo license templates: every license-producing demo item prints with a layout, and the
three named ones with their own, printing answers their forms really ask."""

import io

import pytest

from licenses import demo, documents
from licenses.models import License, LicenseType
from services import demo as services_demo
from services.services import item_for_new_application
from tests.demo_world import world


def _seed_catalogue():
    services_demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())


@pytest.fixture(scope="module")
def _catalogue(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo catalogue with its license layouts, seeded once for the module on the suite's day
    (see tests/demo_world.py); each test changes it only inside its own savepoint."""
    with world(django_db_blocker, tmp_path_factory.mktemp("catalogue"), _seed_catalogue):
        yield


@pytest.fixture
def catalogue(_catalogue, db):
    pass


@pytest.mark.parametrize(
    ("code", "template"),
    [("BIZ-001", "business_license"), ("HOU-001", "construction_permit"), ("BIZ-002", "approval_letter")],
)
def test_the_named_items_have_their_own_layout_printing_their_own_answers(catalogue, code, template):
    version = item_for_new_application(code=code)
    license_type = version.license_type
    assert license_type.template == template
    keys = {f.key for f in version.fields.all()}
    assert {entry["key"] for entry in license_type.printed_fields} <= keys


def test_every_other_license_type_uses_the_generic_layout(catalogue):
    others = LicenseType.objects.exclude(code__in=demo.TEMPLATES)
    assert others.exists()
    assert set(others.values_list("template", flat=True)) == {LicenseType.Template.GENERIC}
    for license_type in LicenseType.objects.all():
        assert documents.template_for(license_type).template_name.startswith("licenses/pdf/")


def test_seeding_twice_changes_nothing(catalogue):
    before = list(LicenseType.objects.order_by("code").values("code", "template", "printed_fields"))
    demo.seed(stdout=io.StringIO())
    assert list(LicenseType.objects.order_by("code").values("code", "template", "printed_fields")) == before


@pytest.mark.parametrize("code", ["BIZ-001", "HOU-001", "BIZ-002"])
def test_each_named_item_s_license_renders_on_one_page(catalogue, code, approver, seal, enterprise_member, tmp_path):
    """With the item's real form, answers typed as an applicant would, sealed by its department."""
    import subprocess

    from django.core.files.storage import default_storage

    from licenses.tasks import issue_license
    from portal.models import StaffRole
    from seals import services as seal_services
    from tests.factories import staff
    from tests.licenses.conftest import answers, approve

    version = item_for_new_application(code=code)
    department = version.item.department
    seal_services.seal_issue(department=department)
    typed = {
        "BIZ-001": answers(
            registered_capital="50",
            address="辽宁省葫芦岛市龙港区海滨路1号",
            phone="13800000000",
            enterprise_type="llc",
        ),
        "HOU-001": {
            "enterprise_name": "葫芦岛建工有限公司",
            "credit_code": enterprise_member.enterprise.credit_code,
            "contact_name": "李娜",
            "phone": "13800000000",
            "project_name": "龙港区冷链仓库",
            "project_address": "辽宁省葫芦岛市龙港区工业园3号",
            "floor_area": "1800",
            "building_height": "12",
        },
        "BIZ-002": {
            "enterprise_name": "葫芦岛市政建设有限公司",
            "credit_code": enterprise_member.enterprise.credit_code,
            "contact_name": "李娜",
            "phone": "13800000000",
            "project_name": "滨海路排水管网改造工程",
            "project_address": "辽宁省葫芦岛市连山区滨海路",
            "total_investment": "3200",
        },
    }[code]
    typed = {key: value for key, value in typed.items() if key in {f.key for f in version.fields.all()}}
    approver = staff(StaffRole.Role.APPROVER, department)
    application = approve(code, enterprise_member.user, approver, enterprise=enterprise_member.enterprise, data=typed)
    issue_license.delay(application.pk)
    license = License.objects.get(application=application)
    pdf = default_storage.open(license.file.name).read()
    path = tmp_path / "license.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info
    assert license.number in text and license.license_type.name_zh in text and department.name_zh in text
    printed = {entry["key"] for entry in license.license_type.printed_fields}
    flat = text.replace("\n", "")
    for key, value in typed.items():
        if key in printed and key not in ("enterprise_type", "representative_id"):  # a choice's label; masked
            assert value in flat, value
    assert "有限责任公司" in flat if code == "BIZ-001" else True
    from tests.licenses.test_pdf_content import _png

    _png(pdf, f"license-demo-{code}", tmp_path)
