"""Applications: the writes. Every channel (web, window counter, API, tasks)
calls these functions; they enforce the list, the permissions, the workflow
table (approvals.workflow) and the deadline clock, once.

Each transition locks the application row, checks its state and the actor,
changes it, appends exactly one ApplicationEvent and tells the applicant: the
message in "my office" is written in the same transaction (so it exists only
if the change does), and the email is queued for Celery after the commit.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from approvals import hooks
from approvals.models import (
    Application,
    ApplicationEvent,
    Attachment,
    BundleApplication,
    CorrectionNotice,
    TrackingCounter,
)
from approvals.workflow import TRANSITIONS, Action, Actor, State, extension_room, permitted_actors, refusal
from approvals.workflow import Clock as ClockEffect
from deadlines import clocks
from deadlines.models import ClockPause
from deadlines.selectors import stored_calendar
from deadlines.workdays import CalendarUnavailable
from portal.i18n import lazy_long_date
from portal.models import Enterprise, Person, User
from portal.notifications import notify
from portal.permissions import has_role, membership_role
from portal.uploads import DOCUMENTS, check_upload, store_upload
from services.formbuilder import application_form_class
from services.models import ItemVersion, Material
from services.services import item_for_new_application


class WorkflowError(ValidationError):
    """A step that the workflow does not allow now (wrong state, missing note, …)."""


# A note to the applicant (a reason, a remark) and the lines of a correction notice.
NOTE_MAX_LENGTH = 2000
LEGAL_BASIS_MAX_LENGTH = 1000
# Art. 32: a department decides on acceptance within 5 working days of receiving the materials.
ACCEPTANCE_LIMIT_DAYS = 5
# Art. 45: an excluded period is expected to take 1 to this many working days (a public notice or
# an expert review can take months; longer ones are ended and started again).
EXCLUDED_PERIOD_MAX_DAYS = 250
CORRECTION_NAME_MAX_LENGTH = 150
CORRECTION_TEXT_MAX_LENGTH = 300


# -- who is acting ----------------------------------------------------------------


def applicant_users(application: Application) -> list[User]:
    """The accounts that act as the applicant: the person, or the enterprise's members.

    Of an application or a bundle application (the same applicant fields)."""
    if application.applicant_enterprise_id:
        return list(User.objects.filter(memberships__enterprise_id=application.applicant_enterprise_id))
    user = application.applicant_person.user
    return [user] if user else []


def is_applicant(user, application: Application) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if application.applicant_enterprise_id:
        return membership_role(user, application.applicant_enterprise) is not None
    return application.applicant_person.user_id == user.pk


def _window_clerk(user, application: Application) -> bool:
    return application.channel == Application.Channel.WINDOW and has_role(user, "clerk")


def _api_submitter(user, application: Application) -> bool:
    """The account of the departmental system that made an API application acts for its applicant."""
    return application.channel == Application.Channel.API and application.created_by_id == user.pk


def actor_kinds(user, application: Application) -> set[str]:
    """Every capacity in which `user` may act on `application`."""
    kinds = set()
    if user is None:
        return {Actor.SYSTEM}
    if is_applicant(user, application) or _api_submitter(user, application):
        kinds.add(Actor.APPLICANT)
    if has_role(user, "approver", department=application.department_id):
        kinds.add(Actor.APPROVER)
    if has_role(user, "head", department=application.department_id):
        kinds.add(Actor.HEAD)
    if _window_clerk(user, application):
        kinds.add(Actor.CLERK)
    return kinds


def can_view(user, application: Application) -> bool:
    """The applicant, the department's staff, the window clerk who took it, and supervisors."""
    if not getattr(user, "is_authenticated", False):
        return False
    if application.state == State.DRAFT:
        return (
            is_applicant(user, application)
            or _api_submitter(user, application)
            or (application.channel == Application.Channel.WINDOW and application.clerk_id == user.pk)
        )
    return bool(actor_kinds(user, application)) or has_role(user, "supervisor")


def require_view(user, application: Application) -> None:
    if not can_view(user, application):
        raise PermissionDenied(_("You cannot see this application."))


def _may(transition, user, application: Application) -> bool:
    return bool(permitted_actors(transition, actor_kinds(user, application), application))


def allowed_actions(user, application: Application) -> list[str]:
    """The transitions `user` may make now (for the desk's buttons)."""
    return [
        action
        for action, transition in TRANSITIONS.items()
        if refusal(transition, application) is None and _may(transition, user, application)
    ]


# -- starting and filling in -----------------------------------------------------------


