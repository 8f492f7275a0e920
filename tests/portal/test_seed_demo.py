import io

import pytest
from django.core.management import CommandError, call_command

from portal.models import Person, StaffRole, User
from services.models import Department
from tests.demo_world import demo_world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


# First: it needs an empty database, before the module's demo world is seeded.
def test_it_refuses_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.exists()


def test_it_seeds_departments_and_one_account_per_role_idempotently(demo_world):
    out = demo_world  # what seeding the world printed
    counts = (User.objects.count(), Person.objects.count(), StaffRole.objects.count(), Department.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert counts == (
        User.objects.count(), Person.objects.count(), StaffRole.objects.count(), Department.objects.count()
    )
    assert Department.objects.count() >= 8
    held = set(StaffRole.objects.values_list("role", flat=True))
    assert held == set(StaffRole.Role.values)
    assert "OneGate-demo-2026" in out
    assert User.objects.get(email="citizen@demo.onegate").check_password("OneGate-demo-2026")
