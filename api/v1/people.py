"""Reads of a person's or an enterprise's data: a holder's licenses, and an application's status
and timeline.

Every call names why it reads (the `OneGate-Purpose` header: an active purpose's code) and the
department's own case number (`OneGate-Reference`). Without them the call is answered 400 and
nothing is read or logged. Each read is then recorded once in the access log
(`api.access.services.access_record`), so the person, or the enterprise's members, see it at
/me/data-access/. Responses carry full identity numbers only to a client that has
`licenses:read` (a purpose is always given); otherwise they are masked.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from api import pagination
from api.access.services import access_record, clean_reference, purpose_for_read
from api.access.subjects import parse_subject
from api.auth import MachineToken
from api.models import Scope
from api.problems import CONTENT_TYPE, NotFound, Problem
from api.v1.catalogue import BadCursor
from approvals.desk import selectors as desk
from licenses import documents
from licenses import selectors as licenses
from portal.identifiers import mask_identifier

router = Router()
PURPOSE_HEADER = "OneGate-Purpose"
REFERENCE_HEADER = "OneGate-Reference"
MAX_LIMIT = 200
HOLDER_LICENSES = "/api/v1/holders/{subject}/licenses"
APPLICATION_STATUS = "/api/v1/applications/{tracking_number}"

PURPOSE_PARAMETERS = [
    {
        "name": PURPOSE_HEADER,
        "in": "header",
        "required": True,
        "description": "Why you read: the code of an active purpose of data use, e.g. license-verification.",
        "schema": {"type": "string", "maxLength": 40},
        "example": "license-verification",
    },
    {
        "name": REFERENCE_HEADER,
        "in": "header",
        "required": True,
        "description": "Your department's own case number for this read (at most 64 characters; UTF-8).",
        "schema": {"type": "string", "maxLength": 64},
        "example": "MKT-2026-0042",
    },
]
BAD_REQUEST = {
    "400": {
        "description": "No purpose or case number, or a purpose that is not active: nothing was read",
        "content": {CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
}


def _extra(scope: str) -> dict:
    return {"security": [{"MachineToken": [scope]}], "parameters": PURPOSE_PARAMETERS, "responses": BAD_REQUEST}


class PurposeRequired(Problem):
    status = 400
    kind = "purpose-required"


def _header(request, name: str) -> str:
    value = request.headers.get(name, "")
    try:  # WSGI hands headers over as Latin-1; a case number may be UTF-8.
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def purpose_of(request) -> tuple[str, str]:
    """The request's purpose code and case number, or PurposeRequired: checked before anything is read."""
    messages, purpose, reference = [], "", ""
    try:
        purpose = purpose_for_read(_header(request, PURPOSE_HEADER)).code
    except ValidationError as exc:
        messages += exc.messages
    try:
        reference = clean_reference(_header(request, REFERENCE_HEADER))
    except ValidationError as exc:
        messages += exc.messages
    if messages:
        raise PurposeRequired(" ".join(messages))
    return purpose, reference


def sees_full_identifiers(request) -> bool:
    """Full identity numbers need `licenses:read`, on the token and the client alike."""
    return request.access_token.allow_scopes([Scope.LICENSES_READ]) and request.machine_client.has_scope(
        Scope.LICENSES_READ
    )


def record(request, *, endpoint: str, subject_id: str, purpose: tuple[str, str], found: bool) -> None:
    """One entry in the access log. The endpoint is the route, never the path: a path holds the number."""
    code, reference = purpose
    access_record(
        client=request.machine_client,
        endpoint=endpoint,
        subject_id=subject_id,
        purpose_code=code,
        reference=reference,
        result="found" if found else "not_found",
    )


# -- a holder's licenses ------------------------------------------------------------------------------


class NamedCode(Schema):
    code: str
    name_zh: str
    name_en: str


