"""Licenses: the writes. Issuance (exactly once), the lifecycle, re-issuance and
reuse as materials (免提交). Views, tasks and the approvals workflow call these.

Issuance, exactly once
----------------------
1. Approval calls `on_application_approved` inside its transaction; after the
   commit a task runs `license_open`, which creates the one `License` row of
   the application (a unique constraint: a second creator gets the first's
   row) with its number, holder and validity, in status *pending*.
2. `license_produce` claims the wanted revision with a conditional update (a
   token and a lease). Only one worker wins; the others return at once.
3. The winner renders the PDF and seals it with no transaction open:
   `seal_pdf` appends its usage-log entry in a short transaction of its own
   (the log's head is locked only for that append), so the log records every
   signature made, including one whose document is then never stored. The
   file's name is noted on the claim (`pending_file`) and the file uploaded,
   still outside any transaction; then one short transaction checks that the
   claim is still ours and records the document and the license as valid.
   The holder is told after that commit.
4. A failure after the upload deletes the file. A worker killed between the
   upload and the commit leaves its claim and `pending_file`: whoever takes
   the work over (the redelivered task as soon as the lease runs out, or the
   resume sweep) deletes the file first, so no sealed PDF stays in storage
   without a document row.
"""

from __future__ import annotations

import datetime
import hashlib
import logging

from celery import current_app
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.models import Application
from approvals.services import require_editable
from approvals.workflow import State
from licenses import documents, numbers
from licenses.models import (
    License,
    LicenseCounter,
    LicenseDocument,
    LicenseEvent,
    LicenseType,
    MaterialLicense,
    ReissueJob,
    new_claim_token,
)
from portal.identifiers import mask_identifier
from approvals.documents.services import enqueue_waiting_grants
from deadlines.periods import add_months
from portal.notifications import notify
from portal.pdf import Rendered
from portal.permissions import Role, has_role

logger = logging.getLogger(__name__)

TASK_NAME = "licenses.issue"
MANAGER_ROLES = (Role.APPROVER, Role.HEAD)


class ClaimLost(Exception):
    """Another worker took the work over (our lease ran out); we stop without writing."""


def claim_lease() -> datetime.timedelta:
    """How long a claim holds: longer than the task's hard time limit, after which the
    worker is gone for sure and another may take the work over."""
    return datetime.timedelta(seconds=getattr(settings, "LICENSE_CLAIM_SECONDS", 360))


# -- approval hands over -----------------------------------------------------------------


def on_application_approved(application) -> None:
    """The workflow calls this inside the approving transaction (registered in `LicensesConfig.ready()`):
    issue the license after the commit."""
    if application.item_version.license_type_id is None:
        return
    transaction.on_commit(lambda pk=application.pk: _enqueue_issue(pk), robust=True)


def _enqueue(task: str, *args) -> None:
    """Queue a task of licenses/tasks.py by name: the tasks call these services, not the other way round."""
    current_app.signature(task, args=args).delay()


def _enqueue_issue(application_id: int) -> None:
    _enqueue("licenses.tasks.issue_license", application_id)


# -- opening the license row ------------------------------------------------------------


def validity(license_type: LicenseType, valid_from: datetime.date) -> datetime.date | None:
    """The last valid day: `validity_months` after the first, less one day (None: no expiry)."""
    if not license_type.validity_months:
        return None
    return add_months(valid_from, license_type.validity_months) - datetime.timedelta(days=1)


