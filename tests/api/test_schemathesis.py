"""The live OpenAPI schema, tried by Schemathesis: every operation, called through Django's WSGI
application with a token that has every scope and a valid purpose and case number, never answers
a server error and answers only what the schema declares (status, content type, body).

Bounded to stay quick: a few examples per operation, derandomized, no deadline."""

from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from api.models import Scope
from tests.api.conftest import token
from tests.api.reads import _purposes, purpose  # noqa: F401 (fixtures)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@contextmanager
def connection_kept_open():
    """As Django's test client does around each request: a request made inside the test's
    transaction must not close the database connection when it ends (on PostgreSQL the
    test's transaction would go with it). Held around each call, because the test client
    connects the handler again after each of its own requests."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def live_schema(db):
    config = schemathesis.Config.from_dict({"generation": {"mode": "positive"}})
    with connection_kept_open():
        return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), config=config)


schema = schemathesis.pytest.from_fixture("live_schema")


@pytest.fixture
def every_scope(api_client, register):
    """Authorization, purpose and case number headers of a system that may call every operation."""
    headers = {"Authorization": f"Bearer {token(api_client, register(Scope.values))}"}
    return headers | {"OneGate-Purpose": "license-verification", "OneGate-Reference": "MKT-2026-0042"}


@schema.parametrize()
@settings(max_examples=5, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_schema_says(case, every_scope):
    # The WSGI client hands back the body as sent; a gzipped answer (which real clients
    # decode) would not be read as JSON, so ask for it plain.
    case.headers = {**(case.headers or {}), **every_scope, "Accept-Encoding": "identity"}
    with connection_kept_open():
        case.call_and_validate(checks=CHECKS)
