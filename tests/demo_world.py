"""Worlds: data that takes seconds to build, built once for every test that reads it.

Seeding the whole demo (`seed_demo`) takes seconds: the catalogue, the accounts,
the CA and a seal per department, applications taken through the workflow,
sealed licenses and the supervision cases. The modules that read the demo share
one seeding, and the URL audit's modules share one cast with its objects.

A world is built on the suite's day (Thursday 26 November 2026, 10:00 in
Shanghai) inside a transaction that is rolled back when the run leaves the tests
that share it, so nothing reaches the other tests. Each test runs in a savepoint
inside that transaction (pytest-django's `db`), so a test that seeds again or
changes the world leaves it as it found it for the next test.

The tests that share a world run one after the other on one xdist worker:
tests/conftest.py puts them in one group, keyed by the module-scoped fixture
they share (`shared_key`), and closes the world after the last of them
(`close_worlds`). A module-scoped fixture opens the world with `shared()`; the
first module to ask builds it.

While a world stands, time stands still on that day, seals use a KEK of the
world's own (no timestamp authority, an absolute site URL), files go to a folder
of the world's own; the fast password hasher and plain static files are the test process's
(tests/conftest.py).

A module reads the demo by importing its fixture:

    from tests.demo_world import demo_world  # noqa: F401 (a fixture)
"""
import io
from contextlib import contextmanager

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import transaction
from django.test import override_settings

from tests.conftest import NOW


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
        STORAGES={
            **django_settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(folder / "private")},
            },
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


# -- worlds shared by several modules -------------------------------------------------------------------

_open: dict[str, tuple] = {}  # shared key -> (the world's context manager, its value)


def shared_key(fixture_function) -> str:
    """The key of the tests that share a module-scoped fixture: where the fixture is defined.

    A fixture imported into several modules is one function, so they share its key.
    """
    return f"{fixture_function.__module__}.{fixture_function.__name__}"


def shared(key: str, open_world):
    """The value of the open world `key`; `open_world()` (a context manager) builds it if none is open."""
    if key not in _open:
        manager = open_world()
        _open[key] = (manager, manager.__enter__())
    return _open[key][1]


def close_worlds(keep: str | None = None) -> None:
    """Roll back every open world but `keep`: the run has left the tests that share it."""
    for key in [key for key in _open if key != keep]:
        manager, _ = _open.pop(key)
        manager.__exit__(None, None, None)


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole demo (`seed_demo`), seeded once for the modules that read it; the value is what the command printed."""
    return shared(
        shared_key(demo_world.__wrapped__),
        lambda: world(django_db_blocker, tmp_path_factory.mktemp("demo"), seed_demo),
    )
