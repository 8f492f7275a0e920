"""The comprehensive window (综合窗口): the visit ledger, and the few writes
that only the counter makes.

A window application follows exactly the online code path: it is started,
saved, given its files, submitted, accepted and corrected by the functions
in `approvals.services`. What is added here is what only happens in person:
each visit is written to the ledger (最多跑一次, "run at most once"), and the
counter prints the acceptance receipt and the one-time correction notice.

Counting visits: a visit about an application counts the visits already
recorded for that application; a visit about an item without an application
(asking for advice, say) counts the same person's earlier visits about the
same item that were not tied to an application either. A visit whose number
is beyond the item's `max_visits` is a violation; the clerk must say why.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from approvals import services as workflow
from approvals.bundles import bundle_submit
from approvals.models import Application, ApplicationEvent, CorrectionNotice, Visit
from approvals.window.hooks import receipt_rating_link
from approvals.workflow import Action, State
from portal.models import Person, User
from portal.pdf import bilingual_long_date, bilingual_time, qr_svg, render_pdf
from portal.permissions import require_role
from services.models import ItemVersion


# -- the visit ledger ----------------------------------------------------------------


@dataclass(frozen=True)
class VisitCount:
    """What the next visit would be: its number, and how many the item allows."""

    number: int
    allowed: int

    @property
    def violation(self) -> bool:
        return self.number > self.allowed


def _previous_visits(*, person: Person, application: Application | None, item_version: ItemVersion | None):
    if application is not None:
        if application.bundle_id:
            # A member of a bundle: the visit that took in the whole bundle counts too.
            return Visit.objects.filter(Q(application=application) | Q(bundle_id=application.bundle_id))
        return Visit.objects.filter(application=application)
    return Visit.objects.filter(
        person=person, application__isnull=True, item_version__item_id=item_version.item_id
    )


def visit_count(
    *, person: Person, application: Application | None = None, item_version: ItemVersion | None = None
) -> VisitCount:
    """The number the next visit about `application` (or `item_version`) would get."""
    if application is not None:
        item_version = application.item_version
    if item_version is None:
        raise ValidationError({"item": _("Choose the application or the item the visit is about.")})
    previous = _previous_visits(person=person, application=application, item_version=item_version).count()
    return VisitCount(number=previous + 1, allowed=item_version.max_visits)


def _visit_reason_message(count: VisitCount) -> str:
    return _(
        "This is visit %(number)d, but the item allows at most %(allowed)d. "
        "Give the reason for the extra visit: it is recorded as a “run at most once” violation."
    ) % {"number": count.number, "allowed": count.allowed}


def _visit_write(count: VisitCount, reason: str, **fields) -> Visit:
    """Write the visit `count` numbers; one beyond what the items allow needs the clerk's reason."""
    reason = (reason or "").strip()
    if count.violation and not reason:
        raise ValidationError({"reason": _visit_reason_message(count)})
    visit = Visit(number=count.number, allowed=count.allowed, violation=count.violation, reason=reason, **fields)
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def visit_record(
    *,
    clerk: User,
    person: Person,
    application: Application | None = None,
    item_version: ItemVersion | None = None,
    purpose: str,
    reason: str = "",
    at: datetime.datetime,
) -> Visit:
    """Write one in-person visit to the ledger.

    A visit beyond what the item allows is a violation and needs the clerk's
    reason. A visit about an application also appears on its timeline.
    """
    require_role(clerk, "clerk")
    if purpose not in Visit.Purpose.values:
        raise ValidationError({"purpose": _("Choose the purpose of the visit.")})
    if application is not None:
        # The lock serialises visits to one application, so that each gets its own number.
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("item_version__item", "department", "applicant_person", "applicant_enterprise")
            .get(pk=application.pk)
        )
        if not workflow.can_view(clerk, application) or application.channel != Application.Channel.WINDOW:
            raise PermissionDenied(_("You cannot see this application."))
        item_version = application.item_version
        department_id = application.department_id
    else:
        if item_version is None:
            raise ValidationError({"item": _("Choose the application or the item the visit is about.")})
        Person.objects.select_for_update().filter(pk=person.pk).first()
        department_id = item_version.item.department_id
    count = visit_count(person=person, application=application, item_version=item_version)
    visit = _visit_write(
        count,
        reason,
        person=person,
        application=application,
        item_version=item_version,
        department_id=department_id,
        purpose=purpose,
        clerk=clerk,
        at=at,
    )
    reason = visit.reason
    if application is not None:
        ApplicationEvent.objects.create(
            application=application,
            action=Action.VISIT,
            from_state=application.state,
            to_state=application.state,
            actor=clerk,
            note=reason,
            data={
                "visit": visit.pk,
                "purpose": purpose,
                "number": count.number,
                "allowed": count.allowed,
                "violation": count.violation,
                # The shared timeline lists `data.items` (a correction's lines); without the
                # key, the template would iterate the dict's own items() instead.
                "items": [],
            },
            at=at,
        )
    return visit