@transaction.atomic
def application_start(
    *,
    actor: User,
    item_code: str,
    person: Person | None = None,
    enterprise: Enterprise | None = None,
    channel: str = Application.Channel.ONLINE,
    bundle: BundleApplication | None = None,
    at: datetime.datetime | None = None,
) -> Application:
    """Open a draft for `item_code`, for `person` (default: the actor) or an enterprise they act for.

    The list guard runs first: an item that is not on the published list
    creates nothing, whatever the channel. At the window the clerk names the
    applicant; through the API (`actor`: the account of a departmental
    system) the system names them, and the item must be one applied for online.
    A member of a bundle application (`bundle`) is started the same way
    (approvals.bundles).
    """
    at = at or timezone.now()
    version = item_for_new_application(code=item_code, at=at, with_terms=False)
    if channel == Application.Channel.WINDOW:
        if not has_role(actor, "clerk"):
            raise PermissionDenied(_("Only window clerks submit at the window."))
        if person is None:
            raise ValidationError(_("Find or register the applicant first."))
    elif channel == Application.Channel.API:
        if person is None:
            raise ValidationError(_("Find or register the applicant first."))
        _check_online(version)
    else:
        person = getattr(actor, "person", None)
        if person is None:
            raise ValidationError(_("Complete your personal profile before you apply."))
        if enterprise is not None and membership_role(actor, enterprise) is None:
            raise PermissionDenied(_("You do not act for this enterprise."))
        _check_online(version)
    _check_audience(version, enterprise)
    application = Application(
        item_version=version,
        department_id=version.item.department_id,
        applicant_person=person,
        applicant_enterprise=enterprise,
        created_by=actor,
        channel=channel,
        clerk=actor if channel == Application.Channel.WINDOW else None,
        bundle=bundle,
        created_at=at,
        updated_at=at,
    )
    application.full_clean(exclude=DATABASE_CHECKED, validate_unique=False, validate_constraints=False)
    application.save()
    return application


def start_problem(version: ItemVersion, enterprise: Enterprise | None) -> str | None:
    """Why the person acting as `enterprise` (None: as themselves) cannot start `version` online,
    or None: the start page says so before "Start now", the same rule `application_start` applies."""
    try:
        _check_online(version)
        _check_audience(version, enterprise)
    except ValidationError as exc:
        return exc.messages[0]
    return None


def _check_online(version: ItemVersion) -> None:
    if not version.applies_online:
        raise ValidationError(
            _("“%(item)s” is handled at the window only; it cannot be applied for online.") % {"item": version.name}
        )


def _check_audience(version: ItemVersion, enterprise: Enterprise | None) -> None:
    from services.models import Audience

    if version.audience == Audience.ENTERPRISE and enterprise is None:
        raise ValidationError(
            _("“%(item)s” is for enterprises. Choose the enterprise you act for before you apply.")
            % {"item": version.name}
        )
    if version.audience == Audience.PERSON and enterprise is not None:
        raise ValidationError(
            _("“%(item)s” is for individuals. Switch to acting for yourself to apply.") % {"item": version.name}
        )


def require_editable(actor, application: Application) -> None:
    """Refuse unless `actor` may change `application`'s answers and materials now.

    The applicant (or the window clerk of a window application), while it is
    a draft or waiting for corrections. Other apps that add to an application
    (a license given as a material) call it inside their own transaction,
    with the application row locked.
    """
    kinds = actor_kinds(actor, application)
    if not ({Actor.APPLICANT, Actor.CLERK} & kinds):
        raise PermissionDenied(_("You cannot change this application."))
    if application.state not in (State.DRAFT, State.CORRECTION):
        raise WorkflowError(_("This application can no longer be changed."))


# What the database enforces on save, so full_clean() on the hot paths checks only the rest:
# the foreign keys, and the unique and check constraints (each re-check is a query, and a
# savepoint with it).
DATABASE_CHECKED = [field.name for field in Application._meta.concrete_fields if field.is_relation]


def clean_form_data(version: ItemVersion, data) -> dict:
    """Validate answers against the item's field definitions; return JSON-ready values."""
    form = application_form_class(version)(data=data)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return {key: _jsonable(value) for key, value in form.cleaned_data.items()}


