"""Demo accounts, one for each role. Only `seed_demo` (demo mode) calls this."""

from allauth.account.models import EmailAddress

from portal.identifiers import credit_code_check_char, resident_id_check_char
from portal.models import Enterprise, Membership, Person, StaffRole, User

DEMO_PASSWORD = "OneGate-demo-2026"

CITIZEN_ID = "21140219900307" + "123"
AGENT_ID = "21140219850615" + "456"
CLERK_ID = "21140219921111" + "789"
ENTERPRISE_CODE = "91211400MA0X" + "PLK2Q"


def _departments():
    """The departments that `services.demo` made (read through the staff role's relation: portal builds on no app)."""
    return StaffRole._meta.get_field("department").related_model.objects


def _with_check(first17: str, check) -> str:
    return first17 + check(first17)


ACCOUNTS = [
    # email, real name, resident id (first 17), staff role, department code
    ("citizen@demo.onegate", "王小明", CITIZEN_ID, None, None),
    ("agent@demo.onegate", "李娜", AGENT_ID, None, None),
    ("outsider@demo.onegate", "赵强", "21140219780203" + "321", None, None),
    ("clerk@demo.onegate", "张敏", CLERK_ID, StaffRole.Role.CLERK, None),
    ("approver@demo.onegate", "刘洋", "21140219880808" + "654", StaffRole.Role.APPROVER, "market"),
    ("head@demo.onegate", "陈静", "21140219750101" + "987", StaffRole.Role.HEAD, "market"),
    ("housing-approver@demo.onegate", "周杰", "21140219900909" + "135", StaffRole.Role.APPROVER, "housing"),
    ("listadmin@demo.onegate", "孙丽", "21140219830520" + "246", StaffRole.Role.LIST_ADMIN, "business"),
    ("supervisor@demo.onegate", "吴刚", "21140219700712" + "357", StaffRole.Role.SUPERVISOR, None),
]


def _account(email: str, *, superuser: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        if superuser:
            user = User.objects.create_superuser(email=email, password=DEMO_PASSWORD)
        else:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed(*, stdout) -> None:
    for email, name, id17, role, dept_code in ACCOUNTS:
        user = _account(email)
        resident_id = _with_check(id17, resident_id_check_char)
        Person.objects.update_or_create(resident_id=resident_id, defaults={"real_name": name, "user": user})
        if role:
            department = _departments().get(code=dept_code) if dept_code else None
            StaffRole.objects.get_or_create(user=user, role=role, department=department)
    enterprise, _ = Enterprise.objects.get_or_create(
        credit_code=_with_check(ENTERPRISE_CODE, credit_code_check_char),
        defaults={"name": "葫芦岛海滨食品有限公司"},
    )
    Membership.objects.get_or_create(
        user=User.objects.get(email="agent@demo.onegate"),
        enterprise=enterprise,
        defaults={"role": Membership.Role.ADMIN},
    )
    _account("admin@demo.onegate", superuser=True)

    stdout.write("demo accounts (password for all: %s):" % DEMO_PASSWORD)
    for email, _name, _id, role, dept in ACCOUNTS:
        stdout.write(f"  {email:32} {role or 'citizen'}{' · ' + dept if dept else ''}")
    stdout.write(f"  {'admin@demo.onegate':32} superuser (Django admin)")
    stdout.write("staff accounts enrol a TOTP authenticator at their first staff page.")
