import pytest
from django.utils import translation

from portal.models import StaffRole
from tests.factories import DepartmentFactory, staff


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages are asserted in English; pages choose their language per request."""
    with translation.override("en"):
        yield


@pytest.fixture
def department():
    return DepartmentFactory(code="market", name_zh="市场监督管理局", name_en="Market Supervision Administration")


@pytest.fixture
def other_department():
    return DepartmentFactory(code="housing", name_zh="住房和城乡建设局", name_en="Housing Bureau")


@pytest.fixture
def list_admin(department):
    return staff(StaffRole.Role.LIST_ADMIN, department)


@pytest.fixture
def other_list_admin(other_department):
    return staff(StaffRole.Role.LIST_ADMIN, other_department)


def writes(queries) -> list[str]:
    """The statements among captured queries that change data."""
    return [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
