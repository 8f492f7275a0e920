"""Licences: the writes. Issuance (exactly once), the lifecycle, re-issuance and
reuse as materials (免提交). Views, tasks and the approvals workflow call these.

Issuance, exactly once
----------------------
1. Approval calls `on_application_approved` inside its transaction; after the
   commit a task runs `licence_open`, which creates the one `Licence` row of
   the application (a unique constraint: a second creator gets the first's
   row) with its number, holder and validity, in status *pending*.
2. `licence_produce` claims the wanted revision with a conditional update (a
   token and a lease). Only one worker wins; the others return at once.
3. The winner renders the PDF outside any transaction (the slow part), then in
   one transaction locks the row, checks that the claim is still its own,
   seals (`seal_pdf` appends its usage-log entry in this same transaction),
   stores the file and marks the licence valid. A failure anywhere rolls the
   log entry back with everything else, so a retry seals again and the log
   still holds one entry per stored document. A worker killed midway leaves
   only its claim, which the next attempt takes over when the lease runs out.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from licences import documents, numbers
from licences.models import (
    Licence,
    LicenceCounter,
    LicenceDocument,
    LicenceEvent,
    LicenceType,
    MaterialLicence,
    ReissueJob,
    new_claim_token,
)
from portal.identifiers import mask_identifier
from portal.notifications import notify
from portal.permissions import Role, has_role

logger = logging.getLogger(__name__)

TASK_NAME = "licences.issue"
MANAGER_ROLES = (Role.APPROVER, Role.HEAD)


class ClaimLost(Exception):
    """Another worker took the work over (our lease ran out); we stop without writing."""


def claim_lease() -> datetime.timedelta:
    """How long a claim holds: longer than the task's hard time limit, after which the
    worker is gone for sure and another may take the work over."""
    return datetime.timedelta(seconds=getattr(settings, "LICENCE_CLAIM_SECONDS", 360))


# -- approval hands over -----------------------------------------------------------------


def on_application_approved(application) -> None:
    """Called by the workflow inside the approving transaction: issue the licence after the commit."""
    if application.item_version.licence_type_id is None:
        return
    transaction.on_commit(lambda pk=application.pk: _enqueue_issue(pk), robust=True)


def _enqueue_issue(application_id: int) -> None:
    from licences.tasks import issue_licence

    issue_licence.delay(application_id)


# -- opening the licence row ------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def validity(licence_type: LicenceType, valid_from: datetime.date) -> datetime.date | None:
    """The last valid day: `validity_months` after the first, less one day (None: no expiry)."""
    if not licence_type.validity_months:
        return None
    return add_months(valid_from, licence_type.validity_months) - datetime.timedelta(days=1)


def _next_number(licence_type: LicenceType, *, year: int) -> str:
    LicenceCounter.objects.get_or_create(licence_type=licence_type, year=year)
    counter = LicenceCounter.objects.select_for_update().get(licence_type=licence_type, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return numbers.format_number(prefix=licence_type.number_prefix, year=year, sequence=counter.last)


@transaction.atomic
def licence_open(*, application_id: int, at: datetime.datetime | None = None) -> Licence | None:
    """The application's licence row, created on first call (None if it produces no licence)."""
    from approvals.models import Application
    from approvals.workflow import State

    existing = Licence.objects.filter(application_id=application_id).first()
    if existing is not None:
        return existing
    at = at or timezone.now()
    application = Application.objects.select_related(
        "item_version__licence_type", "applicant_person", "applicant_enterprise"
    ).get(pk=application_id)
    licence_type = application.item_version.licence_type
    if application.state != State.APPROVED or licence_type is None:
        return None
    valid_from = timezone.localdate(application.decided_at or at)
    enterprise, person = application.applicant_enterprise, application.applicant_person
    try:
        with transaction.atomic():
            licence = Licence(
                number=_next_number(licence_type, year=valid_from.year),
                licence_type=licence_type,
                application=application,
                department_id=application.department_id,
                holder_person=person,
                holder_enterprise=enterprise,
                holder_name=enterprise.name if enterprise else person.real_name,
                holder_id_masked=mask_identifier(enterprise.credit_code if enterprise else person.resident_id),
                status=Licence.Status.PENDING,
                valid_from=valid_from,
                valid_until=validity(licence_type, valid_from),
                revision=0,
                wanted_revision=1,
                created_at=at,
            )
            licence.full_clean(validate_unique=False, validate_constraints=False)
            licence.save()
    except IntegrityError:
        # Another worker opened it first (one licence per application): use theirs.
        return Licence.objects.get(application_id=application_id)
    return licence