def _next_number(license_type: LicenseType, *, year: int) -> str:
    LicenseCounter.objects.get_or_create(license_type=license_type, year=year)
    counter = LicenseCounter.objects.select_for_update().get(license_type=license_type, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return numbers.format_number(prefix=license_type.number_prefix, year=year, sequence=counter.last)


@transaction.atomic
def license_open(*, application_id: int, at: datetime.datetime | None = None) -> License | None:
    """The application's license row, created on first call (None if it produces no license)."""
    existing = License.objects.filter(application_id=application_id).first()
    if existing is not None:
        return existing
    at = at or timezone.now()
    application = Application.objects.select_related(
        "item_version__license_type", "applicant_person", "applicant_enterprise"
    ).get(pk=application_id)
    license_type = application.item_version.license_type
    if application.state != State.APPROVED or license_type is None:
        return None
    valid_from = timezone.localdate(application.decided_at or at)
    enterprise, person = application.applicant_enterprise, application.applicant_person
    try:
        with transaction.atomic():
            license = License(
                number=_next_number(license_type, year=valid_from.year),
                license_type=license_type,
                application=application,
                department_id=application.department_id,
                holder_person=person,
                holder_enterprise=enterprise,
                holder_name=enterprise.name if enterprise else person.real_name,
                holder_id_masked=mask_identifier(enterprise.credit_code if enterprise else person.resident_id),
                status=License.Status.PENDING,
                valid_from=valid_from,
                valid_until=validity(license_type, valid_from),
                revision=0,
                wanted_revision=1,
                created_at=at,
            )
            license.full_clean(validate_unique=False, validate_constraints=False)
            license.save()
    except IntegrityError:
        # Another worker opened it first (one license per application): use theirs.
        return License.objects.get(application_id=application_id)
    return license


# -- producing a revision: claim, render, seal and store ------------------------------


def _claim(license_id: int, *, at: datetime.datetime) -> str | None:
    token = new_claim_token()
    claimed = (
        License.objects.awaiting_production()
        .filter(pk=license_id)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=at))
        .update(
            claim_token=token,
            claimed_until=at + claim_lease(),
            attempts=F("attempts") + 1,
            last_attempt_at=at,
        )
    )
    return token if claimed == 1 else None


def _release(license_id: int, token: str, *, error: BaseException) -> None:
    """Give the claim back after a failure, so that the retry can take it at once; keep the error for staff."""
    message = f"{type(error).__name__}: {error}"[:2000]
    License.objects.filter(pk=license_id, claim_token=token).update(
        claim_token="", claimed_until=None, last_error=message
    )


def claim_held_until(*, license_id: int, at: datetime.datetime) -> datetime.datetime | None:
    """When another worker's claim on the license's pending work runs out (None: no live claim,
    or nothing left to produce). A task that finds the work claimed comes back then: the
    worker may have died, and its claim can be taken over the moment the lease ends."""
    return (
        License.objects.awaiting_production()
        .filter(pk=license_id, claimed_until__gt=at)
        .values_list("claimed_until", flat=True)
        .first()
    )


def license_produce(*, license_id: int, at: datetime.datetime | None = None, seal_at=None) -> License | None:
    """Render, seal and store the wanted revision of a license, unless another worker holds it.

    Returns the license when this call produced it, None when there was
    nothing to do (already produced, revoked, or claimed by a live worker:
    see `claim_held_until`).

    No transaction is open while the document is signed or uploaded: `seal_pdf`
    appends its usage-log entry in a transaction of its own (the log's head is
    locked only for that append), the file is written, and one short
    transaction records it. A failure after the upload deletes the file; a
    worker killed after the upload leaves its name in `pending_file`, and the
    next claimant deletes it (`_remove_abandoned_upload`).
    """
    at = at or timezone.now()
    token = _claim(license_id, at=at)
    if token is None:
        return None
    try:
        _remove_abandoned_upload(license_id)
        license = License.objects.with_relations().select_related("application__item_version__item").get(pk=license_id)
        revision = license.wanted_revision
        rendered = documents.render(license, revision=revision)
        signed, seal = _seal(license, token=token, rendered=rendered, revision=revision, at=seal_at or at)
        sha256 = hashlib.sha256(signed).hexdigest()
        name = _upload(license, token=token, revision=revision, signed=signed, sha256=sha256)
        try:
            license = _record(
                license_id=license_id,
                token=token,
                revision=revision,
                name=name,
                signed=signed,
                seal=seal,
                at=seal_at or at,
            )
        except BaseException:
            default_storage.delete(name)
            License.objects.filter(pk=license_id, pending_file=name).update(pending_file="")
            raise
    except ClaimLost:
        logger.warning("licenses: the claim on license %s was taken over; this worker stops", license_id)
        return None
    except BaseException as exc:
        _release(license_id, token, error=exc)
        raise
    if revision == 1:
        # The decision to grant names this license: it can be sealed now.
        with transaction.atomic():
            enqueue_waiting_grants(application_id=license.application_id)
        try:
            _tell_holder(license, ISSUED_NEWS)
        except Exception:  # the license is issued; a retry would find nothing to do and tell no one either
            logger.exception("licenses: license %s was issued, but its holder could not be told", license.number)
    return license


def _holds_claim(license_id: int, token: str, revision: int) -> bool:
    return License.objects.filter(pk=license_id, claim_token=token, wanted_revision=revision).exists()