def _jsonable(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal
        return str(value)
    return value


@dataclass
class DraftResult:
    application: Application
    errors: dict


@transaction.atomic
def application_save(
    *,
    application: Application,
    actor: User,
    data,
    delivery: str | None = None,
    delivery_address: str = "",
    at: datetime.datetime | None = None,
) -> DraftResult:
    """Keep whatever was typed, valid or not; report the errors.

    Nothing typed is lost: the raw answers are stored even when some are
    invalid, and validated again at submission.
    """
    at = at or timezone.now()
    application = Application.objects.select_for_update().get(pk=application.pk)
    require_editable(actor, application)
    errors = {}
    keys = [f.key for f in application.item_version.fields.all()]
    raw = {key: data.get(key, "") for key in keys}
    try:
        cleaned = clean_form_data(application.item_version, raw)
    except ValidationError as exc:
        errors = exc.message_dict
        cleaned = {key: value for key, value in raw.items()}
    application.form_data = cleaned
    if delivery is not None:
        if delivery not in Application.Delivery.values:
            errors["delivery"] = [_("Choose how you want to receive the result.")]
        else:
            application.delivery = delivery
            application.delivery_address = (delivery_address or "").strip()
            if delivery == Application.Delivery.POST and not application.delivery_address:
                errors["delivery_address"] = [_("Enter the postal address for the result.")]
                application.delivery = Application.Delivery.ELECTRONIC
    application.updated_at = at
    application.save(update_fields=["form_data", "delivery", "delivery_address", "updated_at"])
    return DraftResult(application, errors)


@transaction.atomic
def attachment_add(
    *, application: Application, actor: User, material: Material | None, upload, at: datetime.datetime | None = None
) -> Attachment:
    """Store a material file after checking its real type and size."""
    at = at or timezone.now()
    application = Application.objects.select_for_update().get(pk=application.pk)
    require_editable(actor, application)
    if material is not None and material.item_version_id != application.item_version_id:
        raise ValidationError(_("This material is not asked for by this item."))
    kind = check_upload(upload, allowed=DOCUMENTS)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        application=application,
        material=material,
        original_name=(getattr(upload, "name", "") or "file")[-200:],
        kind=kind.name,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
        uploaded_at=at,
        # Files sent during a correction belong to its round, so that everyone sees what is new.
        round=application.corrections.count() if application.state == State.CORRECTION else 0,
    )
    store_upload(attachment.file, f"{kind.name}.{kind.extension}", upload)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_share(
    *, application: Application, actor: User, material: Material | None, source: Attachment, at: datetime.datetime | None = None
) -> Attachment:
    """Give `application` the file already stored for `source` (another application of the same
    applicant, e.g. a member of the same bundle): one stored file, referenced by both."""
    at = at or timezone.now()
    application = Application.objects.select_for_update().get(pk=application.pk)
    require_editable(actor, application)
    if material is not None and material.item_version_id != application.item_version_id:
        raise ValidationError(_("This material is not asked for by this item."))
    if source.application.bundle_id is None or source.application.bundle_id != application.bundle_id:
        raise PermissionDenied(_("Only the applications of one bundle share their files."))
    attachment = Attachment(
        application=application,
        material=material,
        file=source.file.name,
        original_name=source.original_name,
        kind=source.kind,
        size=source.size,
        sha256=source.sha256,
        uploaded_by=actor,
        uploaded_at=at,
        round=application.corrections.count() if application.state == State.CORRECTION else 0,
    )
    attachment.save()
    return attachment


def _delete_stored_file(attachment: Attachment) -> None:
    """Delete an attachment's stored file, unless another attachment (a bundle's) still uses it."""
    if not Attachment.objects.filter(file=attachment.file.name).exclude(pk=attachment.pk).exists():
        attachment.file.delete(save=False)


@transaction.atomic
def attachment_remove(*, attachment: Attachment, actor: User) -> None:
    application = Application.objects.select_for_update().get(pk=attachment.application_id)
    require_editable(actor, application)
    _delete_stored_file(attachment)
    attachment.delete()


def missing_materials(application: Application) -> list[Material]:
    given = {a.material_id for a in application.attachments.all()}
    given |= hooks.materials_given(application)  # 免提交: e.g. a valid license given instead of a file
    return [m for m in application.item_version.materials.all() if m.required and m.pk not in given]


def submission_problems(application: Application) -> dict[str, list[str]]:
    """Everything that stops a submission, keyed by field (or "materials"/"__all__")."""
    problems: dict[str, list[str]] = {}
    try:
        clean_form_data(application.item_version, application.form_data)
    except ValidationError as exc:
        problems.update(exc.message_dict)
    missing = missing_materials(application)
    if missing:
        problems["materials"] = [
            _("Upload “%(material)s”.") % {"material": material.name} for material in missing
        ]
    if application.delivery == Application.Delivery.POST and not application.delivery_address:
        problems["delivery_address"] = [_("Enter the postal address for the result.")]
    return problems


# -- transitions -------------------------------------------------------------------


def _rebind_to_current_terms(application: Application, *, at) -> None:
    """A draft is submitted under the list as it is at submission; re-check it is still on it."""
    current = item_for_new_application(code=application.item_version.item.code, at=at, with_terms=False)
    if current.pk == application.item_version_id:
        return
    by_name = {m.name_zh: m for m in current.materials.all()}
    for attachment in application.attachments.select_related("material"):
        if attachment.material_id:
            attachment.material = by_name.get(attachment.material.name_zh)
            attachment.save(update_fields=["material"])
    hooks.terms_changed(application=application, materials_by_name=by_name)
    application.item_version = current
    application.department_id = current.item.department_id


