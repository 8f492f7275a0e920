"""Two counters register the same walk-in at the same moment: the second gets
the record the first made (or a clear message if the names differ), never an error page."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from portal.models import Person
from portal.services import person_register
from tests.factories import make_resident_id

pytestmark = pytest.mark.django_db(transaction=True)


def _other_counter_registers(resident_id: str, name: str, inserted: threading.Event, errors: list) -> threading.Thread:
    """Insert the person in another connection and commit a moment later, while the test's call waits on it."""

    def run():
        try:
            with transaction.atomic():
                Person.objects.create(real_name=name, resident_id=resident_id)
                inserted.set()
                threading.Event().wait(1.0)  # the other call is now blocked on the unique index
        except Exception as exc:  # noqa: BLE001  (reported by the test)
            errors.append(exc)
            inserted.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.parametrize(("typed_name", "same"), [("林晓", True), ("林小", False)])
def test_the_second_registration_of_one_id_meets_the_first(typed_name, same):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent inserts are exercised on PostgreSQL (CI)")
    resident_id = make_resident_id(birth="19760203")
    inserted, errors = threading.Event(), []
    thread = _other_counter_registers(resident_id, "林晓", inserted, errors)
    assert inserted.wait(10)
    try:
        if same:
            person = person_register(real_name=typed_name, resident_id=resident_id)
            assert person.pk == Person.objects.get(resident_id=resident_id).pk
        else:
            with pytest.raises(ValidationError, match="different name"):
                person_register(real_name=typed_name, resident_id=resident_id)
    finally:
        thread.join(timeout=30)
    assert not errors
    assert Person.objects.filter(resident_id=resident_id).count() == 1
