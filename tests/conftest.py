"""What every test shares: the test database with its working-day calendar, a
Redis database per xdist worker, clean caches and outboxes, and the fixed cast.

The cast (all built with tests/factories.py):

- `applicant`: a citizen with a completed profile (王小明); `outsider`: another citizen;
- `enterprise_member`: an enterprise's agent (the membership; its `.user` signs in);
- `clerk` and `supervisor`: city-wide staff;
- `approver`, `head` and `list_admin` of `department` (market supervision);
- `other_approver`, `other_head` and `other_list_admin` of `other_department`
  (housing): staff, but outsiders to the market department's work.

Time: `frozen_time` stands still on the suite's day, Thursday 26 November 2026,
10:00 in Shanghai. The calendar is seeded once per test database (as on that
day) and is there at the start of every test; tests/deadlines/ empties it for
its own tests.
"""

import gc
import os
import shutil
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import settings as hypothesis_settings

# Property tests judge results, not speed: a busy 2-core CI machine must not
# turn a slow example into a failure.
hypothesis_settings.register_profile("onegate", deadline=None)
hypothesis_settings.load_profile("onegate")

# Playwright's sync API runs an event loop in the test thread; Django's ORM
# refuses to run beside one unless told that this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)  # a Thursday

# The suite was written in November 2026, before the State Council's notice for
# 2027: it treats 2027 as provisional. A new release of chinesecalendar or
# holidays that carries that notice must not flip those tests on a fresh install.
LAST_ANNOUNCED_YEAR = 2026


def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


# -- one Redis database per xdist worker ----------------------------------------------------------


def worker_redis_url(url: str, worker: str) -> str:
    """REDIS_URL for xdist worker `gwN`: database N above the one REDIS_URL names.

    The cache (rate-limit counters, sign-in codes) and the Celery broker live
    there, and every test starts with `cache.clear()`, a FLUSHDB: workers
    sharing a database would wipe each other's counters and take each other's
    queued tasks.
    """
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    database = base + int(worker.removeprefix("gw"))
    if database > 15:
        raise pytest.UsageError(f"REDIS_URL {url}: worker {worker} would need Redis database {database}")
    return urlunsplit(parts._replace(path=f"/{database}"))


# -- the garbage collector -------------------------------------------------------------------------


def _collect_garbage_less_often() -> None:
    """A test process allocates millions of short-lived objects (querysets, requests, model
    instances) and keeps the code it loaded for its whole life. With Python's default thresholds
    a collection runs every 700 allocations, and every so often a full one walks every object
    alive, Django's and the tests' modules included. Collections now come about 70 times less
    often, and what is loaded by the end of collection is moved out of the collector's sight
    (`gc.freeze`). Measured in pairs of runs on tests/approvals and tests/api, one process: 1 to 8 %
    less time, for a tenth more memory."""
    gc.set_threshold(50_000, 50, 1_000)


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session):
    gc.collect()
    gc.freeze()


def pytest_configure(config):
    _collect_garbage_less_often()
    worker, url = os.environ.get("PYTEST_XDIST_WORKER"), os.environ.get("REDIS_URL")
    if not (worker and url):
        return
    from django.conf import settings
    from django.test.utils import override_settings

    from portal.celery import app

    # Settings were read before this hook runs (pytest-django loads them first): override
    # them for this process, and the environment for the Celery workers that tests start.
    own = worker_redis_url(url, worker)
    os.environ["REDIS_URL"] = own
    caches = {alias: {**cache, "LOCATION": own} for alias, cache in settings.CACHES.items()}
    override_settings(CACHES=caches, CELERY_BROKER_URL=own).enable()
    app.conf.broker_url = own


# -- what runs on one worker ----------------------------------------------------------------------------

BROWSER_TESTS = Path(__file__).resolve().parent / "browser"