def next_tracking_number(at) -> str:
    """The next tracking number of the year of `at`: CITY-YYYY-NNNNNN.

    On PostgreSQL a sequence per year hands them out: taking one never waits
    for another submission's transaction (the year's counter row would be
    locked until commit and line every submission up behind it). A number
    taken by a submission that then rolls back is a gap, never a duplicate.
    SQLite has one writer at a time anyway, so it keeps the counter row.
    """
    year = timezone.localdate(at).year
    if connection.vendor == "postgresql":
        serial = _tracking_sequence_next(year)
    else:
        TrackingCounter.objects.get_or_create(year=year)
        counter = TrackingCounter.objects.select_for_update().get(year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        serial = counter.last
    return f"{settings.CITY_CODE}-{year}-{serial:06d}"


def _tracking_sequence_next(year: int) -> int:
    """nextval of the year's sequence, created on first use after what the counter row issued before it."""
    name = f"approvals_tracking_{year}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(to_regclass(%s))", [name])
        serial = cursor.fetchone()[0]
        if serial is not None:
            return serial
        issued = TrackingCounter.objects.filter(year=year).values_list("last", flat=True).first() or 0
        try:
            # Two first submissions of a year may both create it: the second one's fails, and the
            # sequence is there once the first commits.
            with transaction.atomic():
                cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name} START WITH {issued + 1}")
        except (IntegrityError, ProgrammingError):
            pass
        cursor.execute("SELECT nextval(%s)", [name])
        return cursor.fetchone()[0]


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("item_version", "department", "applicant_person", "clock")
        .get(pk=application.pk)
    )


def _sync_deadline(application: Application, at) -> None:
    clock = application.clock
    if clock is None:
        application.due_on, application.due_provisional, application.sla = None, False, ""
        return
    application.due_on = clock.due_on
    application.due_provisional = clock.provisional
    sla = clock.sla_state(at=timezone.localdate(at)) if clock.state != clock.State.CLOSED else None
    application.sla = sla or ""


def _apply_clock(
    application: Application, transition, *, at, extension_days: int | None, pause: dict | None = None
) -> dict:
    """Apply the transition's clock effect; returns what the timeline records of it (a resumption
    says how many working days were excluded and how far the due date moved)."""
    effect = transition.clock
    clock = application.clock
    record: dict = {}
    try:
        if effect == ClockEffect.START:
            # Accepted by law (Art. 32): the time limit runs from the day the materials were received.
            started = timezone.localdate(application.received_at if application.deemed_accepted else at)
            application.clock = clocks.clock_start(
                accepted_on=started, limit_days=application.item_version.promised_limit_days, at=at
            )
        elif effect == ClockEffect.PAUSE and clock is not None and clock.state == clock.State.RUNNING:
            pause = pause or {}
            application.clock = clocks.clock_pause(
                clock=clock,
                reason=pause.get("reason") or _pause_reason(transition),
                expected_end=pause.get("expected_end"),
                at=at,
            )
        elif effect == ClockEffect.RESUME and clock is not None and clock.state == clock.State.PAUSED:
            application.clock = clocks.clock_resume(clock=clock, at=at)
            record = _excluded(application.clock)
        elif effect == ClockEffect.EXTEND:
            application.clock = clocks.clock_extend(clock=clock, days=extension_days, at=at)
        elif effect == ClockEffect.CLOSE and clock is not None and clock.state != clock.State.CLOSED:
            application.clock = clocks.clock_close(clock=clock, at=at)
    except CalendarUnavailable as exc:
        raise WorkflowError(str(exc)) from exc
    _sync_deadline(application, at)
    return record


def _pause_reason(transition) -> str:
    if transition.action == Action.SUSPEND:
        return ClockPause.Reason.SUSPENSION
    return ClockPause.Reason.CORRECTION


def _excluded(clock) -> dict:
    """What the pause that just ended did: its kind and dates, the working days it excluded,
    and the due date before and after (the timeline and the applicant see this)."""
    pause = clock.pauses.order_by("-resumed_on", "-id").first()
    before = clock.events.filter(kind="paused").order_by("-at", "-id").values_list("old_due_on", flat=True).first()
    calendar = stored_calendar(today=pause.resumed_on)
    return {
        "pause": pause.reason,
        "paused_on": pause.paused_on.isoformat(),
        "resumed_on": pause.resumed_on.isoformat(),
        "excluded_days": calendar.working_days_between(pause.paused_on, pause.resumed_on),
        "due_before": before.isoformat() if before else None,
        "due_after": clock.due_on.isoformat() if clock.due_on else None,
    }


def acceptance_due_on(received: datetime.datetime) -> datetime.date | None:
    """The last day to decide on acceptance (Art. 32): the 5th working day after receipt.
    None when the calendar does not reach that far yet (nobody is then accepted by law)."""
    day = timezone.localdate(received)
    try:
        return stored_calendar(today=day).add_working_days(day, ACCEPTANCE_LIMIT_DAYS)
    except CalendarUnavailable:
        return None


