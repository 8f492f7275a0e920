"""Public tracking: the reads. The look-up of a tracking number with its query
code (the same work whether the number exists or not), and what the status
page may show: no personal data, no notes, no names of who acted."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext_lazy as _

from approvals.models import Application, BundleApplication, CorrectionNotice
from approvals.workflow import CLOCKED_STATES, State
from deadlines.selectors import stored_calendar
from deadlines.workdays import CalendarUnavailable
from services.models import Material

# Compared against when the number is unknown: never a real code (the
# alphabet has no "0"), and as long as one.
_DUMMY_CODE = b"00000000"

# The state in plain words, for anyone holding the query code.
PLAIN_STATE = {
    State.SUBMITTED: _("Received. The department has not accepted it yet."),
    State.ACCEPTED: _("Accepted. The department is working on it."),
    State.IN_REVIEW: _("Being reviewed by the department."),
    State.CORRECTION: _(
        "Waiting for corrections from the applicant. The time limit is stopped until they are resubmitted."
    ),
    State.SUSPENDED: _(
        "Paused for a special procedure, such as an expert review or a public notice. "
        "The time limit is stopped meanwhile."
    ),
    State.APPROVED: _("Approved."),
    State.DENIED: _("Denied."),
    State.NOT_ACCEPTED: _("Not accepted."),
    State.WITHDRAWN: _("Withdrawn by the applicant."),
}


def tracked_application(number: str, code: str) -> Application | None:
    """The submitted application with this tracking number and query code, or None.

    Does the same work whether the number exists or not: one look-up and one
    constant-time comparison.
    """
    row = (
        Application.objects.submitted()
        .filter(tracking_number=number)
        .values_list("pk", "query_code")
        .first()
    )
    pk, real = row if row is not None else (None, "")
    matches = hmac.compare_digest(real.encode() if pk else _DUMMY_CODE, code.encode())
    if pk is None or not matches:
        return None
    return Application.objects.select_related("item_version", "department").get(pk=pk)


@dataclass(frozen=True)
class Step:
    label: str
    at: datetime


@dataclass(frozen=True)
class Corrections:
    materials: list[str]  # catalogue names of the materials asked for
    others: int  # items typed in by the department, not shown here


@dataclass(frozen=True)
class Status:
    application: Application
    plain_state: str
    timeline: list[Step]
    working_days_left: int | None
    corrections: Corrections | None


def tracking_status(application: Application, *, today: date) -> Status:
    timeline = [Step(event.action_label, event.at) for event in application.events.order_by("at", "id")]
    return Status(
        application=application,
        plain_state=PLAIN_STATE.get(application.state, ""),
        timeline=timeline,
        working_days_left=_working_days_left(application, today=today),
        corrections=_open_corrections(application),
    )


def _working_days_left(application: Application, *, today: date) -> int | None:
    if application.state not in CLOCKED_STATES or application.due_on is None or application.due_on < today:
        return None
    try:
        return stored_calendar(today=today).working_days_between(today, application.due_on)
    except CalendarUnavailable:
        return None


def _open_corrections(application: Application) -> Corrections | None:
    if application.state != State.CORRECTION:
        return None
    notice = CorrectionNotice.objects.filter(application=application, resolved_at__isnull=True).first()
    if notice is None:
        return None
    material_ids = [item.get("material") for item in notice.items if item.get("material")]
    names = {
        m.pk: m.name
        for m in Material.objects.filter(pk__in=material_ids, item_version_id=application.item_version_id)
    }
    listed = [names[pk] for pk in dict.fromkeys(material_ids) if pk in names]
    others = sum(1 for item in notice.items if item.get("material") not in names)
    return Corrections(materials=listed, others=others)


def tracked_bundle(number: str, code: str) -> BundleApplication | None:
    """The bundle application with this tracking number and query code, or None (one look-up, one comparison)."""
    row = BundleApplication.objects.filter(tracking_number=number).values_list("pk", "query_code").first()
    pk, real = row if row is not None else (None, "")
    matches = hmac.compare_digest(real.encode() if pk else _DUMMY_CODE, code.encode())
    if pk is None or not matches:
        return None
    return BundleApplication.objects.select_related("bundle_version").get(pk=pk)


@dataclass(frozen=True)
class BundleStatus:
    bundle: BundleApplication
    members: list[Status]


def bundle_tracking_status(bundle: BundleApplication, *, today: date) -> BundleStatus:
    """Each member as single-item tracking shows it; members still waiting for another have no timeline."""
    members = bundle.members.select_related("item_version", "department", "bundle_after__item_version").order_by("id")
    return BundleStatus(bundle=bundle, members=[tracking_status(member, today=today) for member in members])