class HolderOut(Schema):
    id_number: str = Field(description="The resident ID number or unified social credit code asked about, in full.")
    kind: str = Field(description="person or enterprise.")


class HeldLicenseOut(Schema):
    number: str
    license_type: NamedCode
    issued_by: NamedCode
    holder_name: str
    status: str = Field(description="pending, valid, suspended, revoked or expired, on today's date in Asia/Shanghai.")
    status_label: str = Field(description="The status in the language asked for.")
    valid_from: datetime.date
    valid_until: datetime.date | None = Field(description="Null: does not expire.")
    issued_at: datetime.datetime | None
    verify_url: str = Field(description="The public verification page.")


class HolderLicensesPage(Schema):
    holder: HolderOut
    licenses: list[HeldLicenseOut]
    next: str | None = Field(description="The next page; null on the last one.")


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    cursor: str = Field("", description="The cursor of the previous page's next link.")


class InvalidSubject(Problem):
    status = 422
    kind = "validation"


@router.get(
    HOLDER_LICENSES.removeprefix("/api/v1"),
    response=HolderLicensesPage,
    auth=MachineToken(Scope.LICENSES_READ),
    url_name="holder_licenses",
    summary="A holder's licenses, by resident ID number or unified social credit code",
    tags=["licenses"],
    openapi_extra=_extra(Scope.LICENSES_READ),
)
def holder_licenses(
    request,
    page: Query[PageParams],
    subject: str = Path(..., description="A resident ID number or a unified social credit code.", example="211402199003071230"),
):
    purpose = purpose_of(request)
    try:
        holder = parse_subject(subject, today=timezone.localdate())
    except ValidationError as exc:
        raise InvalidSubject(
            _("The request has errors: see “errors” for where and what."),
            errors=[{"location": ["path", "subject"], "message": exc.messages[0], "code": "invalid_subject"}],
        ) from None
    walk = f"holder-licenses:{holder.digest}"
    held = licenses.holder_licenses(holder.number)
    if page.cursor:
        try:
            created_at, pk = pagination.decode_key(walk, page.cursor)
            created_at = datetime.datetime.fromisoformat(created_at)
        except (pagination.BadCursor, ValueError, TypeError):
            raise BadCursor(_("This cursor is not one we gave. Start again without it.")) from None
        held = held.filter(created_at__lte=created_at).exclude(created_at=created_at, pk__gte=pk)
    rows = list(held[: page.limit + 1])
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    record(request, endpoint=HOLDER_LICENSES, subject_id=holder.number, purpose=purpose, found=bool(rows))
    next_url = None
    if more:
        last = rows[-1]
        cursor = pagination.encode_key(walk, [last.created_at.isoformat(), last.pk])
        next_url = pagination.cursor_link(request, cursor, limit=page.limit)
    today = timezone.localdate()
    return {
        "holder": {"id_number": holder.number, "kind": "person" if holder.is_resident_id else "enterprise"},
        "licenses": [
            {
                "number": license.number,
                "license_type": license.license_type,
                "issued_by": license.department,
                "holder_name": license.holder_name,
                "status": license.status_on(today),
                "status_label": str(license.status_label_on(today)),
                "valid_from": license.valid_from,
                "valid_until": license.valid_until,
                "issued_at": license.issued_at,
                "verify_url": documents.verify_url(license.number),
            }
            for license in rows
        ],
        "next": next_url,
    }


# -- an application's status and timeline ------------------------------------------------------------


class ApplicantOut(Schema):
    kind: str = Field(description="person or enterprise.")
    name: str = Field(description="A person's name is partly hidden unless the client has licenses:read.")
    id_number: str = Field(description="Resident ID number or credit code; masked unless the client has licenses:read.")
    masked: bool


class CorrectionOut(Schema):
    name: str
    problem: str = ""
    remedy: str = ""


