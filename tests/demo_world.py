"""The demo, seeded once for a test module instead of once per test.

Seeding the whole demo (`seed_demo`) takes seconds: the catalogue, the accounts,
the CA and a seal per department, applications taken through the workflow,
sealed licenses and the supervision cases. The modules that read the demo share
one seeding: a module-scoped fixture seeds it on the suite's day (Thursday 26
November 2026, 10:00 in Shanghai) inside a transaction that is rolled back when
the module ends, so nothing reaches the next module. Each test runs in a
savepoint inside that transaction (pytest-django's `db`), so a test that seeds
again or changes the demo leaves the world as it found it for the next test.

While the world stands, time stands still on that day, seals use a KEK of the
module's own (no timestamp authority, an absolute site URL), files go to a folder
of the module's own, and passwords are hashed with the fast hasher the tests use.

A module uses it by importing the fixtures it needs:

    from tests.demo_world import _private_storage, demo_world  # noqa: F401 (fixtures)

`_private_storage` keeps the module's storage folder for every test (tests/conftest.py
would give each test a folder of its own, without the demo's files).
"""

import io
from contextlib import contextmanager

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import transaction
from django.test import override_settings

from tests.conftest import NOW

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextmanager
def world(django_db_blocker, folder, seed):
    """Run `seed()` on the suite's day with the module's settings, in a transaction rolled back on leaving.

    Yields what `seed()` returns.
    """
    from deadlines.selectors import forget_built_calendars
    from seals import services

    overrides = override_settings(
        SEAL_KEK_FILE=str(folder / "seal-kek.key"),
        SEAL_TSA_URL="",
        SEAL_TSA_TRUST_FILE="",
        SITE_URL="http://testserver",
        PASSWORD_HASHERS=FAST_HASHERS,
        STORAGES={
            **django_settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(folder / "private")},
            },
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )
    with django_db_blocker.unblock(), overrides, time_machine.travel(NOW, tick=False):
        forget_built_calendars()
        services.forget_signers()
        try:
            with transaction.atomic():
                yield seed()
                transaction.set_rollback(True)
        finally:
            services.forget_signers()
            forget_built_calendars()


def seed_demo() -> str:
    """`manage.py seed_demo`; returns what it printed."""
    from django.core.management import call_command

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole demo (`seed_demo`), seeded once for the module; the value is what the command printed."""
    with world(django_db_blocker, tmp_path_factory.mktemp("demo"), seed_demo) as printed:
        yield printed


@pytest.fixture(autouse=True)
def _private_storage():
    """Keep the module's storage folder, where the demo's files are (imported by the modules that use the world)."""
