"""The migrations: they match the models, and a database made from empty gets the third-party
apps' migrations before the project's models that point at users (portal/migrations/_third_party_first.py)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portal.migrations._third_party_first import THIRD_PARTY_FIRST

PROJECT_APPS = {"portal", "services", "deadlines", "approvals", "licenses", "seals", "supervision", "api"}
# What comes before them: the user model and what it needs, and a license type, which points at no user.
NEEDED_BY_THE_USER_MODEL = {"services.0001_initial", "portal.0001_initial", "licenses.0001_initial"}


@pytest.mark.django_db
def test_the_models_need_no_new_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_the_test_database_has_every_migration_applied():
    """Also when a parallel worker's database is a copy of the one the controller migrated (tests/conftest.py)."""
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


@pytest.mark.django_db
def test_a_database_made_from_empty_gets_the_third_party_apps_first():
    executor = MigrationExecutor(connection)
    steps = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
    plan = [f"{migration.app_label}.{migration.name}" for migration, _backwards in steps]
    third_party = {app for app, _latest in THIRD_PARTY_FIRST}
    last = max(i for i, key in enumerate(plan) if key.split(".")[0] in third_party)
    early = [key for key in plan[:last] if key.split(".")[0] in PROJECT_APPS and key not in NEEDED_BY_THE_USER_MODEL]
    assert early == []
    assert {"oauth2_provider.0001_initial", "account.0001_initial", "mfa.0001_initial"} <= set(plan[:last + 1])
