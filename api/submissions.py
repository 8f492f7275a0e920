"""Applications submitted by a departmental system on a person's behalf (channel "api").

`application_submit_for` is the API's write. It is the window's sequence
with the system in the clerk's place, through the same services of
`approvals.services`: the applicant is found or registered as at the counter
(`portal.services`), the draft is started (the list guard first), the answers
are saved and validated against the item's form, the materials are given
(a license by its number, through `licenses.services`, or a file through
`attachment_add` and its content checks), and the draft is submitted with the
declaration. One transaction: whatever is refused leaves nothing behind.

With an Idempotency-Key, the `Submission` row is claimed first under the
unique (client, key): a retry, even a concurrent one, gets the first
answer again and never a second application; the same key with another body
is refused.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import MachineClient, Submission
from approvals import services as workflow
from approvals.models import Application
from licenses.models import License
from licenses.services import use_license_for_material
from portal import services as identity


class IdempotencyKeyReused(Exception):
    """The key was used before with a different request."""


@dataclass
class FileInput:
    material: str  # the material's Chinese name, as the catalogue gives it
    name: str
    content_base64: str


@dataclass
class SubmissionInput:
    item_code: str
    resident_id: str
    real_name: str
    answers: dict
    declaration: bool
    enterprise_credit_code: str = ""
    enterprise_name: str = ""
    delivery: str = Application.Delivery.ELECTRONIC
    delivery_address: str = ""
    licenses: dict[str, str] = field(default_factory=dict)  # material's Chinese name → license number
    files: list[FileInput] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    status: int
    body: dict
    replayed: bool = False


def request_hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


@transaction.atomic
def client_account(client: MachineClient):
    """The account `client` acts through in the workflow: made once, never able to sign in."""
    client = MachineClient.objects.select_for_update().get(pk=client.pk)
    if client.account_id is None:
        account = get_user_model()(email=f"{client.client_id.lower()}@machine-clients.onegate.invalid", is_active=False)
        account.set_unusable_password()
        account.save()
        client.account = account
        client.save(update_fields=["account"])
    return client.account


def _with_prefix(error: ValidationError, prefix: str) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError({f"{prefix}.{key}": value for key, value in error.error_dict.items()})
    return ValidationError({prefix: error.messages})


def _applicant(data: SubmissionInput):
    try:
        person = identity.person_register(real_name=data.real_name, resident_id=data.resident_id)
    except ValidationError as exc:
        raise _with_prefix(exc, "applicant") from None
    enterprise = None
    if data.enterprise_credit_code:
        try:
            enterprise = identity.enterprise_register_walk_in(name=data.enterprise_name, credit_code=data.enterprise_credit_code)
        except ValidationError as exc:
            raise _with_prefix(exc, "enterprise") from None
    return person, enterprise


def _materials(application: Application, data: SubmissionInput, *, actor, at) -> None:
    by_name = {material.name_zh: material for material in application.item_version.materials.all()}
    errors: dict[str, list[str]] = {}
    for name, number in data.licenses.items():
        where = f"licenses.{name}"
        material = by_name.get(name)
        license = License.objects.filter(number=(number or "").strip()).first()
        if material is None:
            errors[where] = [_("This material is not asked for by this item.")]
        elif license is None:
            errors[where] = [_("There is no license with the number %(number)s.") % {"number": number}]
        else:
            try:
                use_license_for_material(application=application, actor=actor, material=material, license=license, at=at)
            except ValidationError as exc:
                errors[where] = exc.messages
    for index, given in enumerate(data.files):
        where = f"files.{index}"
        material = by_name.get(given.material)
        if material is None:
            errors[where] = [_("This material is not asked for by this item.")]
            continue
        try:
            content = base64.b64decode(given.content_base64, validate=True)
        except (binascii.Error, ValueError):
            errors[where] = [_("The file is not valid base64.")]
            continue
        upload = SimpleUploadedFile(given.name or "file", content)
        try:
            workflow.attachment_add(application=application, actor=actor, material=material, upload=upload, at=at)
        except ValidationError as exc:
            errors[where] = exc.messages
    if errors:
        raise ValidationError(errors)


def response_body(application: Application) -> dict:
    return {
        "tracking_number": application.tracking_number,
        "query_code": application.query_code,
        "state": application.state,
        "channel": application.channel,
        "item": application.item_version.item.code,
        "department": application.department.code,
        "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
        "due_on": application.due_on.isoformat() if application.due_on else None,
    }


def _submit(*, client: MachineClient, data: SubmissionInput, at: datetime.datetime) -> Application:
    actor = client_account(client)
    person, enterprise = _applicant(data)
    application = workflow.application_start(
        actor=actor,
        item_code=data.item_code,
        person=person,
        enterprise=enterprise,
        channel=Application.Channel.API,
        at=at,
    )
    if application.department_id != client.department_id:
        raise PermissionDenied(_("This client submits applications for its own department's items only."))
    saved = workflow.application_save(
        application=application,
        actor=actor,
        data={key: value for key, value in data.answers.items()},
        delivery=data.delivery,
        delivery_address=data.delivery_address,
        at=at,
    )
    if saved.errors:
        raise ValidationError({f"answers.{key}" if key not in ("delivery", "delivery_address") else key: value
                               for key, value in saved.errors.items()})
    _materials(application, data, actor=actor, at=at)
    try:
        return workflow.application_submit(application=application, actor=actor, declaration=data.declaration, at=at)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        answers = {field.key for field in application.item_version.fields.all()}
        raise ValidationError(
            {f"answers.{key}" if key in answers else key: value for key, value in exc.error_dict.items()}
        ) from None


def _replay(record: Submission, digest: str) -> Outcome:
    if record.request_sha256 != digest:
        raise IdempotencyKeyReused()
    return Outcome(status=record.response_status, body=record.response_body, replayed=True)


def application_submit_for(
    *, client: MachineClient, data: SubmissionInput, raw: dict, idempotency_key: str = "", at=None
) -> Outcome:
    """Submit an application for the applicant `data` names; answer 201 with its tracking number.

    `raw` is the request as received, hashed to recognise a retry. Raises
    ValidationError (the services' messages, keyed by where), PermissionDenied,
    ItemNotOnList, or IdempotencyKeyReused.
    """
    at = at or timezone.now()
    key = (idempotency_key or "").strip() or None
    digest = request_hash(raw)
    if key:
        existing = Submission.objects.filter(client=client, idempotency_key=key, response_status__isnull=False).first()
        if existing is not None:
            return _replay(existing, digest)
    try:
        with transaction.atomic():
            # The claim comes first: a concurrent request with the same key waits here for this
            # transaction, then fails on the unique constraint and reads the answer it stored.
            record = Submission.objects.create(client=client, idempotency_key=key, request_sha256=digest, created_at=at)
            application = _submit(client=client, data=data, at=at)
            record.application = application
            record.response_status = 201
            record.response_body = response_body(application)
            record.save(update_fields=["application", "response_status", "response_body"])
    except IntegrityError:
        if not key:
            raise
        existing = Submission.objects.filter(client=client, idempotency_key=key).first()
        if existing is None or existing.response_status is None:
            raise
        return _replay(existing, digest)
    return Outcome(status=201, body=record.response_body)


