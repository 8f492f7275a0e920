"""Two clerks record a visit to the same application at the same moment:
each visit gets its own number (the application row is locked)."""

import threading

import pytest
from django.db import connection, connections

from approvals.models import Visit
from approvals.window.services import visit_record
from tests.approvals.window.conftest import NOW

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_visits_get_distinct_numbers(submitted, clerk, other_clerk, walk_in):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL (CI)")
    barrier = threading.Barrier(2)
    errors = []

    def record(actor):
        try:
            barrier.wait(timeout=10)
            visit_record(clerk=actor, person=walk_in, application=submitted, purpose="consult", reason="again", at=NOW)
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record, args=(actor,)) for actor in (clerk, other_clerk)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(Visit.objects.values_list("number", flat=True)) == [1, 2, 3]