def _track_receipt(application: Application, *, source: str, target: str, at) -> None:
    """Waiting for acceptance starts when the materials arrive (a submission, or corrections asked
    for before acceptance) and ends with any answer: acceptance, refusal, a correction request."""
    if target == State.SUBMITTED and source != State.SUBMITTED:
        application.received_at = at
        application.acceptance_due_on = acceptance_due_on(at)
    elif target != State.SUBMITTED:
        application.acceptance_due_on = None


@transaction.atomic
def _transition(
    application: Application,
    action: str,
    *,
    actor: User | None,
    note: str = "",
    at: datetime.datetime | None = None,
    data: dict | None = None,
    extension_days: int | None = None,
    pause: dict | None = None,
    before_save=None,
) -> Application:
    at = at or timezone.now()
    transition = TRANSITIONS[action]
    application = _locked(application)
    if actor is not None and not _may(transition, actor, application):
        raise PermissionDenied(_("You may not do this to this application."))
    if actor is None and Actor.SYSTEM not in transition.actors:
        raise PermissionDenied(_("This step needs a person to take it."))
    refused = refusal(transition, application)
    if refused:
        raise WorkflowError(refused)
    note = _clean_note(note)
    if transition.needs_note and not note:
        raise ValidationError({"note": _("Give the reason; the applicant will see it.")})
    source = application.state
    if transition.restores_state:
        target = application.resume_state or State.ACCEPTED
        application.resume_state = ""
    elif transition.target is None:
        target = source
    else:
        target = transition.target
    if transition.remembers_state:
        application.resume_state = source
    if transition.once_flag:
        setattr(application, transition.once_flag, True)
    if before_save:
        before_save(application)
    data = {**(data or {}), **_apply_clock(application, transition, at=at, extension_days=extension_days, pause=pause)}
    _track_receipt(application, source=source, target=target, at=at)
    application.state = target
    application.updated_at = at
    if action == Action.SUBMIT:
        application.submitted_at = at
    elif action == Action.ACCEPT:
        application.accepted_at = at
        if actor is not None and Actor.CLERK not in actor_kinds(actor, application):
            application.assignee = actor
    elif action == Action.START_REVIEW and application.assignee_id is None:
        application.assignee = actor
    elif target in (State.APPROVED, State.DENIED, State.NOT_ACCEPTED, State.WITHDRAWN):
        application.decided_at = at
    application.full_clean(exclude=DATABASE_CHECKED, validate_unique=False, validate_constraints=False)
    application.save()
    event = ApplicationEvent.objects.create(
        application=application,
        action=action,
        from_state=source,
        to_state=target,
        actor=actor,
        note=note,
        data=data,
        at=at,
    )
    hooks.state_changed(application, event)  # e.g. the API queues its webhooks after the commit
    _tell_applicant(application, action, note=note, days=extension_days)
    if target == State.APPROVED:  # e.g. the licenses app issues the item's license after the commit
        hooks.application_approved(application)
    return application


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    too_long = _length_problem(note, NOTE_MAX_LENGTH)
    if too_long:
        raise ValidationError({"note": too_long})
    return note


def _length_problem(value: str, limit: int) -> str | None:
    """Django's own (translated) message for a value longer than `limit`, or None."""
    try:
        MaxLengthValidator(limit)(value)
    except ValidationError as exc:
        return exc.messages[0]
    return None


_APPLICANT_NEWS = {
    Action.SUBMIT: gettext_lazy("We received your application {number}. Keep the query code {code} to track it."),
    Action.ACCEPT: gettext_lazy("Your application {number} was accepted. It is due by {due}."),
    Action.NOT_ACCEPT: gettext_lazy("Your application {number} was not accepted. Reason: {note}"),
    Action.START_REVIEW: gettext_lazy("Your application {number} is being reviewed."),
    Action.REQUEST_CORRECTION: gettext_lazy(
        "Your application {number} needs corrections. Everything that is needed is listed at once; "
        "the time limit stops until you resubmit. {note}"
    ),
    Action.RESUBMIT: gettext_lazy("Your corrections to application {number} were received."),
    Action.SUSPEND: gettext_lazy(
        "Your application {number} is suspended for a special procedure; the time limit stops. Reason: {note}"
    ),
    Action.RESUME: gettext_lazy("Work on your application {number} has resumed. It is due by {due}."),
    Action.EXTEND: gettext_lazy("The time limit of your application {number} was extended to {due}. Reason: {note}"),
    Action.APPROVE: gettext_lazy("Your application {number} was approved."),
    Action.DENY: gettext_lazy("Your application {number} was denied. Reason: {note}"),
    Action.WITHDRAW: gettext_lazy("Your application {number} was withdrawn."),
}