# -- producing a revision: claim, render, seal and store ------------------------------


def _claim(licence_id: int, *, at: datetime.datetime) -> str | None:
    token = new_claim_token()
    claimed = (
        Licence.objects.awaiting_production()
        .filter(pk=licence_id)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=at))
        .update(
            claim_token=token,
            claimed_until=at + claim_lease(),
            attempts=F("attempts") + 1,
            last_attempt_at=at,
        )
    )
    return token if claimed == 1 else None


def _release(licence_id: int, token: str, *, error: BaseException) -> None:
    """Give the claim back after a failure, so that the retry can take it at once; keep the error for staff."""
    message = f"{type(error).__name__}: {error}"[:2000]
    Licence.objects.filter(pk=licence_id, claim_token=token).update(
        claim_token="", claimed_until=None, last_error=message
    )


def licence_produce(*, licence_id: int, at: datetime.datetime | None = None, seal_at=None) -> Licence | None:
    """Render, seal and store the wanted revision of a licence, unless another worker holds it.

    Returns the licence when this call produced it, None when there was
    nothing to do (already produced, revoked, or claimed by a live worker).
    """
    at = at or timezone.now()
    token = _claim(licence_id, at=at)
    if token is None:
        return None
    try:
        licence = Licence.objects.with_relations().select_related("application__item_version__item").get(pk=licence_id)
        revision = licence.wanted_revision
        rendered = documents.render(licence, revision=revision)
        return _seal_and_store(licence_id=licence_id, token=token, rendered=rendered, revision=revision, at=seal_at or at)
    except ClaimLost:
        logger.warning("licences: the claim on licence %s was taken over; this worker stops", licence_id)
        return None
    except BaseException as exc:
        _release(licence_id, token, error=exc)
        raise


def _store(licence: Licence, revision: int, signed: bytes, sha256: str) -> str:
    return default_storage.save(f"licences/{licence.number}/r{revision}-{sha256[:16]}.pdf", ContentFile(signed))


@transaction.atomic
def _seal_and_store(*, licence_id: int, token: str, rendered: documents.Rendered, revision: int, at) -> Licence:
    from seals.models import SealUsage
    from seals.selectors import active_seal
    from seals.services import seal_pdf

    licence = (
        Licence.objects.select_for_update(of=("self",))
        .select_related("licence_type", "department", "application")
        .get(pk=licence_id)
    )
    if licence.claim_token != token or licence.wanted_revision != revision:
        raise ClaimLost
    seal = active_seal(department=licence.department)
    if seal is None:
        raise ValidationError(
            _("%(department)s has no electronic licence seal in use; a seal administrator must issue one.")
            % {"department": licence.department.name}
        )
    first = licence.revision == 0
    signed = seal_pdf(
        rendered.pdf,
        seal=seal,
        reason=f"{'核发' if first else '换发'}{licence.licence_type.name_zh} {licence.number}",
        page=rendered.page,
        box=rendered.box,
        related=licence,
        task=TASK_NAME,
        at=at,
    )
    sha256 = hashlib.sha256(signed).hexdigest()
    name = _store(licence, revision, signed, sha256)
    try:
        LicenceDocument.objects.create(
            licence=licence,
            revision=revision,
            file=name,
            sha256=sha256,
            size=len(signed),
            seal_usage=SealUsage.objects.filter(seal=seal, document_sha256=sha256).order_by("-seq").first(),
            template=licence.licence_type.template,
            issued_at=at,
        )
        previous = licence.status
        licence.revision = revision
        licence.file = name
        licence.sha256 = sha256
        licence.size = len(signed)
        licence.claim_token = ""
        licence.claimed_until = None
        licence.last_error = ""
        if first:
            licence.status = Licence.Status.VALID
            licence.issued_at = at
            licence.status_changed_at = at
        licence.save()
        LicenceEvent.objects.create(
            licence=licence,
            action=LicenceEvent.Action.ISSUED if first else LicenceEvent.Action.REISSUED,
            from_status=previous,
            to_status=licence.status,
            note=f"r{revision}",
            at=at,
        )
    except BaseException:
        default_storage.delete(name)
        raise
    if first:
        _tell_holder(licence, ISSUED_NEWS)
    return licence