SHARED = pytest.StashKey[str]()  # the key of the world a test shares with others (tests/demo_world.py)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Under `--dist loadgroup`, keep together the tests that share something costly.

    The browser tests run on one worker, one Chromium at a time (two beside each
    other on a 2-core machine starve the live servers of the journeys); the page
    review's two sizes, which only open and read pages, may run side by side.
    The tests that share a module-scoped fixture (a world: the URL audit's cast,
    the seeded demo) run on one worker, one after the other, which builds the
    world once: they are moved next to the first of them, and in one xdist group.
    """
    from tests.demo_world import shared_key

    groups: dict[str, list] = {}
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.xdist_group(item.name if item.get_closest_marker("pages") else "browser"))
            continue
        definitions = getattr(item, "_fixtureinfo", None)
        ours = [defs[-1] for defs in definitions.name2fixturedefs.values() if defs] if definitions else []
        shared = [f for f in ours if f.scope == "module" and f.baseid]  # baseid: defined under tests/
        if shared:
            key = shared_key(shared[0].func)
            item.stash[SHARED] = key
            item.add_marker(pytest.mark.xdist_group(key))
            groups.setdefault(key, []).append(item)
    first = {key: members[0] for key, members in groups.items()}
    ordered = []
    for item in items:
        key = item.stash.get(SHARED, None)
        if key is None:
            ordered.append(item)
        elif item is first[key]:
            ordered.extend(groups[key])
    items[:] = ordered


# -- the test database and its working-day calendar -------------------------------------------------


@pytest.fixture(autouse=True, scope="session")
def _calendar_packages_as_of_the_suite():
    from deadlines import holiday_sources

    original = holiday_sources.package_years
    years = {year: package for year, package in original().items() if year <= LAST_ANNOUNCED_YEAR}
    holiday_sources.package_years = lambda: years
    yield
    holiday_sources.package_years = original


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix):
    """PostgreSQL test databases do not wait for the disk at each commit (`_fast_commits`); on
    parallel workers, each worker's database is a copy of one migrated once for the run."""
    from django.db import connections

    for connection in connections.all(initialized_only=False):
        if connection.vendor == "postgresql":
            _fast_commits(connection)
            if hasattr(request.config, "workerinput"):
                _copy_of_the_migrated_database(connection.creation)


def _fast_commits(connection) -> None:
    """synchronous_commit=off: a crash could lose the last commits of a database that is thrown
    away anyway; migrations and the tests that commit for real (concurrency, the real worker) no
    longer wait for an fsync each."""
    options = connection.settings_dict.setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


# -- one migration for the parallel workers ---------------------------------------------------------
#
# Each xdist worker has a test database of its own. Were each to run every migration (about
# 8 CPU-seconds), three workers on a 2-core machine would spend some 12 s on it at once. Instead
# the controller migrates one database (test_onegate_migrated) while the workers collect, holding
# an advisory lock; each worker then takes the lock in turn and copies that database
# (CREATE DATABASE … TEMPLATE, about half a second). The controller drops it when the run ends.

MIGRATING = 7_402_611  # the advisory lock


def _migrated_name(settings_dict) -> str:
    """test_onegate_migrated: the test database's name without a worker's suffix, and "_migrated"."""
    from django.db.backends.base.creation import TEST_DATABASE_PREFIX

    return f"{TEST_DATABASE_PREFIX}{settings_dict['NAME']}_migrated"


def _migrate_into(creation, name: str) -> None:
    """Create the test database `name` from empty and migrate it, as Django makes a test database;
    the connection's settings are left as they were."""
    from django.conf import settings

    settings_dict = creation.connection.settings_dict
    before = settings_dict["NAME"], settings_dict["TEST"].get("NAME")
    settings_dict["TEST"]["NAME"] = name
    try:
        creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    finally:
        creation.connection.close()
        settings_dict["NAME"], settings_dict["TEST"]["NAME"] = before
        settings.DATABASES[creation.connection.alias]["NAME"] = before[0]


def _drop(creation, name: str) -> None:
    with creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {creation._quote_name(name)}")


def _take_the_lock(settings_dict):
    """A connection to the maintenance database that holds the advisory lock until it is closed."""
    import psycopg2

    lock = psycopg2.connect(
        dbname="postgres",
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"],
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or None,
    )
    lock.autocommit = True
    lock.cursor().execute("SELECT pg_advisory_lock(%s)", [MIGRATING])
    return lock


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    """The controller of a parallel run takes the lock and migrates while the workers start."""
    import threading

    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    config = session.config
    if not config.getoption("numprocesses", None) or hasattr(config, "workerinput"):
        return
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return
    _fast_commits(connection)
    name = config.stash[MIGRATED] = _migrated_name(connection.settings_dict)
    lock = _take_the_lock(connection.settings_dict)

    def migrate():
        creation = connections["default"].creation
        try:
            with config.stash[blocking_manager_key].unblock():
                try:
                    _migrate_into(creation, name)
                except BaseException:
                    _drop(creation, name)  # no half-migrated database for the workers
                    raise
        finally:
            lock.close()  # releases the lock; should the migration have failed, each worker migrates its own

    config.stash[MIGRATION] = threading.Thread(target=migrate, name="migrate once", daemon=True)
    config.stash[MIGRATION].start()


MIGRATION = pytest.StashKey["threading.Thread"]()
MIGRATED = pytest.StashKey[str]()  # the migrated database's name


