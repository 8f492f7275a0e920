"""Submitting an application on a person's behalf (scope applications:write).

The endpoint is thin: `api.submissions.application_submit_for` runs the
services every channel runs, and its refusals come back as problem details
with the services' own (translated) messages.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema

from api.auth import MachineToken
from api.models import Scope
from api.problems import Problem
from api.submissions import FileInput, IdempotencyKeyReused, SubmissionInput, application_submit_for
from services.services import ItemNotOnList

router = Router(tags=["applications"])
WRITE = MachineToken(Scope.APPLICATIONS_WRITE)
SECURITY = [{"MachineToken": [Scope.APPLICATIONS_WRITE]}]
# base64 adds a third: a file of UPLOAD_MAX_BYTES stays under the request's size limit only if small enough.
MAX_FILES = 20


class ApplicantIn(Schema):
    resident_id: str = Field(description="The person's resident ID number (18 characters).", max_length=18)
    real_name: str = Field(description="The name on the ID; a person already registered must match it.", max_length=60)


class EnterpriseIn(Schema):
    credit_code: str = Field(description="The enterprise's unified social credit code.", max_length=18)
    name: str = Field(description="Its registered name; an enterprise already registered must match it.", max_length=200)


class FileIn(Schema):
    material: str = Field(description="The material's Chinese name (name_zh in the catalogue's item terms).")
    name: str = Field("file", description="The file's name.", max_length=200)
    content_base64: str = Field(
        description="The file, base64-encoded: PDF, JPEG or PNG, judged by its content; at most UPLOAD_MAX_BYTES.",
        json_schema_extra={"contentEncoding": "base64"},
    )


class SubmissionIn(Schema):
    item: str = Field(description="The item's code on the published list.", max_length=40)
    applicant: ApplicantIn = Field(description="The person who applies (for an enterprise: its agent).")
    enterprise: EnterpriseIn | None = Field(None, description="The enterprise applied for, for enterprise items.")
    answers: dict[str, str | int | float | bool | None] = Field(
        default_factory=dict, description="The form's answers by field key (the item's fields in the catalogue)."
    )
    delivery: str = Field("electronic", description="electronic or post.")
    delivery_address: str = Field("", description="The postal address, for delivery by post.", max_length=300)
    licenses: dict[str, str] = Field(
        default_factory=dict,
        description="Materials given by a license the applicant holds: material's Chinese name → license number.",
    )
    files: list[FileIn] = Field(default_factory=list, max_length=MAX_FILES, description="Materials given as files.")
    declaration: bool = Field(description="The applicant's declaration that the application is true and complete.")


class SubmissionOut(Schema):
    tracking_number: str
    query_code: str = Field(description="With the tracking number, the applicant tracks the application at /track/.")
    state: str
    channel: str
    item: str
    department: str
    submitted_at: str
    due_on: str | None


class Invalid(Problem):
    status = 422
    kind = "invalid-application"


class NotOnList(Problem):
    status = 422
    kind = "not-on-list"


class KeyReused(Problem):
    status = 422
    kind = "idempotency-key-reused"


class Forbidden(Problem):
    status = 403
    kind = "not-allowed"


def _errors(exc: ValidationError) -> list[dict]:
    if not hasattr(exc, "error_dict"):
        return [{"location": ["body"], "message": message, "code": "invalid"} for message in exc.messages]
    return [
        {
            "location": ["body"] + ([] if key == NON_FIELD_ERRORS else key.split(".")),
            "message": message,
            "code": error.code or "invalid",
        }
        for key, errors in exc.error_dict.items()
        for error in errors
        for message in error.messages
    ]


@router.post(
    "",
    response={201: SubmissionOut},
    auth=WRITE,
    url_name="applications_submit",
    summary="Submit an application on a person's behalf",
    description=(
        "The same checks as on the portal and at the window: the item must be on the published list and "
        "applied for online, the answers must fit the item's form, every required material must be given, "
        "and the declaration confirmed. Send an Idempotency-Key to make a retry safe."
    ),
    openapi_extra={"security": SECURITY},
)
def applications_submit(
    request,
    payload: SubmissionIn,
    idempotency_key: str = Header("", alias="Idempotency-Key", max_length=255),
):
    data = SubmissionInput(
        item_code=payload.item,
        resident_id=payload.applicant.resident_id,
        real_name=payload.applicant.real_name,
        enterprise_credit_code=payload.enterprise.credit_code if payload.enterprise else "",
        enterprise_name=payload.enterprise.name if payload.enterprise else "",
        answers={key: "" if value is None else value for key, value in payload.answers.items()},
        delivery=payload.delivery,
        delivery_address=payload.delivery_address,
        licenses=payload.licenses,
        files=[FileInput(material=f.material, name=f.name, content_base64=f.content_base64) for f in payload.files],
        declaration=payload.declaration,
    )
    try:
        outcome = application_submit_for(
            client=request.machine_client, data=data, raw=payload.dict(), idempotency_key=idempotency_key
        )
    except ItemNotOnList as exc:
        raise NotOnList(exc.messages[0], errors=[{"location": ["body", "item"], "message": exc.messages[0], "code": exc.reason}]) from None
    except IdempotencyKeyReused:
        raise KeyReused(_("This Idempotency-Key was used with a different request. Use a new key for a new application.")) from None
    except PermissionDenied as exc:
        raise Forbidden(str(exc) or _("This client may not do this.")) from None
    except ValidationError as exc:
        errors = _errors(exc)
        raise Invalid(
            errors[0]["message"] if len(errors) == 1 else _("The application has errors: see “errors” for where and what."),
            errors=errors,
        ) from None
    response = JsonResponse(outcome.body, status=outcome.status, json_dumps_params={"ensure_ascii": False})
    if outcome.replayed:
        response["Idempotent-Replayed"] = "true"
    return response
