"""Check constraints validated in one query decide exactly as Django's one query per constraint."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from services.models import ItemVersion
from tests.services.factories import make_item

pytestmark = pytest.mark.django_db


def errors_of(validate) -> dict:
    try:
        validate()
    except ValidationError as error:
        return {field: sorted((e.message % (e.params or {}), e.code) for e in errors)
                for field, errors in error.error_dict.items()}
    return {}


def django_s(version, exclude=None) -> dict:
    return errors_of(lambda: models.Model.validate_constraints(version, exclude=exclude))


def ours(version, exclude=None) -> dict:
    return errors_of(lambda: version.validate_constraints(exclude=exclude))


@pytest.fixture
def draft():
    return ItemVersion.objects.get(item=make_item(), published_in__isnull=True)


CASES = {
    "valid": {},
    "promise beyond the statutory limit": {"promised_limit_days": 40, "statutory_limit_days": 20},
    "three rules broken at once": {"kind": "instant", "promised_limit_days": 3, "online_level": "full_online",
                                   "max_visits": 1, "fee_yuan": -5},
    "an unknown value passes, as in the database": {"fee_yuan": None},
}


@pytest.mark.parametrize("changes", CASES.values(), ids=CASES.keys())
def test_it_finds_the_errors_django_finds(draft, changes):
    for name, value in changes.items():
        setattr(draft, name, value)
    assert ours(draft) == django_s(draft)
    if changes and changes.get("fee_yuan", 0) is not None:
        assert ours(draft), "the case breaks a rule"


def test_a_constraint_on_an_excluded_field_is_skipped_as_django_skips_it(draft):
    draft.fee_yuan, draft.max_visits = -5, 7
    assert ours(draft, exclude={"fee_yuan"}) == django_s(draft, exclude={"fee_yuan"})
    assert "item_fee_not_negative" not in str(ours(draft, exclude={"fee_yuan"}))
    assert ours(draft, exclude={"fee_yuan"})


def test_it_asks_the_database_once_for_all_five_checks(draft):
    checks = [c for c in ItemVersion._meta.constraints if isinstance(c, models.CheckConstraint)]
    assert len(checks) == 5
    with CaptureQueriesContext(connection) as ours_:
        draft.validate_constraints()
    with CaptureQueriesContext(connection) as django_:
        models.Model.validate_constraints(draft)
    selects = lambda queries: [q for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]  # noqa: E731
    assert len(selects(django_.captured_queries)) - len(selects(ours_.captured_queries)) == len(checks) - 1