def pytest_sessionfinish(session):
    """The controller of a parallel run drops the database the workers copied."""
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    thread = session.config.stash.get(MIGRATION, None)
    if thread is None:
        return
    thread.join()
    with session.config.stash[blocking_manager_key].unblock():
        _drop(connections["default"].creation, session.config.stash[MIGRATED])


def _copy_of_the_migrated_database(creation) -> None:
    """Make this worker's test database a copy of the one the controller migrated (or, should
    that have failed, migrate its own as Django would)."""
    migrate_and_create = creation.create_test_db

    def create_test_db(verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        connection = creation.connection
        own = creation._get_test_db_name()
        migrated = _migrated_name(connection.settings_dict)
        lock = _take_the_lock(connection.settings_dict)
        try:
            with lock.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [migrated])
                if cursor.fetchone() is None:
                    return migrate_and_create(verbosity, autoclobber, serialize, keepdb)
                quote = creation._quote_name
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(own)}")
                cursor.execute(f"CREATE DATABASE {quote(own)} TEMPLATE {quote(migrated)}")
        finally:
            lock.close()
        from django.conf import settings

        connection.close()
        connection.settings_dict["NAME"] = settings.DATABASES[connection.alias]["NAME"] = own
        connection.ensure_connection()
        if serialize:
            connection._test_serialized_contents = creation.serialize_db_to_string()
        return own

    creation.create_test_db = create_test_db


_blocker = None  # pytest-django's database blocker, once the test database exists
# (model, rows): the calendar's first seeding, written back after a transactional test.
_seeded_calendar: list[tuple] = []


def _seed_calendar_if_missing() -> None:
    """Seed the calendar as on NOW, unless it is there.

    The first seeding runs `calendar_sync`; after a transactional test has emptied the tables,
    the same rows (same keys, same times) are written back in one insert a table.
    """
    from django.db import transaction

    from deadlines.models import CalendarChange, CalendarDay, CalendarYear
    from deadlines.services import calendar_sync

    if CalendarChange.objects.exists():
        return
    with transaction.atomic():
        if _seeded_calendar:
            for model, rows in _seeded_calendar:
                model.objects.bulk_create(rows)
            return
        with time_machine.travel(NOW, tick=False):
            calendar_sync(at=NOW)
        for model in (CalendarYear, CalendarDay, CalendarChange):
            _seeded_calendar.append((model, list(model.objects.all())))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, _calendar_packages_as_of_the_suite):
    """The test database, with the calendar seeded from the packages as on NOW.

    Seeding takes a good part of a second; the tests that need the calendar
    share this one instead of seeding their own.
    """
    global _blocker
    _install_fast_emptying()
    with django_db_blocker.unblock():
        _seed_calendar_if_missing()
    _blocker = django_db_blocker
    yield
    _blocker = None


# Emptied after a transactional test all the same: the rows post_migrate writes (content types and
# permissions, the same every time) and the migration history.
KEPT_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


def _empty_the_tables(self) -> None:
    """What `flush` does after a transactional test on PostgreSQL, in a tenth of the time.

    `flush` truncates every table (PostgreSQL makes each anew, about 0.6 s for
    this project's) and then writes the content types and permissions again.
    Here only the tables that hold rows are emptied, by DELETE, with the
    foreign keys (Django's are deferrable) checked once at the end.
    """
    from django.db import connections, transaction

    global _tables_emptied
    _tables_emptied = True
    for alias in self._databases_names(include_mirrors=False):
        connection = connections[alias]
        if connection.vendor != "postgresql" or self.available_apps is not None:
            return _flush(self)
        tables = [
            table
            for table in connection.introspection.django_table_names(only_existing=True, include_views=False)
            if table not in KEPT_TABLES
        ]
        quote = connection.ops.quote_name
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute(
                " UNION ALL ".join(f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(table)})" for table in tables), tables
            )
            filled = [row[0] for row in cursor.fetchall()]
            if filled:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                for table in filled:
                    cursor.execute(f"DELETE FROM {quote(table)}")


_flush = None
_tables_emptied = False  # by a transactional test, since the calendar was last seeded


def _install_fast_emptying() -> None:
    global _flush
    from django.test import TransactionTestCase

    if _flush is None:
        _flush = TransactionTestCase._fixture_teardown
        TransactionTestCase._fixture_teardown = _empty_the_tables


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the last test that shares a world, roll the world back (tests/demo_world.py).

    A transactional test ends by emptying every table: seed the calendar again for the next one.
    """
    global _tables_emptied
    from tests.demo_world import close_worlds

    try:
        return (yield)
    finally:
        close_worlds(keep=nextitem.stash.get(SHARED, None) if nextitem is not None else None)
        if _blocker is not None and _tables_emptied:
            with _blocker.unblock():
                _seed_calendar_if_missing()
            _tables_emptied = False


@pytest.fixture
def frozen_time(db):
    """Thursday 26 November 2026, 10:00 in Shanghai; a test may travel on from there."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


