"""What the license tests add to the cast (tests/conftest.py): a license type, a
published item that produces a business license and an approved application,
with the market department's seal. Time is frozen on 2026-11-26 10:00 Shanghai
time (calendar seeded)."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals import services as workflow
from licenses.models import LicenseType
from services.services import MaterialInput
from tests.conftest import NOW, SHANGHAI  # noqa: F401 (the tests here import them from this module)
from tests.services.factories import make_item, publish

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FIELDS = [
    {"key": "proposed_name", "type": "text", "label_zh": "拟设立企业名称", "label_en": "Proposed name", "max_length": 100},
    {
        "key": "enterprise_type",
        "type": "choice",
        "label_zh": "企业类型",
        "label_en": "Type of enterprise",
        "choices": "llc | 有限责任公司 | Limited liability company\nsole | 个人独资企业 | Sole proprietorship",
    },
    {"key": "representative_id", "type": "resident_id", "label_zh": "法定代表人身份证号码", "label_en": "Representative's ID"},
    {"key": "business_scope", "type": "textarea", "label_zh": "经营范围", "label_en": "Business scope", "max_length": 1000},
]
REPRESENTATIVE_ID = "211402199003071234"


def answers(**overrides):
    from portal.identifiers import resident_id_check_char

    rid = REPRESENTATIVE_ID[:17] + resident_id_check_char(REPRESENTATIVE_ID[:17])
    values = {
        "proposed_name": "葫芦岛海滨小吃有限公司",
        "enterprise_type": "llc",
        "representative_id": rid,
        "business_scope": "餐饮服务；食品销售；日用百货零售。",
    }
    values.update(overrides)
    return values


def pdf_upload(name="scan.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _on_the_suite_day(frozen_time, seal_settings):
    """Every test here starts on Thursday 26 November 2026, 10:00, with the seal settings of tests/conftest.py."""


@pytest.fixture
def business_license():
    return LicenseType.objects.create(
        code="business-license",
        name_zh="营业执照",
        name_en="business license",
        number_prefix="YYZZ",
        validity_months=None,
        template=LicenseType.Template.BUSINESS_LICENSE,
        printed_fields=[
            {"key": "proposed_name", "label_zh": "登记名称", "label_en": "Registered name"},
            {"key": "enterprise_type", "label_zh": "类型", "label_en": "Type"},
            {"key": "representative_id", "label_zh": "法定代表人身份证号码", "label_en": "Legal representative's ID"},
            {"key": "business_scope", "label_zh": "经营范围", "label_en": "Business scope"},
        ],
    )


@pytest.fixture
def item(department, business_license):
    """A promised item for persons that produces a business license: one material, four questions."""
    item = make_item(
        department,
        code="MKT-101",
        audience="person",
        promised_limit_days=5,
        statutory_limit_days=20,
        license_type=business_license,
        materials=[MaterialInput(name_zh="经营场所证明", name_en="Proof of premises")],
        fields=FIELDS,
    )
    publish()
    return item


def approve(item_code, applicant, approver, *, enterprise=None, data=None, issue=False):
    """Start, fill, submit, accept and approve an application; return it (approved).

    The issuing task that approval queues after the commit (which only runs in
    transactional tests) is left out unless `issue`, so that tests run it themselves.
    """
    application = workflow.application_start(actor=applicant, item_code=item_code, enterprise=enterprise)
    workflow.application_save(application=application, actor=applicant, data=data if data is not None else answers())
    for material in application.item_version.materials.all():
        workflow.attachment_add(application=application, actor=applicant, material=material, upload=pdf_upload())
    application = workflow.application_submit(application=application, actor=applicant, declaration=True)
    application = workflow.application_accept(application=application, actor=approver)
    if issue:
        return workflow.application_approve(application=application, actor=approver)
    with mock.patch("licenses.services._enqueue_issue"):
        return workflow.application_approve(application=application, actor=approver)


@pytest.fixture
def approved(item, applicant, approver, seal):
    return approve(item.code, applicant, approver)


@pytest.fixture
def client(client, settings):
    """Pages in English (the default is Chinese), so that assertions read as the code does."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