_ACCEPTED_BY_LAW = gettext_lazy(
    "Nobody decided on the acceptance of your application {number} within 5 working days of receiving it, "
    "so by law (Art. 32 of the Administrative Licensing Law) it counts as accepted from the day it was "
    "received. It is due by {due}."
)


def _extended_while_stopped(days: int):
    """Extended while the clock is stopped (a correction or a suspension): there is no due date to give yet."""
    return ngettext_lazy(
        "The time limit of your application {number} was extended by {days} working day; the new due date is "
        "set when work resumes. Reason: {note}",
        "The time limit of your application {number} was extended by {days} working days; the new due date is "
        "set when work resumes. Reason: {note}",
        days,
    )


_DECISIONS = (Action.APPROVE, Action.DENY)
# A bundle member's submission and correction requests reach the applicant as one notice for the bundle.
_TOLD_FOR_THE_BUNDLE = (Action.SUBMIT, Action.REQUEST_CORRECTION)
_RATE_PROMPT = gettext_lazy("How did we do? Rate this service within 30 days: {url}")


def _tell_applicant(application: Application, action: str, *, note: str = "", days: int | None = None) -> None:
    template = _APPLICANT_NEWS.get(action)
    if application.bundle_id and action in _TOLD_FOR_THE_BUNDLE:
        # The bundle tells these once for all its members (approvals.bundles).
        return
    recipients = applicant_users(application)
    if template is None or not recipients:
        return
    if action == Action.EXTEND and application.due_on is None:
        template = _extended_while_stopped(days or 0)
    if action == Action.ACCEPT and application.deemed_accepted:
        template = _ACCEPTED_BY_LAW
    due = lazy_long_date(application.due_on) if application.due_on else "—"
    body = format_lazy(
        template, number=application.tracking_number, code=application.query_code, due=due, note=note, days=days
    )
    if action in _DECISIONS:
        # 一事一评: a decision asks the applicant to rate the service (supervision's rating page).
        rate = settings.SITE_URL.rstrip("/") + reverse("ratings_rate_application", args=[application.uid])
        body = format_lazy("{} {}", body, format_lazy(_RATE_PROMPT, url=rate))
    notify(
        recipients=recipients,
        subject=format_lazy(
            "{}: {}", application.tracking_number or "", Action(action).label
        ),
        body=body,
        link=reverse("my_application", args=[application.uid]),
    )


@transaction.atomic
def application_submit(
    *, application: Application, actor: User, declaration: bool, at: datetime.datetime | None = None
) -> Application:
    """Submit a draft: it gets its tracking number; an instant item with complete materials is approved at once."""
    at = at or timezone.now()
    if not declaration:
        raise ValidationError({"declaration": _("Confirm the declaration to submit.")})
    locked = _locked(application)
    _rebind_to_current_terms(locked, at=at)
    problems = submission_problems(locked)
    if problems:
        raise ValidationError(problems)

    def stamp(app):
        app.item_version = locked.item_version
        app.department_id = locked.department_id
        app.tracking_number = app.tracking_number or next_tracking_number(at)
        app.declaration_at = at

    application = _transition(locked, Action.SUBMIT, actor=actor, at=at, before_save=stamp)
    if application.item_version.is_instant:
        application = _transition(application, Action.ACCEPT, actor=None, at=at)
        application = _transition(application, Action.APPROVE, actor=None, at=at)
    return application


def application_accept(*, application, actor, note="", at=None):
    return _transition(application, Action.ACCEPT, actor=actor, note=note, at=at)


def application_not_accept(*, application, actor, note, at=None):
    return _transition(application, Action.NOT_ACCEPT, actor=actor, note=note, at=at)


def application_start_review(*, application, actor, at=None):
    return _transition(application, Action.START_REVIEW, actor=actor, at=at)


def correction_line_problems(line: dict, *, materials: dict[int, Material]) -> dict[str, str]:
    """What is wrong with one line of a one-time correction notice, keyed by the line's field.

    The rule of every channel: a line names a material of the application's
    terms (`materials`, by id) or says in words what is needed, and it says
    what is wrong; what the applicant should do is optional. Each text has
    its length limit.
    """
    problems = {}
    material_id = _material_id(line.get("material"))
    name, problem, remedy = (str(line.get(part) or "").strip() for part in ("name", "problem", "remedy"))
    if material_id is not None and material_id not in materials:
        problems["material"] = _("This material is not asked for by this item.")
    elif material_id is None and not name:
        problems["name"] = _("Say what is needed.")
    if not problem:
        problems["problem"] = (
            _("Say what is wrong with this material.") if material_id is not None else _("Say what is wrong or missing.")
        )
    for part, value, limit in (
        ("name", name, CORRECTION_NAME_MAX_LENGTH),
        ("problem", problem, CORRECTION_TEXT_MAX_LENGTH),
        ("remedy", remedy, CORRECTION_TEXT_MAX_LENGTH),
    ):
        too_long = _length_problem(value, limit)
        if too_long and part not in problems:
            problems[part] = too_long
    return problems