def _seal(license: License, *, token: str, rendered: Rendered, revision: int, at):
    """Seal the rendered PDF with the department's seal in use; `seal_pdf` logs the use and commits."""
    from seals.selectors import active_seal
    from seals.services import seal_pdf

    if not _holds_claim(license.pk, token, revision):
        raise ClaimLost
    seal = active_seal(department=license.department)
    if seal is None:
        raise ValidationError(
            _("%(department)s has no electronic license seal in use; a seal administrator must issue one.")
            % {"department": license.department.name}
        )
    signed = seal_pdf(
        rendered.pdf,
        seal=seal,
        reason=f"{'核发' if revision == 1 else '换发'}{license.license_type.name_zh} {license.number}",
        page=rendered.page,
        box=rendered.box,
        related=license,
        task=TASK_NAME,
        at=at,
    )
    return signed, seal


def _store(license: License, revision: int, signed: bytes, sha256: str) -> str:
    return default_storage.save(f"licenses/{license.number}/r{revision}-{sha256[:16]}.pdf", ContentFile(signed))


def _upload(license: License, *, token: str, revision: int, signed: bytes, sha256: str) -> str:
    """Write the sealed file, its name noted on the claim first (committed at once, no lock kept)
    so that it can be found and removed if this worker dies before recording it."""
    wanted = f"licenses/{license.number}/r{revision}-{sha256[:16]}.pdf"
    if not License.objects.filter(pk=license.pk, claim_token=token).update(pending_file=wanted):
        raise ClaimLost
    name = _store(license, revision, signed, sha256)
    if name != wanted:  # the storage chose another name: note that one instead
        License.objects.filter(pk=license.pk, claim_token=token).update(pending_file=name)
    return name


def _remove_abandoned_upload(license_id: int) -> None:
    """Delete the file a dead worker uploaded but never recorded (its name is still pending)."""
    name = License.objects.filter(pk=license_id).values_list("pending_file", flat=True).first()
    if name and not LicenseDocument.objects.filter(file=name).exists():
        default_storage.delete(name)
        logger.info("licenses: removed %s, uploaded by a worker that died before recording it", name)
    if name:
        License.objects.filter(pk=license_id, pending_file=name).update(pending_file="")


def licenses_remove_abandoned_uploads(*, at: datetime.datetime) -> int:
    """The sweep's half for licenses nobody will produce again (revoked meanwhile): delete the
    files their dead workers uploaded once the claim has run out. Returns how many."""
    stale = License.objects.exclude(pending_file="").filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=at))
    ids = list(stale.values_list("pk", flat=True))
    for license_id in ids:
        _remove_abandoned_upload(license_id)
    return len(ids)


def _sealed_revision_hashes(signed: bytes) -> list[str]:
    """SHA-256 of the file up to the end of each signature, and of the whole file: the usage log
    records one of these (the signed revision, before validation data and timestamps)."""
    from seals.signing import signature_ends

    return [hashlib.sha256(signed[:end]).hexdigest() for end in [len(signed), *signature_ends(signed)]]


@transaction.atomic
def _record(*, license_id: int, token: str, revision: int, name: str, signed: bytes, seal, at) -> License:
    """Record the stored document and make it the license's current one, if the claim is still ours."""
    from seals.models import SealUsage

    license = (
        License.objects.select_for_update(of=("self",))
        .select_related("license_type", "department", "application")
        .get(pk=license_id)
    )
    if license.claim_token != token or license.wanted_revision != revision:
        raise ClaimLost
    sha256 = hashlib.sha256(signed).hexdigest()
    first = license.revision == 0
    LicenseDocument.objects.create(
        license=license,
        revision=revision,
        file=name,
        sha256=sha256,
        size=len(signed),
        seal_usage=SealUsage.objects.filter(seal=seal, document_sha256__in=_sealed_revision_hashes(signed))
        .order_by("-seq")
        .first(),
        template=license.license_type.template,
        issued_at=at,
    )
    previous = license.status
    license.revision = revision
    license.file = name
    license.sha256 = sha256
    license.size = len(signed)
    license.claim_token = ""
    license.claimed_until = None
    license.last_error = ""
    license.pending_file = ""
    if first:
        license.status = License.Status.VALID
        license.issued_at = at
        license.status_changed_at = at
    license.save()
    LicenseEvent.objects.create(
        license=license,
        action=LicenseEvent.Action.ISSUED if first else LicenseEvent.Action.REISSUED,
        from_status=previous,
        to_status=license.status,
        note=f"r{revision}",
        at=at,
    )
    return license


