"""Two approvers act on the same application at the same moment: exactly one
transition happens, with exactly one event (PostgreSQL row locks)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from approvals import services as workflow
from approvals.models import ApplicationEvent
from approvals.workflow import State
from portal.models import StaffRole
from tests.factories import staff

pytestmark = pytest.mark.django_db(transaction=True)


def _race(n, work):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait(timeout=10)
            results.append(work(i))
        except ValidationError as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


def test_two_approvers_approving_at_once_make_one_approval(submitted, approver, department):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL (CI)")
    second = staff(StaffRole.Role.APPROVER, department)
    application = workflow.application_accept(application=submitted, actor=approver)
    actors = [approver, second]
    results, errors = _race(2, lambda i: workflow.application_approve(application=application, actor=actors[i]))
    application.refresh_from_db()
    assert application.state == State.APPROVED
    assert len(results) == 1 and len(errors) == 1
    assert ApplicationEvent.objects.filter(application=application, action="approve").count() == 1


def test_concurrent_submissions_get_distinct_tracking_numbers(item, applicant):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL (CI)")
    from tests.approvals.conftest import fill

    drafts = [fill(workflow.application_start(actor=applicant, item_code=item.code), applicant) for _ in range(4)]
    results, errors = _race(4, lambda i: workflow.application_submit(application=drafts[i], actor=applicant, declaration=True))
    assert not errors
    numbers = {r.tracking_number for r in results}
    assert len(numbers) == 4
