"""A promised limit longer than the statutory one is refused by the form, the service and the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from services.forms import ItemForm
from services.models import ItemVersion
from tests.services.factories import make_item, terms

pytestmark = pytest.mark.django_db


def _form_data(**overrides):
    data = {k: ("" if v is None else v) for k, v in terms(**overrides).items()}
    data["code"] = "MKT-100"
    return data


def test_the_form_refuses_a_promise_beyond_the_statutory_limit(department):
    form = ItemForm(_form_data(statutory_limit_days=5, promised_limit_days=6, department=department.pk), departments=[department])
    assert not form.is_valid()
    assert "cannot be longer than the statutory" in " ".join(form.errors["promised_limit_days"])


def test_the_form_accepts_a_promise_within_the_statutory_limit(department):
    form = ItemForm(_form_data(statutory_limit_days=5, promised_limit_days=5, department=department.pk), departments=[department])
    assert form.is_valid(), form.errors


def test_the_service_refuses_it(department):
    with pytest.raises(ValidationError) as refused:
        make_item(department, statutory_limit_days=3, promised_limit_days=4)
    assert "promised_limit_days" in refused.value.message_dict


def test_the_database_refuses_it(department):
    item = make_item(department, statutory_limit_days=20, promised_limit_days=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemVersion.objects.drafts().filter(item=item).update(promised_limit_days=21)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"kind": "instant", "promised_limit_days": 2}, "promised_limit_days"),
        ({"kind": "promised", "promised_limit_days": 0}, "promised_limit_days"),
        ({"online_level": "full_online", "max_visits": 1}, "max_visits"),
        ({"online_level": "offline", "max_visits": 0}, "max_visits"),
        ({"online_level": "one_visit", "max_visits": 2}, "max_visits"),
    ],
)
def test_the_other_term_rules_are_keyed_by_field(department, overrides, field):
    with pytest.raises(ValidationError) as refused:
        make_item(department, **overrides)
    assert field in refused.value.message_dict


@pytest.mark.parametrize(
    "changes",
    [{"kind": "instant"}, {"online_level": "offline"}, {"max_visits": 3}, {"fee_yuan": -1}],
)
def test_the_database_guards_the_other_rules_too(department, changes):
    item = make_item(department)
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemVersion.objects.drafts().filter(item=item).update(**changes)