def _material_id(value) -> int | None:
    """A line's material as an id (0 for something that is not one: no material has it)."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _correction_lines(application: Application, items: list[dict]) -> list[dict]:
    """The notice's lines, cleaned (blank lines dropped), or a ValidationError keyed by field."""
    materials = {m.pk: m for m in Material.objects.filter(item_version_id=application.item_version_id)}
    lines, errors = [], {}
    for item in items or []:
        if not any(item.get(part) for part in ("material", "name", "problem", "remedy")):
            continue
        problems = correction_line_problems(item, materials=materials)
        for part, message in problems.items():
            errors.setdefault(part, []).append(message)
        if problems:
            continue
        material = materials.get(_material_id(item.get("material")))
        name = str(item.get("name") or "").strip() or (material.name_zh if material else "")
        lines.append(
            {
                "material": material.pk if material else None,
                "name": name,
                "problem": str(item["problem"]).strip(),
                "remedy": str(item.get("remedy") or "").strip(),
            }
        )
    if errors:
        raise ValidationError(errors)
    if not lines:
        raise ValidationError({"items": _("List at least one item that must be corrected.")})
    return lines


@transaction.atomic
def application_request_correction(*, application, actor, items: list[dict], note: str = "", at=None):
    """Ask for every missing or faulty item at once (一次性告知).

    `items`: [{"material": material id or None, "name": …, "problem": …, "remedy": …}];
    each line must pass `correction_line_problems`, and a material must be
    one of the application's own terms.
    """
    at = at or timezone.now()
    cleaned = _correction_lines(application, items)
    application = _transition(
        application, Action.REQUEST_CORRECTION, actor=actor, note=note, at=at, data={"items": cleaned}
    )
    CorrectionNotice.objects.create(
        application=application,
        items=cleaned,
        requested_by=actor,
        requested_at=at,
        files_before=[{"id": a.pk, "name": a.original_name} for a in application.attachments.all()],
        answers_before=dict(application.form_data or {}),
    )
    return application


@transaction.atomic
def application_resubmit(*, application, actor, at=None):
    at = at or timezone.now()
    locked = _locked(application)
    problems = submission_problems(locked)
    if problems:
        raise ValidationError(problems)
    application = _transition(locked, Action.RESUBMIT, actor=actor, at=at, data=_correction_changes(locked))
    CorrectionNotice.objects.filter(application=application, resolved_at__isnull=True).update(resolved_at=at)
    return application


def _correction_changes(application: Application) -> dict:
    """What the applicant changed since the open correction notice: files added and removed, and the
    labels of the answers that differ (the timeline shows them to the applicant and the desk)."""
    notice = application.corrections.filter(resolved_at__isnull=True).first()
    if notice is None:
        return {}
    attachments = list(application.attachments.all())
    kept = {a.pk for a in attachments}
    before = {entry["id"] for entry in notice.files_before}
    labels = {f.key: {"zh": f.label_zh, "en": f.label_en or f.label_zh} for f in application.item_version.fields.all()}
    now, then = application.form_data or {}, notice.answers_before or {}
    return {
        "added": [a.original_name for a in attachments if a.pk not in before],
        "removed": [entry["name"] for entry in notice.files_before if entry["id"] not in kept],
        "answers": [
            labels.get(key, {"zh": key, "en": key}) for key in sorted(set(now) | set(then)) if now.get(key) != then.get(key)
        ],
    }


def excluded_period_kinds() -> list[tuple[str, str]]:
    """The special procedures whose time is not counted (Art. 45), as (value, label)."""
    return [(kind.value, kind.label) for kind in ClockPause.EXCLUDED_PERIODS]


@transaction.atomic
def application_suspend(*, application, actor, kind: str, expected_days, note: str, at=None):
    """Start an excluded period (Art. 45): a hearing, test, inspection, expert review or public
    notice. The clock stops until it ends; the applicant gets the notice in writing, with what it
    is, how long it should take and that it does not count against the time limit."""
    at = at or timezone.now()
    errors = {}
    if kind not in ClockPause.EXCLUDED_PERIODS:
        errors["kind"] = _("Choose the special procedure: a hearing, a test, an inspection, an expert review or a public notice.")
    try:
        expected_days = int(expected_days)
    except (TypeError, ValueError):
        expected_days = None
    if expected_days is None or not 1 <= expected_days <= EXCLUDED_PERIOD_MAX_DAYS:
        errors["expected_days"] = _("Enter how many working days it should take: 1 to %(max)d.") % {
            "max": EXCLUDED_PERIOD_MAX_DAYS
        }
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate(at)
    try:
        expected_end = stored_calendar(today=today).add_working_days(today, expected_days)
    except CalendarUnavailable as exc:
        raise ValidationError({"expected_days": str(exc)}) from exc
    return _transition(
        application,
        Action.SUSPEND,
        actor=actor,
        note=note,
        at=at,
        pause={"reason": kind, "expected_end": expected_end},
        data={"pause": kind, "expected_days": expected_days, "expected_end": expected_end.isoformat()},
    )