# -- submitting at the window ------------------------------------------------------------


def _window_application(application: Application) -> None:
    if application.channel != Application.Channel.WINDOW:
        raise PermissionDenied(_("This application was not made at the window."))


@transaction.atomic
def window_submit(
    *, application: Application, clerk: User, declaration: bool, reason: str = "", at: datetime.datetime
) -> Application:
    """Submit a window draft for the applicant, and record their visit.

    Everything wrong is reported at once: the submission's problems and a
    missing reason for an extra visit. The submission itself is the online
    one, `approvals.services.application_submit`.
    """
    _window_application(application)
    count = visit_count(person=application.applicant_person, application=application)
    if count.violation and not (reason or "").strip():
        problems = dict(workflow.submission_problems(application))
        if not declaration:
            problems["declaration"] = [_("Confirm the declaration to submit.")]
        problems["reason"] = [_visit_reason_message(count)]
        raise ValidationError(problems)
    visit_record(
        clerk=clerk,
        person=application.applicant_person,
        application=application,
        purpose=Visit.Purpose.SUBMIT,
        reason=reason,
        at=at,
    )
    return workflow.application_submit(application=application, actor=clerk, declaration=declaration, at=at)


@transaction.atomic
def window_resubmit(*, application: Application, clerk: User, reason: str = "", at: datetime.datetime) -> Application:
    """The applicant brought the corrections to the window: record the visit and resubmit."""
    _window_application(application)
    count = visit_count(person=application.applicant_person, application=application)
    if count.violation and not (reason or "").strip():
        problems = dict(workflow.submission_problems(application))
        problems["reason"] = [_visit_reason_message(count)]
        raise ValidationError(problems)
    visit_record(
        clerk=clerk,
        person=application.applicant_person,
        application=application,
        purpose=Visit.Purpose.CORRECTION,
        reason=reason,
        at=at,
    )
    return workflow.application_resubmit(application=application, actor=clerk, at=at)


# -- a bundle at the window -------------------------------------------------------------------


def bundle_visit_count(item_versions) -> VisitCount:
    """The visit that takes a bundle in: the first, allowed when any of its items allows a visit."""
    return VisitCount(number=1, allowed=max((version.max_visits for version in item_versions), default=0))


@transaction.atomic
def window_bundle_intake(
    *,
    clerk: User,
    person: Person,
    bundle_code: str,
    answers: dict,
    uploads: dict[str, list],
    declaration: bool,
    enterprise=None,
    chosen=(),
    stand_ins: dict | None = None,
    delivery: str = Application.Delivery.ELECTRONIC,
    delivery_address: str = "",
    reason: str = "",
    at: datetime.datetime,
):
    """Take in a whole bundle at the counter: one submission, and ONE visit in the ledger.

    The bundle is submitted by `approvals.bundles.bundle_submit` (the online
    path, with the clerk acting); its members are window applications but
    record no visit of their own: the applicant came once, for the bundle.
    The visit may be one more than the members allow (all of them fully
    online: none); then, as for an item, the clerk gives the reason, or
    nothing is taken in. Later visits about a member count this one.
    """
    require_role(clerk, "clerk")
    bundle = bundle_submit(
        actor=clerk,
        bundle_code=bundle_code,
        answers=answers,
        uploads=uploads,
        declaration=declaration,
        chosen=chosen,
        stand_ins=stand_ins,
        person=person,
        enterprise=enterprise,
        channel=Application.Channel.WINDOW,
        delivery=delivery,
        delivery_address=delivery_address,
        at=at,
    )
    count = bundle_visit_count([m.item_version for m in bundle.members.select_related("item_version")])
    _visit_write(
        count,
        reason,
        person=person,
        bundle=bundle,
        department=bundle.bundle_version.bundle.department,
        purpose=Visit.Purpose.SUBMIT,
        clerk=clerk,
        at=at,
    )
    return bundle


