"""Licenses: the reads. The wallet, public verification, the staff list, and
what the application pages need for reuse as materials (免提交)."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils import timezone

from licenses import numbers
from licenses.models import License, LicenseDocument, MaterialLicense, ReissueJob
from portal.identifiers import mask_name  # noqa: F401  (the public pages and the API mask holders with it)
from portal.permissions import Role, departments_for

MANAGER_ROLES = (Role.APPROVER, Role.HEAD)


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


# -- the wallet ---------------------------------------------------------------------------


def wallet(user):
    """The user's licenses, and those of the enterprises they act for, newest first."""
    return License.objects.held_by(user).with_relations().order_by("-created_at", "-id")


def holder_licenses(number: str):
    """The licenses of the holder with this resident ID number (held in person) or unified social
    credit code, newest first: what that holder's wallet shows of them."""
    return License.objects.held_by_number(number).with_relations().order_by("-created_at", "-id")


def wallet_license(user, number: str) -> License | None:
    return wallet(user).filter(number=numbers.normalise(number)).first()


def held_license_type_ids(user, *, enterprise=None, today: datetime.date | None = None) -> set[int]:
    """License types held now by the user in person, or by `enterprise` (for the catalogue's 'not needed')."""
    if not getattr(user, "is_authenticated", False):
        return set()
    licenses = License.objects.standing(today=_today(today))
    if enterprise is not None:
        licenses = licenses.filter(holder_enterprise=enterprise, holder_enterprise__memberships__user=user)
    else:
        licenses = licenses.filter(holder_enterprise__isnull=True, holder_person__user=user)
    return set(licenses.values_list("license_type_id", flat=True))


# -- public verification --------------------------------------------------------------------


def license_by_number(number: str) -> License | None:
    """An issued license by its number; a number with a wrong check group is refused without a query."""
    number = numbers.normalise(number)
    if not numbers.is_well_formed(number):
        return None
    return License.objects.with_relations().exclude(status=License.Status.PENDING).filter(number=number).first()


def document_for_sha256(sha256: str) -> LicenseDocument | None:
    return (
        LicenseDocument.objects.select_related("license__license_type", "license__department")
        .filter(sha256=sha256)
        .first()
    )


def license_for_pdf(pdf_bytes: bytes) -> License | None:
    """The license whose issued PDF is exactly these bytes (any revision), or None."""
    document = document_for_sha256(hashlib.sha256(pdf_bytes).hexdigest())
    return document.license if document else None


# -- staff ---------------------------------------------------------------------------------------


def manager_departments(user) -> list[int]:
    return departments_for(user, MANAGER_ROLES)


def staff_licenses(user):
    """Licenses issued by the departments where the user is an approver or head."""
    return License.objects.for_departments(manager_departments(user)).with_relations()


def staff_license(user, number: str) -> License | None:
    return staff_licenses(user).filter(number=numbers.normalise(number)).first()


def failing_issuances(user):
    """Licenses still waiting for a document after at least one failed attempt."""
    return staff_licenses(user).awaiting_production().exclude(last_error="")


def reissue_jobs(user):
    return (
        ReissueJob.objects.filter(department_id__in=manager_departments(user))
        .select_related("license_type", "department", "requested_by")
        .annotate(
            # A license revoked meanwhile is not re-issued: it counts as done.
            done=Count(
                "licenses",
                filter=Q(licenses__revision__gte=F("licenses__wanted_revision")) | Q(licenses__status=License.Status.REVOKED),
            ),
            failing=Count(
                "licenses",
                filter=Q(licenses__revision__lt=F("licenses__wanted_revision"))
                & ~Q(licenses__last_error="")
                & ~Q(licenses__status=License.Status.REVOKED),
            ),
        )
    )


