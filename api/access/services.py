"""Writing the access log: the one function every API endpoint that reads someone's data calls."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.access import ledger
from api.access.models import AccessLogEntry, AccessLogHead, AccessPurpose
from api.access.subjects import parse_subject
from api.models import MachineClient
from portal.models import Enterprise, Person


def purpose_for_read(code: str) -> AccessPurpose:
    """The active purpose with this code, or ValidationError keyed `purpose_code`."""
    purpose = AccessPurpose.objects.active().filter(code=(code or "").strip()).first()
    if purpose is None:
        raise ValidationError(
            {"purpose_code": ValidationError(
                _("Give the purpose of this read as the code of an active purpose (%(code)s is not one)."),
                code="unknown_purpose", params={"code": code or "—"},
            )}
        )
    return purpose


def clean_reference(reference: str) -> str:
    """The department's own case number, stripped, or ValidationError keyed `reference`."""
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError(
            {"reference": ValidationError(
                _("Give your department's case number for this read."), code="missing_reference"
            )}
        )
    if len(reference) > AccessLogEntry.REFERENCE_MAX_LENGTH:
        raise ValidationError(
            {"reference": ValidationError(
                _("A case number has at most %(max)d characters."),
                code="long_reference", params={"max": AccessLogEntry.REFERENCE_MAX_LENGTH},
            )}
        )
    return reference


@transaction.atomic
def access_record(
    *,
    client: MachineClient,
    endpoint: str,
    subject_id: str,
    purpose_code: str,
    reference: str,
    result: str,
    at: datetime | None = None,
) -> AccessLogEntry:
    """Append one read of a person's or an enterprise's data to the access log, chained to the entry before.

    Raises ValidationError, keyed by `purpose_code`, `reference`, `subject_id` or `result`, before
    anything is written: a read without an active purpose or a case number is not logged as a read
    (the API refuses it). The head row is locked for the duration, so concurrent appends queue up
    instead of forking the chain.
    """
    at = at or timezone.now()
    purpose = purpose_for_read(purpose_code)
    reference = clean_reference(reference)
    try:
        subject = parse_subject(subject_id, today=timezone.localdate(at))
    except ValidationError as exc:
        raise ValidationError({"subject_id": exc}) from None
    if result not in AccessLogEntry.Result.values:
        raise ValidationError({"result": ValidationError(_("Unknown result of a read."), code="invalid_result")})
    person = Person.objects.filter(resident_id=subject.number).first() if subject.is_resident_id else None
    enterprise = Enterprise.objects.filter(credit_code=subject.number).first() if subject.is_credit_code else None

    AccessLogHead.objects.get_or_create(pk=1)
    head = AccessLogHead.objects.select_for_update().get(pk=1)
    entry = AccessLogEntry(
        seq=head.seq + 1,
        client=client,
        department_id=client.department_id,
        endpoint=endpoint[:200],
        subject_hash=subject.digest,
        subject_masked=subject.masked,
        person=person,
        enterprise=enterprise,
        purpose=purpose,
        reference=reference,
        result=result,
        accessed_at=at,
        prev_hash=head.last_hash,
    )
    entry.entry_hash = ledger.hash_of(entry)
    entry.full_clean(validate_unique=False)
    entry.save()
    head.seq = entry.seq
    head.last_hash = entry.entry_hash
    head.save(update_fields=["seq", "last_hash"])
    return entry