# -- telling the holder -----------------------------------------------------------------

ISSUED_NEWS = (
    gettext_lazy("Your {type} {number} is ready"),
    gettext_lazy(
        "Your electronic {type} {number} has been issued and sealed by the {department}. "
        "It is in your license wallet; download it or show its QR code from there."
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


def holder_users(license: License):
    from portal.models import User

    if license.holder_enterprise_id:
        return list(User.objects.filter(memberships__enterprise_id=license.holder_enterprise_id))
    user = license.holder_person.user
    return [user] if user else []


def _tell_holder(license: License, news, *, reason: str = "") -> None:
    subject, body = news
    values = {
        "type": _LazyName(license.license_type),
        "number": license.number,
        "department": _LazyName(license.department),
        "reason": reason,
        "until": license.valid_until.isoformat() if license.valid_until else "",
    }
    notify(
        recipients=holder_users(license),
        subject=format_lazy(subject, **values),
        body=format_lazy(body, **values),
        link=reverse("wallet_license", args=[license.number]),
    )


class _LazyName:
    """A bilingual model's name in whatever language is active when the message is rendered."""

    def __init__(self, obj):
        self.obj = obj

    def __str__(self):
        return self.obj.name


# -- the lifecycle -------------------------------------------------------------------------


def can_manage(user, license: License) -> bool:
    """Approvers and heads of the issuing department."""
    return has_role(user, MANAGER_ROLES, department=license.department_id)


def _require_manage(actor, license: License) -> None:
    if not can_manage(actor, license):
        raise PermissionDenied(_("Only approvers and heads of the issuing department may change this license."))


def _change(
    license: License,
    *,
    actor,
    action: str,
    sources: tuple[str, ...],
    target: str,
    reason: str,
    reason_required: bool,
    news,
    at,
) -> License:
    at = at or timezone.now()
    locked = License.objects.select_for_update(of=("self",)).select_related("license_type", "department").get(pk=license.pk)
    _require_manage(actor, locked)
    reason = " ".join((reason or "").split())
    if reason_required and not reason:
        raise ValidationError({"reason": _("Give the reason; the holder will see it.")})
    if locked.status not in sources:
        raise ValidationError(
            _("This license is %(status)s; it cannot be %(action)s now.")
            % {"status": locked.get_status_display(), "action": LicenseEvent.Action(action).label}
        )
    previous = locked.status
    locked.status = target
    locked.status_reason = reason if target in (License.Status.SUSPENDED, License.Status.REVOKED) else ""
    locked.status_changed_at = at
    locked.full_clean(validate_unique=False)
    locked.save(update_fields=["status", "status_reason", "status_changed_at"])
    LicenseEvent.objects.create(
        license=locked, action=action, from_status=previous, to_status=target, actor=actor, note=reason, at=at
    )
    _tell_holder(locked, news, reason=reason)
    license.refresh_from_db()
    return locked


@transaction.atomic
def license_suspend(*, license: License, actor, reason: str, at=None) -> License:
    return _change(
        license,
        actor=actor,
        action=LicenseEvent.Action.SUSPENDED,
        sources=(License.Status.VALID,),
        target=License.Status.SUSPENDED,
        reason=reason,
        reason_required=True,
        news=SUSPENDED_NEWS,
        at=at,
    )


@transaction.atomic
def license_revoke(*, license: License, actor, reason: str, at=None) -> License:
    """Revoke for good (there is no way back); the reason is required and the holder is told."""
    return _change(
        license,
        actor=actor,
        action=LicenseEvent.Action.REVOKED,
        sources=(License.Status.VALID, License.Status.SUSPENDED, License.Status.EXPIRED),
        target=License.Status.REVOKED,
        reason=reason,
        reason_required=True,
        news=REVOKED_NEWS,
        at=at,
    )


@transaction.atomic
def license_reinstate(*, license: License, actor, note: str = "", at=None) -> License:
    """Lift a suspension: valid again, or expired if its last day passed meanwhile."""
    at = at or timezone.now()
    target = License.Status.VALID
    if license.valid_until and license.valid_until < timezone.localdate(at):
        target = License.Status.EXPIRED
    return _change(
        license,
        actor=actor,
        action=LicenseEvent.Action.REINSTATED,
        sources=(License.Status.SUSPENDED,),
        target=target,
        reason=note,
        reason_required=False,
        news=REINSTATED_NEWS,
        at=at,
    )


def licenses_expire(*, today: datetime.date, at: datetime.datetime | None = None) -> int:
    """Mark valid licenses whose last day is before `today` as expired (the nightly task)."""
    at = at or timezone.now()
    count = 0
    for pk in License.objects.filter(status=License.Status.VALID, valid_until__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            if not License.objects.filter(pk=pk, status=License.Status.VALID, valid_until__lt=today).update(
                status=License.Status.EXPIRED, status_changed_at=at
            ):
                continue  # someone changed it meanwhile
            license = License.objects.select_related("license_type", "department", "holder_person").get(pk=pk)
            LicenseEvent.objects.create(
                license=license,
                action=LicenseEvent.Action.EXPIRED,
                from_status=License.Status.VALID,
                to_status=License.Status.EXPIRED,
                at=at,
            )
            _tell_holder(license, EXPIRED_NEWS)
            count += 1
    return count


@transaction.atomic
def license_retry(*, license: License, actor, at=None) -> None:
    """Staff ask for a failing issuance to be tried again now."""
    at = at or timezone.now()
    _require_manage(actor, license)
    if license.revision >= license.wanted_revision:
        raise ValidationError(_("This license has nothing left to issue."))
    transaction.on_commit(lambda pk=license.pk: _enqueue_produce(pk), robust=True)


def _enqueue_produce(license_id: int) -> None:
    _enqueue("licenses.tasks.produce_license", license_id)


# -- re-issuance ---------------------------------------------------------------------------


@transaction.atomic
def reissue_start(*, actor, license_type: LicenseType, department, reason: str, at=None) -> ReissueJob:
    """Re-issue every valid or suspended license of a type issued by a department
    (same number and validity; a new sealed document, e.g. after a template fix)."""
    at = at or timezone.now()
    if not has_role(actor, MANAGER_ROLES, department=department):
        raise PermissionDenied(_("Only approvers and heads of the issuing department may re-issue its licenses."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why the licenses are re-issued.")})
    job = _reissue(
        License.objects.filter(license_type=license_type, department=department),
        license_type_id=license_type.pk,
        department_id=department.pk,
        reason=reason,
        actor=actor,
        at=at,
    )
    if not job.total:
        raise ValidationError(_("There is no valid or suspended license of this type to re-issue."))
    return job


def _reissue(licenses, *, license_type_id: int, department_id: int, reason: str, actor, at) -> ReissueJob:
    """A job that re-issues the valid and suspended ones among `licenses` (all of one type),
    queued after the commit. Licenses with a revision still waiting are left to whoever asked
    for it: that revision is sealed with the seal in use when it is produced."""
    job = ReissueJob(
        license_type_id=license_type_id, department_id=department_id, reason=reason, requested_by=actor, created_at=at
    )
    job.full_clean()
    job.save()
    job.total = licenses.filter(
        status__in=[License.Status.VALID, License.Status.SUSPENDED], revision=F("wanted_revision")
    ).update(wanted_revision=F("revision") + 1, reissue_job=job)
    job.save(update_fields=["total"])
    if job.total:
        transaction.on_commit(lambda pk=job.pk: _enqueue_reissue(pk), robust=True)
    return job


RESEALED_NEWS = (
    gettext_lazy("Your {type} {number} is being sealed again"),
    gettext_lazy(
        "The electronic seal of the {department} on your {type} {number} was revoked because its key "
        "was compromised. Your license itself is unchanged, but the copy you hold may no longer be "
        "accepted. A newly sealed copy is being issued: download it from your license wallet once it is ready."
    ),
)


def on_seal_revoked(seal, reason: str) -> None:
    """seals calls this after a revocation commits (registered in `LicensesConfig.ready()`).
    A key compromise re-issues what the seal sealed, in a task that retries; other reasons
    leave the documents valid (their timestamps place them before the revocation)."""
    from seals.models import Seal

    if reason == Seal.RevocationReason.KEY_COMPROMISE:
        _enqueue("licenses.tasks.reseal_licenses", seal.pk)


@transaction.atomic
def licenses_reseal(*, seal, at=None) -> list[ReissueJob]:
    """Re-issue every valid or suspended license whose current document `seal` sealed (one job
    per license type, under the department's seal in use when each is produced), and tell
    their holders. Running it again queues and tells nobody twice."""
    at = at or timezone.now()
    sealed = LicenseDocument.objects.filter(seal_usage__seal=seal, revision=F("license__revision"))
    waiting = License.objects.filter(
        pk__in=sealed.values("license_id"),
        status__in=[License.Status.VALID, License.Status.SUSPENDED],
        revision=F("wanted_revision"),
    )
    queued = list(waiting.values_list("pk", "license_type_id"))
    reason = f"{seal.name_zh}印章（证书序列号 {seal.serial_number[:16]}）因密钥泄露被撤销，用新印章重新加盖"
    jobs = [
        _reissue(
            License.objects.filter(pk__in=[pk for pk, type_id in queued if type_id == license_type_id]),
            license_type_id=license_type_id,
            department_id=seal.department_id,
            reason=reason,
            actor=seal.revoked_by,
            at=at,
        )
        for license_type_id in sorted({type_id for _pk, type_id in queued})
    ]
    for license in License.objects.with_relations().filter(pk__in=[pk for pk, _type_id in queued]):
        _tell_holder(license, RESEALED_NEWS)
    logger.warning(
        "licenses: %d licenses sealed by revoked seal %s queued for re-issue",
        sum(job.total for job in jobs),
        seal.serial_number,
    )
    return jobs


def _enqueue_reissue(job_id: int) -> None:
    _enqueue("licenses.tasks.run_reissue_job", job_id)


def reissue_pending_ids(job: ReissueJob) -> list[int]:
    return list(job.licenses.awaiting_production().values_list("pk", flat=True))


# -- reuse as materials (免提交) --------------------------------------------------------------


def holds(application, license: License) -> bool:
    """Whether the applicant of `application` holds `license`: the enterprise it is for, or the person."""
    if application.applicant_enterprise_id:
        return license.holder_enterprise_id == application.applicant_enterprise_id
    return license.holder_enterprise_id is None and license.holder_person_id == application.applicant_person_id


def material_licenses_rebind(*, application, materials_by_name: dict) -> None:
    """The list changed while the application was a draft, and it is submitted under the new terms:
    each license given moves to the material of the same name, or is dropped where the new terms
    have no such material or no longer let that license type stand in for it. The workflow calls
    this inside the submission's transaction (registered in `LicensesConfig.ready()`)."""
    for use in MaterialLicense.objects.select_related("material", "license").filter(application=application):
        new = materials_by_name.get(use.material.name_zh)
        if new is None or not new.stand_ins.filter(pk=use.license.license_type_id).exists():
            use.delete()
        else:
            use.material = new
            use.save(update_fields=["material"])


def material_stand_in(*, application, actor, material, reference, at=None) -> None:
    """A bundle gives a material by a held license, chosen by its id (registered with
    `approvals.hooks.on_material_stand_in`); every rule of `use_license_for_material` applies."""
    license = License.objects.filter(pk=int(reference)).first() if str(reference).isdigit() else None
    if license is None:
        raise ValidationError(_("This license cannot stand in for the material."))
    use_license_for_material(application=application, actor=actor, material=material, license=license, at=at)


@transaction.atomic
def use_license_for_material(*, application, actor, material, license: License, at=None) -> MaterialLicense:
    """Give `material` by pointing at `license` instead of uploading a copy.

    The license must be held by the applicant, be valid now, and be of a type
    the material accepts; the application must be one the actor may edit.
    """
    at = at or timezone.now()
    application = Application.objects.select_for_update(of=("self",)).select_related(
        "applicant_person", "applicant_enterprise", "department"
    ).get(pk=application.pk)
    require_editable(actor, application)
    if material.item_version_id != application.item_version_id:
        raise ValidationError(_("This material is not asked for by this item."))
    license = License.objects.select_related("license_type").get(pk=license.pk)
    if not material.stand_ins.filter(pk=license.license_type_id).exists():
        raise ValidationError(
            _("A %(type)s cannot stand in for “%(material)s”.") % {"type": license.license_type.name, "material": material.name}
        )
    if not holds(application, license):
        raise ValidationError(_("This license is not held by the applicant."))
    status = license.status_on(timezone.localdate(at))
    if status != License.Status.VALID:
        raise ValidationError(
            _("License %(number)s is %(status)s; only a valid license can stand in for a material.")
            % {"number": license.number, "status": License.Status(status).label}
        )
    use, _created = MaterialLicense.objects.update_or_create(
        application=application,
        material=material,
        defaults={"license": license, "added_by": actor, "added_at": at},
    )
    return use


@transaction.atomic
def stop_using_license_for_material(*, application, actor, material) -> None:
    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    require_editable(actor, application)
    MaterialLicense.objects.filter(application=application, material=material).delete()