def application_resume(*, application, actor, at=None):
    return _transition(application, Action.RESUME, actor=actor, at=at)


@transaction.atomic
def application_extend(*, application, actor, days: int, note: str, at=None):
    """The department head extends once, with a reason, up to the statutory limit."""
    locked = _locked(application)
    version = locked.item_version
    room = extension_room(locked)
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ValidationError({"days": _("Enter a whole number of working days.")}) from None
    if days < 1 or days > room:
        raise ValidationError(
            {"days": _("Extend by 1 to %(room)d working days: the statutory limit is %(limit)d.")
             % {"room": room, "limit": version.statutory_limit_days}}
            if room
            else {"days": _("This item's promised limit is already its statutory limit; it cannot be extended.")}
        )
    return _transition(locked, Action.EXTEND, actor=actor, note=note, at=at, extension_days=days, data={"days": days})


def application_approve(*, application, actor, note="", at=None):
    return _transition(application, Action.APPROVE, actor=actor, note=note, at=at)


def application_deny(*, application, actor, note, legal_basis: str = "", at=None):
    """Refuse (Art. 38): the reasons are required and printed in the decision, with the legal
    basis (by default the item's own) and the applicant's rights of appeal."""
    legal_basis = " ".join((legal_basis or "").split())
    too_long = _length_problem(legal_basis, LEGAL_BASIS_MAX_LENGTH)
    if too_long:
        raise ValidationError({"legal_basis": too_long})
    return _transition(
        application, Action.DENY, actor=actor, note=note, at=at, data={"legal_basis": legal_basis} if legal_basis else None
    )


@transaction.atomic
def application_deem_accepted(*, application, at=None) -> Application | None:
    """Accept by law (Art. 32) a submission nobody answered by its acceptance deadline.

    Returns the application, or None when it no longer waits (someone answered meanwhile, or its
    deadline has not passed on `at`'s date). The clock runs from the day the materials were received.
    """
    at = at or timezone.now()
    locked = _locked(application)
    if (
        locked.state != State.SUBMITTED
        or locked.acceptance_due_on is None
        or locked.acceptance_due_on >= timezone.localdate(at)
    ):
        return None

    def by_law(app):
        app.deemed_accepted = True

    return _transition(
        locked,
        Action.ACCEPT,
        actor=None,
        at=at,
        before_save=by_law,
        data={"by_law": "32", "received_on": timezone.localdate(locked.received_at).isoformat()},
    )


def application_withdraw(*, application, actor, note="", at=None):
    return _transition(application, Action.WITHDRAW, actor=actor, note=note, at=at)


@transaction.atomic
def application_discard_draft(*, application: Application, actor: User) -> None:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.state != State.DRAFT:
        raise WorkflowError(_("Only drafts can be deleted."))
    require_editable(actor, application)
    if application.bundle_id:
        raise WorkflowError(_("This application is part of a bundle and starts by itself; it cannot be deleted alone."))
    for attachment in application.attachments.all():
        _delete_stored_file(attachment)
    application.delete()


def application_deadline_moved(move: clocks.DeadlineMove) -> None:
    """A calendar change moved an application's due date: keep its copy right, record it, tell the applicant.

    The deadline engine calls this (registered in `ApprovalsConfig.ready()`)
    inside the transaction that saves the move.
    """
    application = Application.objects.select_for_update().filter(clock=move.clock).first()
    if application is None:
        return
    application.due_on, application.due_provisional = move.new_due_on, move.provisional
    application.save(update_fields=["due_on", "due_provisional"])
    ApplicationEvent.objects.create(
        application=application,
        action=Action.DEADLINE_MOVED,
        from_state=application.state,
        to_state=application.state,
        note=f"{move.old_due_on.isoformat()} → {move.new_due_on.isoformat()}",
        at=move.at,
    )
    notify(
        recipients=applicant_users(application),
        subject=format_lazy("{}: {}", application.tracking_number, gettext_lazy("the due date moved")),
        body=format_lazy(
            gettext_lazy(
                "The holiday calendar changed, so application {number} is now due by {new} instead of {old}."
            ),
            number=application.tracking_number,
            new=lazy_long_date(move.new_due_on),
            old=lazy_long_date(move.old_due_on),
        ),
        link=reverse("my_application", args=[application.uid]),
    )