# -- telling the holder -----------------------------------------------------------------

ISSUED_NEWS = (
    gettext_lazy("Your {type} {number} is ready"),
    gettext_lazy(
        "Your electronic {type} {number} has been issued and sealed by the {department}. "
        "It is in your licence wallet; download it or show its QR code from there."
    ),
)
SUSPENDED_NEWS = (
    gettext_lazy("Your {type} {number} is suspended"),
    gettext_lazy("The {department} suspended your {type} {number}. Reason: {reason}"),
)
REVOKED_NEWS = (
    gettext_lazy("Your {type} {number} is revoked"),
    gettext_lazy("The {department} revoked your {type} {number}. It is no longer valid. Reason: {reason}"),
)
REINSTATED_NEWS = (
    gettext_lazy("Your {type} {number} is valid again"),
    gettext_lazy("The {department} lifted the suspension of your {type} {number}. {reason}"),
)
EXPIRED_NEWS = (
    gettext_lazy("Your {type} {number} has expired"),
    gettext_lazy("Your {type} {number} expired on {until}. Apply again if you still need it."),
)


def holder_users(licence: Licence):
    from portal.models import User

    if licence.holder_enterprise_id:
        return list(User.objects.filter(memberships__enterprise_id=licence.holder_enterprise_id))
    user = licence.holder_person.user
    return [user] if user else []


def _tell_holder(licence: Licence, news, *, reason: str = "") -> None:
    subject, body = news
    values = {
        "type": _LazyName(licence.licence_type),
        "number": licence.number,
        "department": _LazyName(licence.department),
        "reason": reason,
        "until": licence.valid_until.isoformat() if licence.valid_until else "",
    }
    notify(
        recipients=holder_users(licence),
        subject=format_lazy(subject, **values),
        body=format_lazy(body, **values),
        link=f"/me/licences/{licence.number}/",
    )


class _LazyName:
    """A bilingual model's name in whatever language is active when the message is rendered."""

    def __init__(self, obj):
        self.obj = obj

    def __str__(self):
        return self.obj.name


# -- the lifecycle -------------------------------------------------------------------------


def can_manage(user, licence: Licence) -> bool:
    """Approvers and heads of the issuing department."""
    return has_role(user, MANAGER_ROLES, department=licence.department_id)


def _require_manage(actor, licence: Licence) -> None:
    if not can_manage(actor, licence):
        raise PermissionDenied(_("Only approvers and heads of the issuing department may change this licence."))


def _change(
    licence: Licence,
    *,
    actor,
    action: str,
    sources: tuple[str, ...],
    target: str,
    reason: str,
    reason_required: bool,
    news,
    at,
) -> Licence:
    at = at or timezone.now()
    locked = Licence.objects.select_for_update(of=("self",)).select_related("licence_type", "department").get(pk=licence.pk)
    _require_manage(actor, locked)
    reason = " ".join((reason or "").split())
    if reason_required and not reason:
        raise ValidationError({"reason": _("Give the reason; the holder will see it.")})
    if locked.status not in sources:
        raise ValidationError(
            _("This licence is %(status)s; it cannot be %(action)s now.")
            % {"status": locked.get_status_display(), "action": LicenceEvent.Action(action).label}
        )
    previous = locked.status
    locked.status = target
    locked.status_reason = reason if target in (Licence.Status.SUSPENDED, Licence.Status.REVOKED) else ""
    locked.status_changed_at = at
    locked.full_clean(validate_unique=False)
    locked.save(update_fields=["status", "status_reason", "status_changed_at"])
    LicenceEvent.objects.create(
        licence=locked, action=action, from_status=previous, to_status=target, actor=actor, note=reason, at=at
    )
    _tell_holder(locked, news, reason=reason)
    licence.refresh_from_db()
    return locked


