"""What the tests of personal-data reads share: the seeded purposes, a departmental system's
token with chosen scopes, the purpose headers, and the access log as the person sees it."""

import pytest

from api.access.models import AccessLogEntry
from tests.api.access.conftest import seed_purposes_if_missing
from tests.api.conftest import bearer, token

PURPOSE = "license-verification"
DATA_ACCESS = "/me/data-access/"


@pytest.fixture(autouse=True)
def _purposes(db):
    seed_purposes_if_missing()


@pytest.fixture
def system(api_client, register):
    """A bearer header for a departmental system with `scopes` (of the market department by default)."""

    def system(*scopes, **kwargs):
        return bearer(token(api_client, register(list(scopes), **kwargs)))

    return system


def purpose(code=PURPOSE, reference="MKT-2026-0042") -> dict:
    headers = {}
    if code is not None:
        headers["HTTP_ONEGATE_PURPOSE"] = code
    if reference is not None:
        headers["HTTP_ONEGATE_REFERENCE"] = reference
    return headers


def log_entries(reference: str):
    return list(AccessLogEntry.objects.filter(reference=reference))


def seen_on_data_access_page(http, user, reference: str) -> bool:
    """Whether `user`, signed in, finds the read with this case number on /me/data-access/."""
    http.force_login(user)
    try:
        response = http.get(DATA_ACCESS)
        assert response.status_code == 200
        return reference in response.content.decode()
    finally:
        http.logout()
