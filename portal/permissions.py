"""The one permission helper. Services call it; views only translate its
PermissionDenied into a 403 page.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from portal.models import Enterprise, Membership, StaffRole

Role = StaffRole.Role


def _roles(user) -> list[tuple[str, int | None]]:
    """(role, department_id) pairs, loaded once per user object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_onegate_roles", None)
    if cached is None:
        cached = list(StaffRole.objects.filter(user=user).values_list("role", "department_id"))
        user._onegate_roles = cached
    return cached


def has_role(user, roles: str | Iterable[str], *, department=None) -> bool:
    """Whether `user` holds one of `roles`.

    With `department`, a department role must be held in that department;
    city-wide roles (clerk, supervisor) hold everywhere.
    """
    wanted = {roles} if isinstance(roles, str) else set(roles)
    department_id = getattr(department, "pk", department)
    for role, role_department_id in _roles(user):
        if role not in wanted:
            continue
        if department_id is None or role_department_id is None or role_department_id == department_id:
            return True
    return False


def require_role(user, roles: str | Iterable[str], *, department=None) -> None:
    if not has_role(user, roles, department=department):
        raise PermissionDenied(_("You do not have permission to do this."))


def departments_for(user, roles: str | Iterable[str]) -> list[int]:
    wanted = {roles} if isinstance(roles, str) else set(roles)
    return [dep for role, dep in _roles(user) if role in wanted and dep is not None]


def is_staff_member(user) -> bool:
    return bool(_roles(user)) or bool(getattr(user, "is_staff", False))


def mfa_enrolled(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def needs_mfa_enrolment(user) -> bool:
    """Staff must enrol a second factor before any staff page."""
    return is_staff_member(user) and not mfa_enrolled(user)


def passed_second_factor(request) -> bool:
    """Whether the sign-in of this session included a second factor.

    allauth records each step of a sign-in in the session; a factor merely
    enrolled on the account proves nothing about how this session began.
    """
    from allauth.account.authentication import get_authentication_records

    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def needs_second_factor(request) -> bool:
    """Staff act as staff only in a session that passed the second factor."""
    return is_staff_member(request.user) and not passed_second_factor(request)


def act_without_staff_roles(user) -> None:
    """For the rest of this request `user` holds no staff role (has_role and friends say no)."""
    user._onegate_roles = []


def membership_role(user, enterprise: Enterprise) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Membership.objects.filter(user=user, enterprise=enterprise).values_list("role", flat=True).first()
    )


def require_member(user, enterprise: Enterprise, *, admin: bool = False) -> None:
    role = membership_role(user, enterprise)
    if role is None or (admin and role != Membership.Role.ADMIN):
        raise PermissionDenied(_("You do not act for this enterprise."))