# -- every test ---------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _clean_cache_and_outboxes():
    """Rate-limit counters and codes live in the cache: every test starts clean."""
    from django.conf import settings
    from django.core.cache import cache, caches

    from portal import sms
    from services.formbuilder import forget_form_classes

    cache.clear()
    if settings.CACHES["counters"].get("LOCATION") != settings.CACHES["default"].get("LOCATION"):
        caches["counters"].clear()  # on Redis both are one database, cleared once above
    sms.outbox.clear()
    forget_form_classes()
    yield


@pytest.fixture(autouse=True)
def _joining_task_results_allowed():
    """Celery's "a task may not wait for another" flag is one global, which eager tasks set
    and restore around their run: tasks applied from several threads at once (the
    concurrency tests) can leave it set, and every later `.get()` in the process would
    raise. Each test starts, as a test process does, outside any task."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)


PRIVATE = pytest.StashKey[Path]()  # this process's storage folder for uploaded and generated files


@pytest.fixture(autouse=True, scope="session")
def _test_settings(request, tmp_path_factory):
    """The settings every test of this process shares: fast password hashing, plain static files,
    and uploaded and generated files in a folder of the process's own.

    Set once, not per test: each change of a setting notifies Django's receivers and rebuilds
    what depends on it, and a new temporary folder per test costs more as the folders pile up.
    2,000 empty database tests took 17 to 31 s with both per test, and 6 to 8 s with neither.
    """
    from django.conf import settings
    from django.test.utils import override_settings

    folder = request.config.stash[PRIVATE] = tmp_path_factory.mktemp("private")
    overrides = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        STORAGES={
            **settings.STORAGES,
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(folder)}},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )
    overrides.enable()
    yield
    overrides.disable()


@pytest.fixture(autouse=True)
def _private_storage(request):
    """Every test starts with an empty storage folder: what an earlier test stored is gone."""
    shutil.rmtree(request.config.stash[PRIVATE], ignore_errors=True)


@pytest.fixture
def english(client):
    """The test client, reading pages in English (the default is Chinese)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# -- the cast -----------------------------------------------------------------------------------------


@pytest.fixture
def department(db):
    from tests.factories import DepartmentFactory

    return DepartmentFactory(
        code="market", name_zh="市场监督管理局", name_en="Market Supervision Administration", window="市民中心一楼综合窗口"
    )


@pytest.fixture
def other_department(db):
    from tests.factories import DepartmentFactory

    return DepartmentFactory(code="housing", name_zh="住房和城乡建设局", name_en="Housing Bureau")


@pytest.fixture
def applicant(db):
    from tests.factories import citizen

    return citizen(real_name="王小明")


@pytest.fixture
def outsider(db):
    from tests.factories import citizen

    return citizen()


@pytest.fixture
def enterprise_member(db):
    from tests.factories import EnterpriseFactory, MembershipFactory, citizen

    return MembershipFactory(user=citizen(), enterprise=EnterpriseFactory(name="葫芦岛海滨食品有限公司"))


def _staff(role, department=None):
    from tests.factories import staff

    return staff(role, department)


@pytest.fixture
def clerk(db):
    return _staff("clerk")


@pytest.fixture
def supervisor(db):
    return _staff("supervisor")


@pytest.fixture
def approver(department):
    return _staff("approver", department)


@pytest.fixture
def head(department):
    return _staff("head", department)


@pytest.fixture
def list_admin(department):
    return _staff("list_admin", department)


@pytest.fixture
def other_approver(other_department):
    return _staff("approver", other_department)


@pytest.fixture
def other_head(other_department):
    return _staff("head", other_department)


@pytest.fixture
def other_list_admin(other_department):
    return _staff("list_admin", other_department)


# -- seals --------------------------------------------------------------------------------------------


@pytest.fixture
def seal_settings(settings, tmp_path):
    """A KEK of the test's own, no TSA, an absolute site URL; messages in English."""
    from django.utils import translation

    from seals import services

    translation.activate("en")
    settings.SEAL_KEK_FILE = str(tmp_path / "seal-kek.key")
    settings.SEAL_TSA_URL = ""
    settings.SEAL_TSA_TRUST_FILE = ""
    settings.SITE_URL = "http://testserver"
    services.forget_signers()
    yield settings
    services.forget_signers()
    translation.deactivate()


@pytest.fixture
def root(db, seal_settings):
    """The root CA."""
    from seals import services

    return services.root_create()


@pytest.fixture
def seal(root, department):
    """The market department's seal."""
    from seals import services

    return services.seal_issue(department=department)
