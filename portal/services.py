"""Writes for accounts and identity. Views, the window counter and commands
call these; none of them changes a Person, Enterprise or Membership itself.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.identifiers import validate_credit_code, validate_mobile, validate_resident_id
from portal.models import Enterprise, Membership, Person, User
from portal.permissions import require_member


def _clean_name(value: str, field: str) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise ValidationError({field: _("Enter a name.")})
    return name


@transaction.atomic
def person_register(*, real_name: str, resident_id: str, mobile: str = "") -> Person:
    """Find or create the person with this resident ID (used by the window counter).

    An existing record must carry the same name, so that a typo in either
    field is caught rather than silently attached to someone else. A mobile
    number, when given, is kept (the latest one given wins): notices and
    decisions reach someone without an account by SMS.
    """
    real_name = _clean_name(real_name, "real_name")
    try:
        resident_id = validate_resident_id(resident_id)
    except ValidationError as exc:
        raise ValidationError({"resident_id": exc.messages}) from None
    if mobile:
        try:
            mobile = validate_mobile(mobile)
        except ValidationError as exc:
            raise ValidationError({"mobile": exc.messages}) from None
    person = Person.objects.select_for_update().filter(resident_id=resident_id).first()
    if person is not None:
        person = _same_name(person, real_name)
        if mobile and person.mobile != mobile:
            person.mobile = mobile
            person.save(update_fields=["mobile"])
        return person
    person = Person(real_name=real_name, resident_id=resident_id, mobile=mobile)
    person.full_clean(validate_unique=False)  # uniqueness is the database's: see the IntegrityError below
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # Another counter registered this ID a moment ago: that record is the person, if the names agree.
        return _same_name(Person.objects.select_for_update().get(resident_id=resident_id), real_name)
    return person


def _same_name(person: Person, real_name: str) -> Person:
    if person.real_name != real_name:
        raise ValidationError({"real_name": _("This resident ID number is registered under a different name.")})
    return person


@transaction.atomic
def person_complete_profile(*, user: User, real_name: str, resident_id: str) -> Person:
    """Attach a verified identity to an account: one account per resident ID.

    A record that a window clerk created for a walk-in applicant is claimed
    here, so that their applications appear in their office.
    """
    real_name = _clean_name(real_name, "real_name")
    try:
        resident_id = validate_resident_id(resident_id)
    except ValidationError as exc:
        raise ValidationError({"resident_id": exc.messages}) from None

    own = Person.objects.select_for_update().filter(user=user).first()
    if own is not None and own.resident_id != resident_id:
        raise ValidationError(
            {"resident_id": _("Your account already has a resident ID number; it cannot be changed here.")}
        )
    person = own or Person.objects.select_for_update().filter(resident_id=resident_id).first()
    if person is None:
        person = Person(user=user, real_name=real_name, resident_id=resident_id)
        person.full_clean()
        person.save()
        return person
    if person.user_id not in (None, user.pk):
        raise ValidationError(
            {"resident_id": _("This resident ID number already belongs to another account.")}
        )
    if person.user_id is None and person.real_name != real_name:
        raise ValidationError(
            {"real_name": _("The name does not match the one recorded for this resident ID number.")}
        )
    person.user = user
    person.real_name = real_name
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def enterprise_register(*, user: User, name: str, credit_code: str) -> Enterprise:
    """Register an enterprise; the registering account becomes its administrator.

    An enterprise the window created without members is claimed; one that
    already has members must add new people itself.
    """
    if not hasattr(user, "person"):
        raise ValidationError(_("Complete your personal profile before acting for an enterprise."))
    name = _clean_name(name, "name")
    try:
        credit_code = validate_credit_code(credit_code)
    except ValidationError as exc:
        raise ValidationError({"credit_code": exc.messages}) from None
    enterprise = Enterprise.objects.select_for_update().filter(credit_code=credit_code).first()
    if enterprise is None:
        enterprise = Enterprise(name=name, credit_code=credit_code)
        enterprise.full_clean()
        try:
            with transaction.atomic():
                enterprise.save()
        except IntegrityError:
            raise ValidationError({"credit_code": _("This enterprise is already registered.")}) from None
    elif enterprise.memberships.exists():
        raise ValidationError(
            {"credit_code": _("This enterprise is already registered. Ask its administrator to add you.")}
        )
    Membership.objects.create(user=user, enterprise=enterprise, role=Membership.Role.ADMIN)
    return enterprise


@transaction.atomic
def enterprise_register_walk_in(*, name: str, credit_code: str) -> Enterprise:
    """Find or create an enterprise without an account (the window counter's walk-ins).

    Like `person_register`, an existing record must carry the same name. The
    enterprise is claimed later through `enterprise_register`.
    """
    name = _clean_name(name, "name")
    try:
        credit_code = validate_credit_code(credit_code)
    except ValidationError as exc:
        raise ValidationError({"credit_code": exc.messages}) from None
    enterprise = Enterprise.objects.select_for_update().filter(credit_code=credit_code).first()
    if enterprise is not None:
        if enterprise.name != name:
            raise ValidationError({"name": _("This credit code is registered under a different name.")})
        return enterprise
    enterprise = Enterprise(name=name, credit_code=credit_code)
    enterprise.full_clean()
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError:
        raise ValidationError({"credit_code": _("This enterprise is already registered.")}) from None
    return enterprise


@transaction.atomic
def membership_add(*, actor: User, enterprise: Enterprise, email: str, role: str) -> Membership:
    require_member(actor, enterprise, admin=True)
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    member = User.objects.filter(email__iexact=(email or "").strip()).first()
    if member is None:
        raise ValidationError({"email": _("No account uses this email address. Ask them to sign up first.")})
    if not hasattr(member, "person"):
        raise ValidationError({"email": _("This account has not completed its personal profile yet.")})
    membership, created = Membership.objects.get_or_create(
        user=member, enterprise=enterprise, defaults={"role": role}
    )
    if not created:
        raise ValidationError({"email": _("This account already acts for the enterprise.")})
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    require_member(actor, membership.enterprise, admin=True)
    admins = Membership.objects.filter(enterprise=membership.enterprise, role=Membership.Role.ADMIN)
    if membership.role == Membership.Role.ADMIN and admins.count() == 1:
        raise ValidationError(_("An enterprise keeps at least one administrator."))
    membership.delete()
