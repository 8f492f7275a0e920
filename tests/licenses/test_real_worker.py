"""Approval to license through a real Celery worker on Redis, sharing the test's PostgreSQL database.

The worker is a separate process (`celery -A portal worker`), so it cannot see
a test's uncommitted transaction: the test is transactional, and the worker
is pointed at the same test database. It runs only with REDIS_URL set and on
PostgreSQL (CI: DATABASE_URL=postgres://… REDIS_URL=redis://…).
"""

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from licenses.models import License
from portal.celery import app
from seals.models import SealUsage
from seals.verification import verify_pdf
from tests.conftest import is_postgres
from tests.licenses.conftest import approve

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def worker(settings, tmp_path):
    if not os.environ.get("REDIS_URL") or not is_postgres():
        pytest.skip("needs REDIS_URL and PostgreSQL")
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_EAGER", "DATABASE_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=_database_url(),
        VAR_DIR=str(tmp_path),
        # Its private storage is the test's.
        STORAGE_BACKEND="django.core.files.storage.FileSystemStorage",
        STORAGE_OPTIONS=json.dumps({"location": settings.STORAGES["default"]["OPTIONS"]["location"]}),
        SEAL_KEK_FILE=settings.SEAL_KEK_FILE,  # the same key-encryption key as the test's seals
        SITE_URL=settings.SITE_URL,
        CELERY_EAGER="0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DB_CONN_MAX_AGE="0",
    )
    process = subprocess.Popen(
        [CELERY, "-A", "portal", "worker", "--pool=solo", "--purge", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "--loglevel=INFO", "-n", f"licenses-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read():
        for line in process.stdout:
            lines.append(line)
            if " ready." in line:
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert ready.wait(60), "the worker did not start:\n" + "".join(lines[-50:])
    yield lines
    process.terminate()
    process.wait(timeout=30)
    reader.join(timeout=5)


def test_a_real_worker_issues_the_license_of_an_approved_application(worker, item, applicant, approver, seal, monkeypatch):
    monkeypatch.setitem(app.conf, "task_always_eager", False)  # queue on Redis, as in production

    application = approve(item.code, applicant, approver, issue=True)  # the commit queues the task

    deadline = time.monotonic() + 90
    license = None
    while time.monotonic() < deadline:
        license = License.objects.filter(application=application, status=License.Status.VALID).first()
        if license:
            break
        time.sleep(0.5)
    output = "".join(worker)
    assert license is not None, f"the worker did not issue the license:\n{output[-4000:]}"
    assert "licenses.tasks.issue_license" in output
    with license.file.open("rb") as handle:
        pdf = handle.read()
    assert hashlib.sha256(pdf).hexdigest() == license.sha256
    assert verify_pdf(pdf).ok
    assert SealUsage.objects.filter(related_type="licenses.license", related_id=str(license.pk)).count() == 1
