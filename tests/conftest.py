import os

import pytest
from hypothesis import settings as hypothesis_settings

# Property tests judge results, not speed: a busy 2-core CI machine must not
# turn a slow example into a failure.
hypothesis_settings.register_profile("onegate", deadline=None)
hypothesis_settings.load_profile("onegate")

# Playwright's sync API runs an event loop in the test thread; Django's ORM
# refuses to run beside one unless told that this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _clean_cache_and_outboxes():
    """Rate-limit counters and codes live in the cache: every test starts clean."""
    from django.core.cache import cache

    from portal import sms

    cache.clear()
    sms.outbox.clear()
    yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Uploaded and generated files go to a per-test folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


# The suite was written in November 2026, before the State Council's notice for
# 2027: it treats 2027 as provisional. A new release of chinesecalendar or
# holidays that carries that notice must not flip those tests on a fresh install.
LAST_ANNOUNCED_YEAR = 2026


@pytest.fixture(autouse=True, scope="session")
def _calendar_packages_as_of_the_suite():
    from deadlines import holiday_sources

    original = holiday_sources.package_years
    years = {year: package for year, package in original().items() if year <= LAST_ANNOUNCED_YEAR}
    holiday_sources.package_years = lambda: years
    yield
    holiday_sources.package_years = original