class EventOut(Schema):
    action: str
    action_label: str = Field(description="The step in the language asked for.")
    from_state: str
    to_state: str
    at: datetime.datetime
    note: str
    extension_days: int | None = Field(None, description="For a deadline extension: the working days added.")
    corrections: list[CorrectionOut] = Field(description="For a correction request: the one-time notice's items.")


class ApplicationOut(Schema):
    tracking_number: str
    state: str
    state_label: str = Field(description="The state in the language asked for.")
    item: NamedCode
    department: NamedCode
    channel: str
    applicant: ApplicantOut
    submitted_at: datetime.datetime | None
    accepted_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    due_on: datetime.date | None
    due_provisional: bool = Field(description="The due date falls in a year whose holidays are not announced yet.")
    extended: bool
    timeline: list[EventOut] = Field(description="Every step, oldest first: what the desk and the applicant see.")


def _applicant(application, *, full: bool) -> dict:
    enterprise = application.applicant_enterprise if application.applicant_enterprise_id else None
    if enterprise is not None:
        number, name = enterprise.credit_code, enterprise.name
    else:
        number, name = application.applicant_person.resident_id, application.applicant_person.real_name
    if not full:
        number = mask_identifier(number)
        name = name if enterprise is not None else licenses.mask_name(name, enterprise=False)
    return {"kind": "enterprise" if enterprise else "person", "name": name, "id_number": number, "masked": not full}


def _masked_note(note: str, *, numbers: tuple[str, ...]) -> str:
    """A note with the applicant's identity numbers masked (an approver may have quoted them)."""
    for number in numbers:
        if number:
            note = note.replace(number, mask_identifier(number))
    return note


@router.get(
    APPLICATION_STATUS.removeprefix("/api/v1"),
    response=ApplicationOut,
    auth=MachineToken(Scope.APPLICATIONS_READ),
    url_name="application_status",
    summary="An application's status and timeline (the deciding department's client only)",
    tags=["applications"],
    openapi_extra=_extra(Scope.APPLICATIONS_READ),
)
def application_status(
    request, tracking_number: str = Path(..., description="The tracking number the applicant was given.")
):
    purpose = purpose_of(request)
    application = desk.desk_application(tracking_number, department_ids=[request.machine_client.department_id])
    if application is None:
        # Another department's application and an unknown number get the same answer.
        raise NotFound(_("Your department decides no application with this tracking number."))
    enterprise = application.applicant_enterprise if application.applicant_enterprise_id else None
    person = application.applicant_person
    record(
        request,
        endpoint=APPLICATION_STATUS,
        subject_id=enterprise.credit_code if enterprise else person.resident_id,
        purpose=purpose,
        found=True,
    )
    full = sees_full_identifiers(request)
    numbers = () if full else (person.resident_id, enterprise.credit_code if enterprise else "")
    version = application.item_version
    return {
        "tracking_number": application.tracking_number,
        "state": application.state,
        "state_label": str(application.get_state_display()),
        "item": {"code": version.item.code, "name_zh": version.name_zh, "name_en": version.name_en},
        "department": application.department,
        "channel": application.channel,
        "applicant": _applicant(application, full=full),
        "submitted_at": application.submitted_at,
        "accepted_at": application.accepted_at,
        "decided_at": application.decided_at,
        "due_on": application.due_on,
        "due_provisional": application.due_provisional,
        "extended": application.extended,
        "timeline": [
            {
                "action": event.action,
                "action_label": str(event.action_label),
                "from_state": event.from_state,
                "to_state": event.to_state,
                "at": event.at,
                "note": _masked_note(event.note, numbers=numbers),
                "extension_days": (event.data or {}).get("days"),
                "corrections": [
                    {
                        "name": str(entry.get("name", "")),
                        "problem": _masked_note(str(entry.get("problem") or ""), numbers=numbers),
                        "remedy": str(entry.get("remedy") or ""),
                    }
                    for entry in event.correction_items
                ],
            }
            for event in application.events.all()
        ],
    }
