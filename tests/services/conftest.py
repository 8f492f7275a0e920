"""The list tests assert service messages in English; the cast (list administrators
of two departments) is tests/conftest.py's."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages are asserted in English; pages choose their language per request."""
    with translation.override("en"):
        yield


def writes(queries) -> list[str]:
    """The statements among captured queries that change data."""
    return [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
