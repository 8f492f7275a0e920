"""Licences: the reads. The wallet, public verification, the staff list, and
what the application pages need for reuse as materials (免提交)."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils import timezone

from licences import numbers
from licences.models import Licence, LicenceDocument, MaterialLicence, ReissueJob
from portal.permissions import Role, departments_for

MANAGER_ROLES = (Role.APPROVER, Role.HEAD)


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


# -- the wallet ---------------------------------------------------------------------------


def wallet(user):
    """The user's licences, and those of the enterprises they act for, newest first."""
    return Licence.objects.held_by(user).with_relations().order_by("-created_at", "-id")


def wallet_licence(user, number: str) -> Licence | None:
    return wallet(user).filter(number=numbers.normalise(number)).first()


def held_licence_type_ids(user, *, enterprise=None, today: datetime.date | None = None) -> set[int]:
    """Licence types held now by the user in person, or by `enterprise` (for the catalogue's 'not needed')."""
    if not getattr(user, "is_authenticated", False):
        return set()
    licences = Licence.objects.standing(today=_today(today))
    if enterprise is not None:
        licences = licences.filter(holder_enterprise=enterprise, holder_enterprise__memberships__user=user)
    else:
        licences = licences.filter(holder_enterprise__isnull=True, holder_person__user=user)
    return set(licences.values_list("licence_type_id", flat=True))


# -- public verification --------------------------------------------------------------------


def licence_by_number(number: str) -> Licence | None:
    """An issued licence by its number; a number with a wrong check group is refused without a query."""
    number = numbers.normalise(number)
    if not numbers.is_well_formed(number):
        return None
    return Licence.objects.with_relations().exclude(status=Licence.Status.PENDING).filter(number=number).first()


def document_for_sha256(sha256: str) -> LicenceDocument | None:
    return (
        LicenceDocument.objects.select_related("licence__licence_type", "licence__department")
        .filter(sha256=sha256)
        .first()
    )


def licence_for_pdf(pdf_bytes: bytes) -> Licence | None:
    """The licence whose issued PDF is exactly these bytes (any revision), or None."""
    document = document_for_sha256(hashlib.sha256(pdf_bytes).hexdigest())
    return document.licence if document else None


def mask_name(name: str, *, enterprise: bool) -> str:
    """A holder's name as the public page shows it: 王*明, 李*; 葫芦岛****有限公司."""
    name = name or ""
    if enterprise:
        if len(name) <= 6:
            return name[:2] + "*" * max(len(name) - 2, 0)
        return name[:3] + "*" * (len(name) - 7) + name[-4:]
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# -- staff ---------------------------------------------------------------------------------------


def manager_departments(user) -> list[int]:
    return departments_for(user, MANAGER_ROLES)


def staff_licences(user):
    """Licences issued by the departments where the user is an approver or head."""
    return Licence.objects.for_departments(manager_departments(user)).with_relations()


def staff_licence(user, number: str) -> Licence | None:
    return staff_licences(user).filter(number=numbers.normalise(number)).first()


def failing_issuances(user):
    """Licences still waiting for a document after at least one failed attempt."""
    return staff_licences(user).awaiting_production().exclude(last_error="")


def reissue_jobs(user):
    return (
        ReissueJob.objects.filter(department_id__in=manager_departments(user))
        .select_related("licence_type", "department", "requested_by")
        .annotate(
            # A licence revoked meanwhile is not re-issued: it counts as done.
            done=Count(
                "licences",
                filter=Q(licences__revision__gte=F("licences__wanted_revision")) | Q(licences__status=Licence.Status.REVOKED),
            ),
            failing=Count(
                "licences",
                filter=Q(licences__revision__lt=F("licences__wanted_revision"))
                & ~Q(licences__last_error="")
                & ~Q(licences__status=Licence.Status.REVOKED),
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


def licence_for_application(application) -> Licence | None:
    return Licence.objects.filter(application=application).select_related("licence_type").first()


# -- reuse as materials (免提交) -------------------------------------------------------------------


def _holder_filter(application) -> Q:
    if application.applicant_enterprise_id:
        return Q(holder_enterprise_id=application.applicant_enterprise_id)
    return Q(holder_enterprise__isnull=True, holder_person_id=application.applicant_person_id)


@dataclass
class Offer:
    """What the materials page can offer for one material: the applicant's valid licences
    that stand in for it, and the licence already given for it (if any)."""

    material: object
    licences: list = field(default_factory=list)
    current: MaterialLicence | None = None

    @property
    def current_standing(self) -> bool:
        return self.current is not None and self.current.licence.status_on(timezone.localdate()) == Licence.Status.VALID


def offers_for(application, *, today: datetime.date | None = None) -> dict[int, Offer]:
    """Per material id (materials that licences can stand in for only). Three queries."""
    today = _today(today)
    materials = [m for m in application.item_version.materials.prefetch_related("stand_ins") if m.stand_ins.all()]
    if not materials:
        return {}
    type_ids = {t.pk for m in materials for t in m.stand_ins.all()}
    held = list(
        Licence.objects.standing(today=today)
        .filter(_holder_filter(application), licence_type_id__in=type_ids)
        .select_related("licence_type", "department")
        .order_by("-valid_from", "-id")
    )
    current = {
        use.material_id: use
        for use in MaterialLicence.objects.filter(application=application).select_related(
            "licence__licence_type", "licence__department"
        )
    }
    offers = {}
    for material in materials:
        accepted = {t.pk for t in material.stand_ins.all()}
        offers[material.pk] = Offer(
            material=material,
            licences=[licence for licence in held if licence.licence_type_id in accepted],
            current=current.get(material.pk),
        )
    return offers


def references_for(application) -> dict[int, MaterialLicence]:
    """The licences given as materials, per material id, for the desk (status read live)."""
    return {
        use.material_id: use
        for use in MaterialLicence.objects.filter(application=application).select_related(
            "licence__licence_type", "licence__department"
        )
    }


def materials_given_by_licences(application, *, today: datetime.date | None = None) -> set[int]:
    """Ids of the application's materials given by a licence that is valid today.

    The rows always point at materials of the application's own terms: a
    submission under newer terms moves them (services.material_licences_rebind).
    """
    return set(
        MaterialLicence.objects.filter(application=application)
        .standing(today=_today(today))
        .values_list("material_id", flat=True)
    )


# -- work nobody is doing ---------------------------------------------------------------------------

STALLED_AFTER = datetime.timedelta(minutes=15)
APPROVALS_LOOKBACK = datetime.timedelta(days=30)


def stalled_work(*, at: datetime.datetime) -> tuple[list[int], list[int]]:
    """(licence ids, application ids) that no worker is busy with and that need one.

    Licences waiting for a document with no live claim and no attempt in the
    last 15 minutes, and applications approved in the last 30 days (but more
    than 15 minutes ago) whose item produces a licence and that have none.
    """
    from approvals.models import Application
    from approvals.workflow import State

    quiet_since = at - STALLED_AFTER
    licences = list(
        Licence.objects.awaiting_production()
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=at))
        .filter(Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lte=quiet_since))
        .values_list("pk", flat=True)
    )
    applications = list(
        Application.objects.filter(
            state=State.APPROVED,
            item_version__licence_type__isnull=False,
            decided_at__lte=quiet_since,
            decided_at__gte=at - APPROVALS_LOOKBACK,
            licences__isnull=True,
        ).values_list("pk", flat=True)
    )
    return licences, applications