# -- the counter's one form ---------------------------------------------------------------


@dataclass
class RefusedFile:
    material_id: int
    name: str  # the file's name, as uploaded
    error: ValidationError


@dataclass
class WindowEdit:
    """What became of the counter's form: saved, attached, submitted, and every problem keyed by field."""

    application: Application
    errors: dict[str, list[str]]  # the answers' and the delivery's (saved as typed all the same)
    refused_files: list[RefusedFile] = field(default_factory=list)
    stored: int = 0  # files attached
    submitted: bool = False
    # What stops the submission, keyed by field ("declaration", "reason", "materials", "__all__", an answer's key).
    submit_errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def saved_cleanly(self) -> bool:
        return not self.errors and not self.refused_files


@transaction.atomic
def window_edit(
    *,
    application: Application,
    clerk: User,
    answers: dict,
    delivery: str,
    delivery_address: str,
    uploads: dict[int, list],
    submit: bool,
    declaration: bool = False,
    reason: str = "",
    at: datetime.datetime,
) -> WindowEdit:
    """The draft (or the correction) at the counter: save the answers and the delivery, attach the
    scans (`uploads`: material id → files) and, when asked, submit for the applicant (or send the
    corrections) with their visit: one transaction, one moment `at`.

    Nothing typed is lost: the answers and the files that passed their checks are kept even when
    something else is wrong, and the submission is tried only when everything saved cleanly; its
    refusal, or what would refuse it, is reported with the rest rather than raised. A refusal of
    the whole (the application can no longer be changed, or is not the clerk's) is raised.
    """
    correcting = application.state == State.CORRECTION
    saved = workflow.application_save(
        application=application,
        actor=clerk,
        data=answers,
        delivery=delivery,
        delivery_address=delivery_address,
        at=at,
    )
    edit = WindowEdit(application=saved.application, errors=saved.errors)
    materials = {material.pk: material for material in application.item_version.materials.all()}
    for material_id, files in uploads.items():
        for upload in files:
            try:
                workflow.attachment_add(
                    application=application, actor=clerk, material=materials.get(material_id), upload=upload, at=at
                )
            except ValidationError as exc:
                edit.refused_files.append(RefusedFile(material_id, upload.name, exc))
            else:
                edit.stored += 1
    if not submit:
        return edit
    if not edit.saved_cleanly:
        # Say at once everything else that would stop the submission.
        missing = workflow.submission_problems(application).get("materials")
        if missing:
            edit.submit_errors["materials"] = missing
        if not correcting and not declaration:
            edit.submit_errors["declaration"] = [_("Confirm the declaration to submit.")]
        return edit
    try:
        if correcting:
            edit.application = window_resubmit(application=application, clerk=clerk, reason=reason, at=at)
        else:
            edit.application = window_submit(
                application=application, clerk=clerk, declaration=declaration, reason=reason, at=at
            )
    except ValidationError as exc:
        edit.submit_errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    else:
        edit.submitted = True
    return edit


# -- printed documents ---------------------------------------------------------------------
#
# The receipt and the notice are bilingual by design: every label is printed
# in Chinese and English at once, whatever the language of the page that
# asked for them, so their text is written here and in the PDF templates
# rather than translated.

DELIVERY_LABELS = {
    Application.Delivery.ELECTRONIC: ("电子送达（电子证照夹和电子邮件）", "Electronically (license wallet and email)"),
    Application.Delivery.POST: ("邮寄送达", "By post"),
}


