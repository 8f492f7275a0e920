"""A published list and applications for the application-workflow tests (the
cast is tests/conftest.py's).

Time is frozen on 2026-11-26 10:00 Shanghai time unless a test travels; the
calendar is seeded from the packages (official to 2026, provisional 2027).
"""

from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals import services as workflow
from services.services import MaterialInput
from tests.conftest import NOW, SHANGHAI  # noqa: F401 (the tests here import NOW from this module)
from tests.services.factories import make_item, publish

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FIELDS = [
    {"key": "shop_name", "type": "text", "label_zh": "店铺名称", "label_en": "Shop name", "max_length": 40},
    {"key": "opening", "type": "date", "label_zh": "开业日期", "label_en": "Opening date"},
]
ANSWERS = {"shop_name": "海滨小吃", "opening": "2026-12-01"}


def at(year, month, day, hour=10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


def pdf(name="scan.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _on_the_suite_day(frozen_time):
    """Every test here starts on Thursday 26 November 2026, 10:00 (tests/conftest.py)."""


@pytest.fixture
def item(department):
    """A promised item for persons: 5 working days promised, 20 statutory, one material, two questions."""
    item = make_item(
        department,
        code="MKT-001",
        audience="person",
        promised_limit_days=5,
        statutory_limit_days=20,
        materials=[MaterialInput(name_zh="经营场所证明", name_en="Proof of premises")],
        fields=FIELDS,
    )
    publish()
    return item


def fill(application, actor, answers=ANSWERS):
    workflow.application_save(application=application, actor=actor, data=answers)
    material = application.item_version.materials.first()
    if material is not None:
        workflow.attachment_add(application=application, actor=actor, material=material, upload=pdf())
    return application


@pytest.fixture
def draft(item, applicant):
    return fill(workflow.application_start(actor=applicant, item_code=item.code), applicant)


@pytest.fixture
def submitted(draft, applicant):
    return workflow.application_submit(application=draft, actor=applicant, declaration=True)