@dataclass
class ReissueProgress:
    job: ReissueJob
    done: int
    failing: int

    @property
    def percent(self) -> int:
        return 100 if not self.job.total else min(100, self.done * 100 // self.job.total)

    @property
    def finished(self) -> bool:
        return self.done >= self.job.total


def reissue_progress(user, pk: int) -> ReissueProgress | None:
    job = reissue_jobs(user).filter(pk=pk).first()
    return ReissueProgress(job, job.done, job.failing) if job else None


def license_for_application(application) -> License | None:
    return License.objects.filter(application=application).select_related("license_type").first()


# -- reuse as materials (免提交) -------------------------------------------------------------------


def results_for(application) -> list[dict]:
    """The license an application produced, once issued, for its decision to grant."""
    issued = License.objects.filter(application=application, revision__gte=1).select_related("license_type")
    return [
        {"number": license.number, "name_zh": license.license_type.name_zh, "name_en": license.license_type.name_en}
        for license in issued
    ]


def _holder_filter(application) -> Q:
    if application.applicant_enterprise_id:
        return Q(holder_enterprise_id=application.applicant_enterprise_id)
    return Q(holder_enterprise__isnull=True, holder_person_id=application.applicant_person_id)


@dataclass
class Offer:
    """What the materials page can offer for one material: the applicant's valid licenses
    that stand in for it, and the license already given for it (if any)."""

    material: object
    licenses: list = field(default_factory=list)
    current: MaterialLicense | None = None

    @property
    def current_standing(self) -> bool:
        return self.current is not None and self.current.license.status_on(timezone.localdate()) == License.Status.VALID


def offers_for(application, *, today: datetime.date | None = None) -> dict[int, Offer]:
    """Per material id (materials that licenses can stand in for only). Three queries."""
    today = _today(today)
    materials = [m for m in application.item_version.materials.prefetch_related("stand_ins") if m.stand_ins.all()]
    if not materials:
        return {}
    type_ids = {t.pk for m in materials for t in m.stand_ins.all()}
    held = list(
        License.objects.standing(today=today)
        .filter(_holder_filter(application), license_type_id__in=type_ids)
        .select_related("license_type", "department")
        .order_by("-valid_from", "-id")
    )
    current = {
        use.material_id: use
        for use in MaterialLicense.objects.filter(application=application).select_related(
            "license__license_type", "license__department"
        )
    }
    offers = {}
    for material in materials:
        accepted = {t.pk for t in material.stand_ins.all()}
        offers[material.pk] = Offer(
            material=material,
            licenses=[license for license in held if license.license_type_id in accepted],
            current=current.get(material.pk),
        )
    return offers


def references_for(application) -> dict[int, MaterialLicense]:
    """The licenses given as materials, per material id, for the desk (status read live)."""
    return {
        use.material_id: use
        for use in MaterialLicense.objects.filter(application=application).select_related(
            "license__license_type", "license__department"
        )
    }


def materials_given_by_licenses(application, *, today: datetime.date | None = None) -> set[int]:
    """Ids of the application's materials given by a license that is valid today.

    The rows always point at materials of the application's own terms: a
    submission under newer terms moves them (services.material_licenses_rebind).
    """
    return set(
        MaterialLicense.objects.filter(application=application)
        .standing(today=_today(today))
        .values_list("material_id", flat=True)
    )


# -- work nobody is doing ---------------------------------------------------------------------------

RETRIES_QUIET_AFTER = datetime.timedelta(minutes=15)  # the tasks' longest retry back-off
APPROVALS_LOOKBACK = datetime.timedelta(days=30)


def stalled_work(*, at: datetime.datetime) -> tuple[list[int], list[int]]:
    """(license ids, application ids) that no worker is busy with and that need one.

    Licenses waiting for a document whose claim has run out (its worker died:
    the lease is over), with no claim and no attempt for a lease's length (their
    task was lost), or whose last failed attempt is 15 minutes old (retries back
    off up to that long, so by then they were used up); and applications approved
    in the last 30 days, at least a lease ago, whose item produces a license and
    that have none (the issuing task was never queued: the broker was down).
    """
    from approvals.models import Application
    from approvals.workflow import State
    from licenses.services import claim_lease

    lease_ago = at - claim_lease()
    licenses = list(
        License.objects.awaiting_production()
        .filter(
            Q(claimed_until__lte=at)
            | Q(claimed_until__isnull=True, last_attempt_at__isnull=True, created_at__lte=lease_ago)
            | Q(claimed_until__isnull=True, last_attempt_at__lte=at - RETRIES_QUIET_AFTER)
        )
        .values_list("pk", flat=True)
    )
    applications = list(
        Application.objects.filter(
            state=State.APPROVED,
            item_version__license_type__isnull=False,
            decided_at__lte=lease_ago,
            decided_at__gte=at - APPROVALS_LOOKBACK,
            licenses__isnull=True,
        ).values_list("pk", flat=True)
    )
    return licenses, applications


def held_stand_ins(*, person, enterprise, type_ids, today: datetime.date | None = None) -> list[License]:
    """The valid licenses of these types that the applicant (the enterprise, or the person for
    themselves) holds: what a bundle's form offers in place of a material's file."""
    if not type_ids or (person is None and enterprise is None):
        return []
    holder = (
        Q(holder_enterprise=enterprise)
        if enterprise is not None
        else Q(holder_enterprise__isnull=True, holder_person=person)
    )
    return list(
        License.objects.standing(today=_today(today))
        .filter(holder, license_type_id__in=type_ids)
        .select_related("license_type", "department")
        .order_by("-valid_from", "-id")
    )


def answers_from_wallet(*, person, enterprise, keys: set[str], today: datetime.date | None = None) -> dict:
    """What the applicant's valid licenses say (registered with `approvals.hooks.on_known_answers`):
    each answer a license prints (its type's printed fields), from the application it was issued
    for, newest license first. An enterprise's licenses for an agent acting for it; a person's own
    otherwise."""
    if not keys or (person is None and enterprise is None):
        return {}
    holder = (
        Q(holder_enterprise=enterprise)
        if enterprise is not None
        else Q(holder_enterprise__isnull=True, holder_person=person)
    )
    answers: dict = {}
    held = (
        License.objects.standing(today=_today(today))
        .filter(holder)
        .select_related("license_type", "application")
        .order_by("-valid_from", "-id")
    )
    for license in held:
        printed = {entry.get("key") for entry in license.license_type.printed_fields or [] if isinstance(entry, dict)}
        data = license.application.form_data or {}
        for key in (printed & keys) - set(answers):
            if data.get(key) not in ("", None):
                answers[key] = data[key]
    return answers