def track_url(application: Application) -> str:
    """Where the receipt's QR code leads: the public tracking page.

    It carries the tracking number (not secret: a window scanner reads it
    from the code to open the application) but never the query code, which
    the tracking page keeps out of URLs.
    """
    return f"{settings.SITE_URL}{reverse('track')}?" + urlencode({"number": application.tracking_number})


def online_url(application: Application) -> str:
    """Where the applicant sees the application and sends corrections online."""
    return settings.SITE_URL + reverse("my_application", args=[application.uid])


def _materials_received(application: Application) -> list[dict]:
    attachments = list(application.attachments.select_related("material"))
    rows = []
    for material in application.item_version.materials.all():
        files = [a for a in attachments if a.material_id == material.pk]
        rows.append({"name_zh": material.name_zh, "name_en": material.name_en, "files": files})
    others = [a for a in attachments if a.material_id is None]
    if others:
        rows.append({"name_zh": "其他材料", "name_en": "Other documents", "files": others})
    return rows


def _rating_link(application: Application, *, clerk: User, at: datetime.datetime) -> str | None:
    """A one-time link that rates the application's latest visit, from whoever provides one."""
    visit = application.visits.select_related("person", "department").order_by("-at", "-id").first()
    if visit is None:
        return None
    return receipt_rating_link(visit=visit, clerk=clerk, at=at)


def receipt_pdf(
    application: Application, *, printed_by: User | None = None, at: datetime.datetime | None = None
) -> bytes:
    """The acceptance receipt (受理回执); before acceptance, the submission receipt (收件回执).

    Printed by a clerk (`printed_by`, at `at`), it also carries a QR code that
    rates the latest visit once, where a rating link is provided; the
    applicant's own copy carries none (they rate from "my office").
    """
    if application.state == State.DRAFT:
        raise ValidationError(_("A draft has no receipt: submit it first."))
    if printed_by is not None and at is None:
        raise ValueError("a receipt printed by a clerk needs the time it is printed")
    version = application.item_version
    rating_url = _rating_link(application, clerk=printed_by, at=at) if printed_by is not None else None
    return render_pdf(
        "approvals/pdf/receipt.html",
        {
            "application": application,
            "version": version,
            "department": application.department,
            "accepted": application.accepted_at is not None,
            "submitted_on": bilingual_time(application.submitted_at),
            "accepted_on": bilingual_time(application.accepted_at),
            "due": bilingual_long_date(application.due_on),
            "delivery": DELIVERY_LABELS.get(application.delivery),
            "materials": _materials_received(application),
            "qr": qr_svg(track_url(application)),
            "track_url": track_url(application),
            "online_url": online_url(application),
            "clerk_name": application.clerk.get_full_name() if application.clerk_id else "",
            "rating_qr": qr_svg(rating_url) if rating_url else None,
            "rating_url": rating_url,
        },
    )


def _notice_rows(notice: CorrectionNotice) -> list[dict]:
    from services.models import Material

    ids = [entry.get("material") for entry in notice.items if entry.get("material")]
    materials = {m.pk: m for m in Material.objects.filter(pk__in=ids)}
    rows = []
    for entry in notice.items:
        material = materials.get(entry.get("material"))
        rows.append(
            {
                "name_zh": material.name_zh if material else entry.get("name", ""),
                "name_en": material.name_en if material else "",
                "problem": entry.get("problem", ""),
                "remedy": entry.get("remedy", ""),
            }
        )
    return rows


def correction_notice_pdf(notice: CorrectionNotice) -> bytes:
    """The one-time correction notice (一次性告知书): everything to correct, at once."""
    application = notice.application
    url = online_url(application)
    return render_pdf(
        "approvals/pdf/correction_notice.html",
        {
            "application": application,
            "notice": notice,
            "version": application.item_version,
            "department": application.department,
            "issued_on": bilingual_time(notice.requested_at),
            "rows": _notice_rows(notice),
            "online_url": url,
            "qr": qr_svg(url),
        },
    )
