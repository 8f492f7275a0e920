"""Factories for the test suite; the fixed cast made from them is in tests/conftest.py.

Identifier numbers are generated valid (the check character is computed), so
that any test can make as many distinct people and enterprises as it needs.
"""

import itertools

import factory
from allauth.account.models import EmailAddress

from portal.identifiers import CREDIT_ALPHABET, credit_code_check_char, resident_id_check_char
from portal.models import Enterprise, Membership, Person, StaffRole, User
from services.models import Department

PASSWORD = "correct-horse-battery-staple"
_serial = itertools.count(1)


def make_resident_id(birth: str = "19900307", region: str = "211402") -> str:
    first17 = f"{region}{birth}{next(_serial) % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def make_credit_code() -> str:
    n = next(_serial)
    body = ""
    for _ in range(9):
        n, r = divmod(n, 31)
        body += CREDIT_ALPHABET[r]
    first17 = "91211400" + body
    return first17 + credit_code_check_char(first17)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"dept{n}")
    name_zh = factory.Sequence(lambda n: f"测试局{n}")
    name_en = factory.Sequence(lambda n: f"Test Bureau {n}")
    window = "市民中心一楼"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    real_name = factory.Sequence(lambda n: f"测试{n}")
    resident_id = factory.LazyFunction(make_resident_id)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"葫芦岛测试企业{n}有限公司")
    credit_code = factory.LazyFunction(make_credit_code)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    role = Membership.Role.ADMIN


def citizen(**kwargs) -> User:
    """An account with a completed person profile."""
    return PersonFactory(**kwargs).user


def staff(role: str, department: Department | None = None, *, mfa: bool = True) -> User:
    """A staff account holding `role` (in `department` for department roles), with TOTP enrolled."""
    user = citizen()
    StaffRole.objects.create(user=user, role=role, department=department)
    if mfa:
        enrol_totp(user)
    return user


TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def enrol_totp(user: User) -> None:
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, TOTP_SECRET)


def totp_code() -> str:
    """The current code for TOTP_SECRET, as an authenticator app would show it."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // app_settings.TOTP_PERIOD))
