"""Application forms built from an item version's field definitions."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from services.formbuilder import application_form_class
from services.models import ItemVersion
from tests.factories import make_credit_code, make_resident_id
from tests.services.factories import make_item

pytestmark = pytest.mark.django_db

FIELDS = [
    {"key": "name", "type": "text", "label_zh": "名称", "label_en": "Name", "max_length": 10},
    {"key": "about", "type": "textarea", "label_zh": "说明", "label_en": "About", "required": False},
    {"key": "capital", "type": "number", "label_zh": "注册资本", "label_en": "Capital", "min_value": "1", "max_value": "100"},
    {"key": "start", "type": "date", "label_zh": "开始日期", "label_en": "Start date"},
    {"key": "kind", "type": "choice", "label_zh": "类型", "label_en": "Kind", "choices": "llc | 有限公司 | LLC\nsole | 个人独资 | Sole"},
    {"key": "address", "type": "address", "label_zh": "地址", "label_en": "Address"},
    {"key": "person", "type": "resident_id", "label_zh": "身份证号码", "label_en": "Resident ID"},
    {"key": "company", "type": "credit_code", "label_zh": "信用代码", "label_en": "Credit code"},
    {"key": "phone", "type": "phone", "label_zh": "电话", "label_en": "Phone"},
    {"key": "email", "type": "email", "label_zh": "邮箱", "label_en": "Email"},
    {"key": "agree", "type": "checkbox", "label_zh": "同意", "label_en": "I agree"},
    {"key": "postcode", "type": "text", "label_zh": "邮编", "label_en": "Postcode", "regex": r"^\d{6}$"},
]


@pytest.fixture
def form_class(department):
    item = make_item(department, fields=FIELDS)
    with translation.override("en"):
        return application_form_class(ItemVersion.objects.with_terms().drafts().get(item=item))


def good(**overrides):
    data = {
        "name": "葫芦岛商贸", "capital": "50", "start": "2026-03-02", "kind": "llc", "address": "龙港区海星路1号",
        "person": make_resident_id().lower(), "company": make_credit_code(), "phone": "13800000000",
        "email": "a@example.org", "agree": "on", "postcode": "125000",
    }
    data.update(overrides)
    return data


def test_it_builds_one_field_per_definition_in_order(form_class):
    assert list(form_class.base_fields) == [f["key"] for f in FIELDS]
    assert form_class.base_fields["kind"].choices == [("llc", "LLC"), ("sole", "Sole")]
    assert form_class.base_fields["name"].label == "Name"


def test_it_accepts_good_answers_and_normalises_identifiers(form_class):
    form = form_class(good())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["capital"] == Decimal("50")
    assert form.cleaned_data["start"] == datetime.date(2026, 3, 2)
    assert form.cleaned_data["person"] == form.data["person"].upper()


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", "x" * 11),
        ("capital", "0"),
        ("capital", "101"),
        ("start", "not a date"),
        ("kind", "partnership"),
        ("person", "110101199003070000"),
        ("company", "91211400MA0XPLK2QI"),
        ("phone", "12345"),
        ("email", "nobody"),
        ("agree", ""),
        ("postcode", "12500"),
    ],
)
def test_it_refuses_bad_answers(form_class, field, value):
    form = form_class(good(**{field: value}))
    assert not form.is_valid()
    assert field in form.errors


def test_optional_fields_may_be_empty(form_class):
    assert form_class(good(about="")).is_valid()


def test_labels_follow_the_language(department):
    item = make_item(department, fields=FIELDS[:1])
    version = ItemVersion.objects.with_terms().drafts().get(item=item)
    with translation.override("zh-hans"):
        assert application_form_class(version).base_fields["name"].label == "名称"