@transaction.atomic
def licence_suspend(*, licence: Licence, actor, reason: str, at=None) -> Licence:
    return _change(
        licence,
        actor=actor,
        action=LicenceEvent.Action.SUSPENDED,
        sources=(Licence.Status.VALID,),
        target=Licence.Status.SUSPENDED,
        reason=reason,
        reason_required=True,
        news=SUSPENDED_NEWS,
        at=at,
    )


@transaction.atomic
def licence_revoke(*, licence: Licence, actor, reason: str, at=None) -> Licence:
    """Revoke for good (there is no way back); the reason is required and the holder is told."""
    return _change(
        licence,
        actor=actor,
        action=LicenceEvent.Action.REVOKED,
        sources=(Licence.Status.VALID, Licence.Status.SUSPENDED, Licence.Status.EXPIRED),
        target=Licence.Status.REVOKED,
        reason=reason,
        reason_required=True,
        news=REVOKED_NEWS,
        at=at,
    )


@transaction.atomic
def licence_reinstate(*, licence: Licence, actor, note: str = "", at=None) -> Licence:
    """Lift a suspension: valid again, or expired if its last day passed meanwhile."""
    at = at or timezone.now()
    target = Licence.Status.VALID
    if licence.valid_until and licence.valid_until < timezone.localdate(at):
        target = Licence.Status.EXPIRED
    return _change(
        licence,
        actor=actor,
        action=LicenceEvent.Action.REINSTATED,
        sources=(Licence.Status.SUSPENDED,),
        target=target,
        reason=note,
        reason_required=False,
        news=REINSTATED_NEWS,
        at=at,
    )


