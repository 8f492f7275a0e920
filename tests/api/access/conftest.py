"""The access log's own items: the seeded purposes, a machine client for each of the cast's
departments, and `read(...)`, which records one read through the service as the API does."""

import importlib
from datetime import timedelta

import pytest

from tests.conftest import NOW

PURPOSE = "license-verification"  # seeded by the data migration


def seed_purposes_if_missing() -> None:
    """The purposes the migration seeds, seeded again by the migration's own function when a
    transactional test (a browser test, say) has emptied the tables since the migrations ran."""
    from django.apps import apps

    from api.access.models import AccessPurpose

    if not AccessPurpose.objects.exists():
        importlib.import_module("api.migrations.0002_access_log").seed_purposes(apps, None)


@pytest.fixture(autouse=True)
def _purposes(db):
    seed_purposes_if_missing()


@pytest.fixture
def machine_client(department):
    return make_client(department, "市场监管业务系统")


@pytest.fixture
def other_client(other_department):
    return make_client(other_department, "住建审批系统")


def make_client(department, name):
    """A registered departmental system, registered as an administrator registers one."""
    from api.services import machine_client_register

    return machine_client_register(department=department, name=name, scopes=["licenses:verify"], actor=None).client


@pytest.fixture
def read(machine_client):
    """Record one read of `subject_id` through the service; each call a minute after the last."""
    from api.access.services import access_record

    minutes = iter(range(10_000))

    def record(subject_id, *, client=None, purpose_code=PURPOSE, reference="MKT-2026-0001", result="found",
               endpoint="/api/v1/licenses/by-holder", at=None):
        return access_record(
            client=client or machine_client, endpoint=endpoint, subject_id=subject_id, purpose_code=purpose_code,
            reference=reference, result=result, at=at or NOW + timedelta(minutes=next(minutes)),
        )

    return record
