"""The seal-usage log's head is locked only while the entry is appended: the sealed file is
uploaded and the holder told with no transaction of ours open and no lock held."""

import threading

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connection, connections, transaction

from licenses.models import License
from licenses.tasks import issue_license
from portal.models import Message
from seals.models import SealUsage
from tests.conftest import is_postgres
from tests.licenses.conftest import approve

seen = []


class RecordingStorage(FileSystemStorage):
    """Notes, at each save, how deep in transactions the caller is and what is committed."""

    def _save(self, name, content):
        if not name.startswith("licenses/"):  # an applicant's material, not a sealed license
            return super()._save(name, content)
        seen.append(
            {
                "atomic_depth": len(connection.atomic_blocks),
                "logged": SealUsage.objects.count(),
                "messages": Message.objects.count(),
                "issued": License.objects.filter(revision__gte=1).count(),
                "head_free": _head_is_free() if is_postgres() and not connection.in_atomic_block else None,
            }
        )
        return super()._save(name, content)


def _head_is_free() -> bool:
    """Whether another connection can lock the log's head right now (PostgreSQL, NOWAIT)."""
    result = []

    def probe():  # a thread of its own has a database connection of its own
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT id FROM seals_sealloghead WHERE id = 1 FOR UPDATE NOWAIT")
            result.append(True)
        except OperationalError:
            result.append(False)
        finally:
            connections.close_all()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join(timeout=30)
    return result == [True]


@pytest.fixture
def recording_storage(settings, tmp_path):
    from django.core.files.storage import default_storage

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": f"{__name__}.RecordingStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    default_storage._setup()
    seen.clear()
    yield seen
    seen.clear()


def test_the_file_is_uploaded_outside_any_transaction_after_the_log_entry_is_committed(
    recording_storage, approved, applicant
):
    baseline = len(connection.atomic_blocks)  # the test's own transaction
    messages = Message.objects.count()

    issue_license.delay(approved.pk)

    assert recording_storage == [
        {"atomic_depth": baseline, "logged": 1, "messages": messages, "issued": 0, "head_free": None}
    ]
    assert Message.objects.count() == messages + 1  # the holder is told after the upload and the commit


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_log_head_is_not_locked_while_the_file_is_uploaded(recording_storage, item, applicant, approver, seal):
    if not is_postgres():
        pytest.skip("needs PostgreSQL's row locks")
    application = approve(item.code, applicant, approver)

    issue_license.delay(application.pk)

    assert [s["head_free"] for s in recording_storage] == [True]
    assert [s["atomic_depth"] for s in recording_storage] == [0]
    assert License.objects.get(application=application).is_issued
