"""The window counter's list and people: a one-visit item for persons with two
materials, an enterprise item, a second clerk and a walk-in without an account
(the rest of the cast is tests/conftest.py's).

Time is frozen on Thursday 26 November 2026, 10:00 Shanghai time, with the
working-day calendar seeded: an application accepted then for 5 working days
is due on Thursday 3 December 2026.
"""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from approvals import services as workflow
from approvals.models import Application
from portal import services as identity
from portal.models import StaffRole
from services.services import MaterialInput
from tests.conftest import NOW, SHANGHAI  # noqa: F401 (the tests here import them from this module)
from tests.factories import make_resident_id, staff
from tests.services.factories import make_item, publish

DUE = date(2026, 12, 3)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FIELDS = [
    {"key": "shop_name", "type": "text", "label_zh": "店铺名称", "label_en": "Shop name", "max_length": 40},
    {"key": "opening", "type": "date", "label_zh": "开业日期", "label_en": "Opening date"},
    {"key": "contact", "type": "phone", "label_zh": "联系电话", "label_en": "Contact phone", "required": False},
]
ANSWERS = {"shop_name": "海滨小吃", "opening": "2026-12-01", "contact": "13812345678"}
MATERIALS = [
    MaterialInput(name_zh="经营场所证明", name_en="Proof of premises"),
    MaterialInput(name_zh="食品安全承诺书", name_en="Food safety pledge"),
]


def pdf(name="scan.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png(name="photo.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages are asserted in English; pages get English through the language cookie."""
    with translation.override("en"):
        yield


@pytest.fixture
def item(department):
    """A promised item for persons: 5 working days, at most one visit, two materials, three questions."""
    item = make_item(
        department,
        code="MKT-001",
        name_zh="小餐饮经营许可",
        name_en="Small eatery license",
        audience="person",
        promised_limit_days=5,
        statutory_limit_days=20,
        online_level="one_visit",
        max_visits=1,
        materials=MATERIALS,
        fields=FIELDS,
    )
    publish()
    return item


@pytest.fixture
def enterprise_item(department, item):
    item = make_item(
        department,
        code="MKT-002",
        name_zh="食品经营备案",
        name_en="Food business filing",
        audience="enterprise",
        online_level="one_visit",
        max_visits=1,
        materials=[MaterialInput(name_zh="营业执照", name_en="Business license")],
    )
    publish()
    return item


@pytest.fixture
def online_item(department, item):
    """A fully online item: it allows no visit at all."""
    item = make_item(department, code="MKT-003", audience="person", online_level="full_online", max_visits=0)
    publish()
    return item


@pytest.fixture
def other_clerk():
    return staff(StaffRole.Role.CLERK)


@pytest.fixture
def walk_in():
    """A person the window registered, with no portal account."""
    return identity.person_register(real_name="王海", resident_id=make_resident_id(birth="19800512"))


def window_draft(clerk, person, code="MKT-001", enterprise=None) -> Application:
    return workflow.application_start(
        actor=clerk, item_code=code, person=person, enterprise=enterprise, channel=Application.Channel.WINDOW
    )


def fill(application, actor, answers=ANSWERS):
    workflow.application_save(application=application, actor=actor, data=answers)
    for material in application.item_version.materials.all():
        workflow.attachment_add(application=application, actor=actor, material=material, upload=pdf())
    return application


@pytest.fixture
def draft(clerk, walk_in, item):
    return fill(window_draft(clerk, walk_in), clerk)


@pytest.fixture
def submitted(draft, clerk):
    from approvals.window.services import window_submit

    return window_submit(application=draft, clerk=clerk, declaration=True, at=NOW)
