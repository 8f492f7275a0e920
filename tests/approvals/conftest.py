"""The cast and a published list for the application-workflow tests.

Time is frozen on 2026-11-26 10:00 Shanghai time unless a test travels; the
calendar is seeded from the packages (official to 2026, provisional 2027).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals import services as workflow
from deadlines.selectors import forget_built_calendars
from deadlines.services import calendar_sync
from portal.models import StaffRole
from services.services import MaterialInput
from tests.factories import DepartmentFactory, citizen, staff
from tests.services.factories import make_item, publish

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)
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
def _calendar(db):
    forget_built_calendars()
    with time_machine.travel(NOW, tick=False):
        calendar_sync(at=NOW)
        yield
    forget_built_calendars()


@pytest.fixture
def department():
    return DepartmentFactory(code="market", name_zh="市场监督管理局", name_en="Market Supervision Administration")


@pytest.fixture
def other_department():
    return DepartmentFactory(code="housing", name_zh="住房和城乡建设局", name_en="Housing Bureau")


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


@pytest.fixture
def applicant():
    return citizen()


@pytest.fixture
def approver(department):
    return staff(StaffRole.Role.APPROVER, department)


@pytest.fixture
def head(department):
    return staff(StaffRole.Role.HEAD, department)


@pytest.fixture
def other_approver(other_department):
    return staff(StaffRole.Role.APPROVER, other_department)


@pytest.fixture
def clerk():
    return staff(StaffRole.Role.CLERK)


@pytest.fixture
def outsider():
    return citizen()


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