def licences_expire(*, today: datetime.date, at: datetime.datetime | None = None) -> int:
    """Mark valid licences whose last day is before `today` as expired (the nightly task)."""
    at = at or timezone.now()
    count = 0
    for pk in Licence.objects.filter(status=Licence.Status.VALID, valid_until__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            if not Licence.objects.filter(pk=pk, status=Licence.Status.VALID, valid_until__lt=today).update(
                status=Licence.Status.EXPIRED, status_changed_at=at
            ):
                continue  # someone changed it meanwhile
            licence = Licence.objects.select_related("licence_type", "department", "holder_person").get(pk=pk)
            LicenceEvent.objects.create(
                licence=licence,
                action=LicenceEvent.Action.EXPIRED,
                from_status=Licence.Status.VALID,
                to_status=Licence.Status.EXPIRED,
                at=at,
            )
            _tell_holder(licence, EXPIRED_NEWS)
            count += 1
    return count


@transaction.atomic
def licence_retry(*, licence: Licence, actor, at=None) -> None:
    """Staff ask for a failing issuance to be tried again now."""
    at = at or timezone.now()
    _require_manage(actor, licence)
    if licence.revision >= licence.wanted_revision:
        raise ValidationError(_("This licence has nothing left to issue."))
    transaction.on_commit(lambda pk=licence.pk: _enqueue_produce(pk), robust=True)


def _enqueue_produce(licence_id: int) -> None:
    from licences.tasks import produce_licence

    produce_licence.delay(licence_id)


# -- re-issuance ---------------------------------------------------------------------------


@transaction.atomic
def reissue_start(*, actor, licence_type: LicenceType, department, reason: str, at=None) -> ReissueJob:
    """Re-issue every valid or suspended licence of a type issued by a department
    (same number and validity; a new sealed document, e.g. after a template fix)."""
    at = at or timezone.now()
    if not has_role(actor, MANAGER_ROLES, department=department):
        raise PermissionDenied(_("Only approvers and heads of the issuing department may re-issue its licences."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why the licences are re-issued.")})
    job = ReissueJob(licence_type=licence_type, department=department, reason=reason, requested_by=actor, created_at=at)
    job.full_clean()
    job.save()
    # Licences with a revision still waiting are left to the job that asked for it.
    job.total = (
        Licence.objects.filter(
            licence_type=licence_type,
            department=department,
            status__in=[Licence.Status.VALID, Licence.Status.SUSPENDED],
            revision=F("wanted_revision"),
        ).update(wanted_revision=F("revision") + 1, reissue_job=job)
    )
    if not job.total:
        raise ValidationError(_("There is no valid or suspended licence of this type to re-issue."))
    job.save(update_fields=["total"])
    transaction.on_commit(lambda pk=job.pk: _enqueue_reissue(pk), robust=True)
    return job


def _enqueue_reissue(job_id: int) -> None:
    from licences.tasks import run_reissue_job

    run_reissue_job.delay(job_id)


def reissue_pending_ids(job: ReissueJob) -> list[int]:
    return list(job.licences.awaiting_production().values_list("pk", flat=True))


# -- reuse as materials (免提交) --------------------------------------------------------------


def holds(application, licence: Licence) -> bool:
    """Whether the applicant of `application` holds `licence`: the enterprise it is for, or the person."""
    if application.applicant_enterprise_id:
        return licence.holder_enterprise_id == application.applicant_enterprise_id
    return licence.holder_enterprise_id is None and licence.holder_person_id == application.applicant_person_id


def material_licences_rebind(*, application, materials_by_name: dict) -> None:
    """The list changed while the application was a draft, and it is submitted under the new terms:
    each licence given moves to the material of the same name, or is dropped where the new terms
    have no such material or no longer let that licence type stand in for it. Called by
    approvals.services inside the submission's transaction."""
    for use in MaterialLicence.objects.select_related("material", "licence").filter(application=application):
        new = materials_by_name.get(use.material.name_zh)
        if new is None or not new.stand_ins.filter(pk=use.licence.licence_type_id).exists():
            use.delete()
        else:
            use.material = new
            use.save(update_fields=["material"])


@transaction.atomic
def use_licence_for_material(*, application, actor, material, licence: Licence, at=None) -> MaterialLicence:
    """Give `material` by pointing at `licence` instead of uploading a copy.

    The licence must be held by the applicant, be valid now, and be of a type
    the material accepts; the application must be one the actor may edit.
    """
    from approvals.models import Application
    from approvals.services import _require_editable

    at = at or timezone.now()
    application = Application.objects.select_for_update(of=("self",)).select_related(
        "applicant_person", "applicant_enterprise", "department"
    ).get(pk=application.pk)
    _require_editable(actor, application)
    if material.item_version_id != application.item_version_id:
        raise ValidationError(_("This material is not asked for by this item."))
    licence = Licence.objects.select_related("licence_type").get(pk=licence.pk)
    if not material.stand_ins.filter(pk=licence.licence_type_id).exists():
        raise ValidationError(
            _("A %(type)s cannot stand in for “%(material)s”.") % {"type": licence.licence_type.name, "material": material.name}
        )
    if not holds(application, licence):
        raise ValidationError(_("This licence is not held by the applicant."))
    status = licence.status_on(timezone.localdate(at))
    if status != Licence.Status.VALID:
        raise ValidationError(
            _("Licence %(number)s is %(status)s; only a valid licence can stand in for a material.")
            % {"number": licence.number, "status": Licence.Status(status).label}
        )
    use, _created = MaterialLicence.objects.update_or_create(
        application=application,
        material=material,
        defaults={"licence": licence, "added_by": actor, "added_at": at},
    )
    return use


@transaction.atomic
def stop_using_licence_for_material(*, application, actor, material) -> None:
    from approvals.models import Application
    from approvals.services import _require_editable

    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    _require_editable(actor, application)
    MaterialLicence.objects.filter(application=application, material=material).delete()
