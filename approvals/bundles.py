"""Bundle applications ("get one thing done", 高效办成一件事): told once, one form, one set of
materials, one submission, one result.

A bundle application is not a second workflow. `bundle_submit` makes one
`BundleApplication` (its own tracking number and query code) and, in the same
transaction, one ordinary application per included member through the
functions every channel uses (`application_start`, `application_save`,
`attachment_add`, `application_submit`): each lands in its department's desk
and gets its own clock when that department accepts it. A question several
members ask (the same key) is answered once, and a material several members
need (the same Chinese name) is uploaded once and stored once: the others
reference the same file (`attachment_share`).

A member that starts after another (seal engraving after registration) is
kept as a draft linked to it (`Application.bundle_after`) and submitted by
`bundle_member_approved` when that one is approved; `ApprovalsConfig.ready()`
registers it with `approvals.hooks`, with `bundle_state_changed`, which
records the first acceptance and completes the bundle when every required
member is decided.

The members' own submission and correction messages are not sent one by one
(`approvals.services` leaves them to the bundle): the applicant is told once
of the submission, and `bundle_corrections_tell` gathers the open corrections
of a bundle into one notice once no new one has come for a short while
(`BUNDLE_NOTICE_QUIET`), so that corrections asked for by several departments
at once reach the applicant as one notice listing them all.

The bundle's clock runs from the first acceptance to the last decision, in
working days, against the bundle's promised limit (`bundle_clock`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals import hooks
from approvals import services as workflow
from approvals.models import Application, Attachment, BundleApplication, BundleNotice, CorrectionNotice
from approvals.workflow import DECIDED_STATES, Action, State
from deadlines.selectors import stored_calendar
from deadlines.workdays import SLA, CalendarUnavailable
from portal.models import Enterprise, Person, User
from portal.notifications import notify
from portal.permissions import has_role
from services.bundles import BundleTerms, bundle_for_new_application, bundle_terms
from services.formbuilder import form_field

# Corrections asked for within this long of each other reach the applicant as one notice.
BUNDLE_NOTICE_QUIET = datetime.timedelta(minutes=15)

# Answers a person's or an enterprise's record already holds, by the question's key.
_PERSON_ANSWERS = {
    "resident_id": "resident_id",
    "real_name": "real_name",
    "applicant_name": "real_name",
    "legal_representative": "real_name",
    "mobile": "mobile",
    "phone": "mobile",
}
_ENTERPRISE_ANSWERS = {"credit_code": "credit_code", "company_name": "name", "enterprise_name": "name"}


# -- one form ------------------------------------------------------------------------------------------


def bundle_form_class(terms: BundleTerms) -> type[forms.Form]:
    """One form with every member's questions once (by key), labels in the active language.

    A question is required when a required member asks it as required; the
    answers are checked again, member by member, at submission.
    """
    required_keys = {
        f.key for m in terms.members if m.member.required for f in m.item_version.fields.all() if f.required
    }
    form_fields = {}
    for definition in terms.fields:
        field = form_field(definition)
        field.required = definition.key in required_keys
        form_fields[definition.key] = field
    return type("BundleForm", (forms.Form,), form_fields)


def bundle_initial(terms: BundleTerms, *, person: Person | None, enterprise: Enterprise | None = None) -> dict:
    """The answers the applicant's record already gives (resident ID, name, credit code…), then those
    the licenses in their wallet give (`hooks.known_answers`), to prefill the form."""
    keys = {f.key for f in terms.fields}
    initial = {}
    for key, attribute in _PERSON_ANSWERS.items():
        value = getattr(person, attribute, "") if person is not None else ""
        if key in keys and value:
            initial[key] = value
    for key, attribute in _ENTERPRISE_ANSWERS.items():
        value = getattr(enterprise, attribute, "") if enterprise is not None else ""
        if key in keys and value:
            initial[key] = value
    missing = keys - set(initial)
    if missing and (person is not None or enterprise is not None):
        for key, value in hooks.known_answers(person=person, enterprise=enterprise, keys=missing).items():
            if key in missing and value not in ("", None):
                initial[key] = value
    return initial


def _member_errors(errors: dict, prefix: str, problems: dict) -> None:
    for key, messages in problems.items():
        for message in messages:
            text = (
                _("%(item)s: %(problem)s") % {"item": prefix, "problem": message}
                if key in ("materials", "__all__")
                else message
            )
            if text not in errors.setdefault(key, []):
                errors[key].append(text)


def _uploads_for(uploads: dict, name_zh: str) -> list:
    files = uploads.get(name_zh) or []
    return list(files) if isinstance(files, (list, tuple)) else [files]


# -- one submission --------------------------------------------------------------------------------------


@transaction.atomic
def bundle_submit(
    *,
    actor: User,
    bundle_code: str,
    answers: dict,
    uploads: dict[str, list],
    declaration: bool,
    chosen: Iterable[str] = (),
    stand_ins: dict[str, object] | None = None,
    person: Person | None = None,
    enterprise: Enterprise | None = None,
    channel: str = Application.Channel.ONLINE,
    delivery: str = Application.Delivery.ELECTRONIC,
    delivery_address: str = "",
    at: datetime.datetime | None = None,
) -> BundleApplication:
    """Submit a bundle: one tracking number, and one application per included member, all at once.

    `answers` is the one form (by question key); `uploads` maps a material's
    Chinese name to its files, given once for every member that needs it;
    `stand_ins` maps a material's Chinese name to what stands in for its
    file (a held license's id, given through `hooks.material_stand_in` to
    every member that asks for it, 免提交); `chosen` names the optional
    members without a condition that the applicant wants. Members that start
    at once are submitted now; the others wait, as drafts, for the member they follow. Anything refused (the bundle
    or a member off the list, an answer, a material, a permission) leaves
    nothing behind; the errors are keyed by question key, "materials" or
    "declaration".
    """
    at = at or timezone.now()
    version = bundle_for_new_application(code=bundle_code, at=at)
    if not declaration:
        raise ValidationError({"declaration": _("Confirm the declaration to submit.")})
    if channel == Application.Channel.ONLINE:
        person = getattr(actor, "person", None)
        if person is None:
            raise ValidationError(_("Complete your personal profile before you apply."))
    elif person is None:
        raise ValidationError(_("Find or register the applicant first."))
    terms = bundle_terms(bundle_version=version, at=at)
    chosen = sorted(set(chosen))
    included = terms.included(answers, chosen)

    errors: dict[str, list[str]] = {}
    member_answers = {}
    for member in included:
        raw = {f.key: answers.get(f.key, "") for f in member.item_version.fields.all()}
        try:
            member_answers[member.code] = workflow.clean_form_data(member.item_version, raw)
        except ValidationError as exc:
            _member_errors(errors, member.item_version.name, exc.message_dict)
    if errors:
        raise ValidationError(errors)

    bundle = BundleApplication(
        tracking_number=workflow.next_tracking_number(at),
        bundle_version=version,
        applicant_person=person,
        applicant_enterprise=enterprise,
        created_by=actor,
        channel=channel,
        clerk=actor if channel == Application.Channel.WINDOW else None,
        form_data={key: value for answered in member_answers.values() for key, value in answered.items()},
        chosen=chosen,
        submitted_at=at,
    )
    bundle.full_clean(exclude=["bundle_version", "applicant_person", "applicant_enterprise", "created_by", "clerk"])
    bundle.save()

    applications: dict[str, Application] = {}
    stored: dict[str, list[Attachment]] = {}
    for member in included:
        application = workflow.application_start(
            actor=actor,
            item_code=member.code,
            person=person,
            enterprise=enterprise,
            channel=channel,
            bundle=bundle,
            at=at,
        )
        saved = workflow.application_save(
            application=application,
            actor=actor,
            data=member_answers[member.code],
            delivery=delivery,
            delivery_address=delivery_address,
            at=at,
        )
        _member_errors(errors, member.item_version.name, saved.errors)
        for material in application.item_version.materials.all():
            reference = (stand_ins or {}).get(material.name_zh)
            if reference:
                try:
                    hooks.material_stand_in(
                        application=application, actor=actor, material=material, reference=reference, at=at
                    )
                except ValidationError as exc:
                    _member_errors(errors, material.name, {"materials": exc.messages})
                continue
            sources = stored.get(material.name_zh)
            if sources:
                for source in sources:
                    workflow.attachment_share(
                        application=application, actor=actor, material=material, source=source, at=at
                    )
                continue
            for upload in _uploads_for(uploads, material.name_zh):
                try:
                    attachment = workflow.attachment_add(
                        application=application, actor=actor, material=material, upload=upload, at=at
                    )
                except ValidationError as exc:
                    _member_errors(errors, material.name, {"materials": exc.messages})
                else:
                    stored.setdefault(material.name_zh, []).append(attachment)
        applications[member.code] = saved.application
    if errors:
        raise ValidationError(errors)

    codes = {member.member.item_id: member.code for member in included}
    waiting = []
    for member in included:
        application = applications[member.code]
        before = codes.get(member.member.after_id)
        if before is not None:
            application.bundle_after = applications[before]
            application.save(update_fields=["bundle_after"])
            waiting.append(application)
            # It is submitted later, without the applicant: everything it needs is checked now.
            _member_errors(errors, application.item_version.name, workflow.submission_problems(application))
    if errors:
        raise ValidationError(errors)
    for member in included:
        application = applications[member.code]
        if application.bundle_after_id is None:
            try:
                workflow.application_submit(application=application, actor=actor, declaration=True, at=at)
            except ValidationError as exc:
                _member_errors(errors, application.item_version.name, _as_dict(exc))
    if errors:
        raise ValidationError(errors)
    _tell(
        bundle,
        gettext_lazy(
            "We received your application {number} for “{name}”: {count} items, each handled by its department. "
            "Keep the query code {code} to track it."
        ),
        count=len(included),
    )
    return bundle


def _as_dict(exc: ValidationError) -> dict:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def _tell(bundle: BundleApplication, template, **values) -> None:
    recipients = workflow.applicant_users(bundle)
    if not recipients:
        return
    notify(
        recipients=recipients,
        subject=format_lazy("{}: {}", bundle.tracking_number, bundle.bundle_version.name),
        body=format_lazy(
            template,
            number=bundle.tracking_number,
            code=bundle.query_code,
            name=bundle.bundle_version.name,
            **values,
        ),
        link=reverse("my_applications"),
    )


# -- the members' steps (registered with approvals.hooks) --------------------------------------------------


def bundle_member_approved(application: Application) -> None:
    """A bundle member was approved: submit the members that waited for it.

    Runs inside the approving transaction. A member that cannot be submitted
    now (its item left the list meanwhile) stays a draft, in a savepoint of
    its own so that the approval stands, and the applicant is told why.
    """
    if application.bundle_id is None:
        return
    at = application.decided_at or timezone.now()
    followers = Application.objects.filter(bundle_after=application, state=State.DRAFT).select_related("created_by")
    for follower in followers:
        try:
            with transaction.atomic():
                workflow.application_submit(application=follower, actor=follower.created_by, declaration=True, at=at)
        except (ValidationError, PermissionDenied) as exc:
            problem = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            _tell(
                application.bundle,
                gettext_lazy(
                    "In your application {number}, “{item}” could not start after “{before}” was approved: {problem}"
                ),
                item=follower.item_version.name,
                before=application.item_version.name,
                problem=problem,
            )
        else:
            _tell(
                application.bundle,
                gettext_lazy("In your application {number}, “{before}” was approved, so “{item}” has started."),
                item=follower.item_version.name,
                before=application.item_version.name,
            )


def _ended_without_approval(application: Application) -> bool:
    return application.state in DECIDED_STATES and application.state != State.APPROVED


def bundle_state_changed(application: Application, event) -> None:
    """Keep the bundle's record of its members' steps: the first acceptance starts the bundle's
    clock; when every required member is decided (or waits for one that was not approved), the
    bundle is complete and the applicant is told once, with the result of each."""
    if application.bundle_id is None:
        return
    bundle = BundleApplication.objects.select_for_update().get(pk=application.bundle_id)
    if event.action == Action.ACCEPT and bundle.first_accepted_at is None:
        bundle.first_accepted_at = event.at
        bundle.save(update_fields=["first_accepted_at"])
    if event.to_state not in DECIDED_STATES or bundle.state == BundleApplication.State.COMPLETE:
        return
    members = list(bundle.members.select_related("bundle_after", "item_version__item"))
    required = {m.item.code for m in bundle.bundle_version.members.select_related("item") if m.required}
    for member in members:
        if member.item_version.item.code not in required:
            continue
        if member.state in DECIDED_STATES:
            continue
        if member.state == State.DRAFT and member.bundle_after is not None and _ended_without_approval(member.bundle_after):
            continue
        return
    bundle.state = BundleApplication.State.COMPLETE
    bundle.completed_at = event.at
    bundle.save(update_fields=["state", "completed_at"])
    _tell(
        bundle,
        gettext_lazy("Your application {number} for “{name}” is complete: every item is decided. See the results."),
    )


# -- one notice for the corrections ------------------------------------------------------------------------


@transaction.atomic
def bundle_corrections_tell(*, at: datetime.datetime | None = None) -> list[BundleNotice]:
    """Tell each applicant, once, every open correction of their bundle that they have not been told of.

    A bundle is told when its newest untold correction is at least
    `BUNDLE_NOTICE_QUIET` old, so that corrections several departments ask
    for at about the same time make one notice. The notice lists all the
    bundle's open corrections, member by member. Run by
    `approvals.tasks.tell_bundle_corrections` every few minutes.
    """
    at = at or timezone.now()
    untold = (
        CorrectionNotice.objects.select_for_update(of=("self",))
        .filter(application__bundle__isnull=False, bundle_notice__isnull=True, resolved_at__isnull=True)
        .values_list("application__bundle_id", "requested_at")
    )
    newest: dict[int, datetime.datetime] = {}
    for bundle_id, requested_at in untold:
        newest[bundle_id] = max(requested_at, newest.get(bundle_id, requested_at))
    notices = []
    for bundle_id, last in sorted(newest.items()):
        if at - last < BUNDLE_NOTICE_QUIET:
            continue
        bundle = BundleApplication.objects.select_related("bundle_version", "applicant_person__user").get(pk=bundle_id)
        open_notices = list(
            CorrectionNotice.objects.filter(application__bundle=bundle, resolved_at__isnull=True)
            .select_related("application__item_version", "application__department")
            .order_by("application__tracking_number", "requested_at")
        )
        items = [
            {
                "tracking_number": notice.application.tracking_number,
                "item_zh": notice.application.item_version.name_zh,
                "item_en": notice.application.item_version.name_en,
                "department": notice.application.department.name_zh,
                "lines": notice.items,
            }
            for notice in open_notices
        ]
        record = BundleNotice.objects.create(bundle=bundle, items=items, sent_at=at)
        CorrectionNotice.objects.filter(pk__in=[n.pk for n in open_notices], bundle_notice__isnull=True).update(
            bundle_notice=record
        )
        # The items' and materials' Chinese names, so Chinese punctuation between them.
        listing = "；".join(
            f"{entry['tracking_number']} {entry['item_zh']}："
            + "、".join(line.get("name") or "" for line in entry["lines"])
            for entry in items
        )
        _tell(
            bundle,
            gettext_lazy(
                "Your application {number} needs corrections in {count} items. Everything needed is listed "
                "here at once; each item's time limit stops until you resubmit it. {listing}"
            ),
            count=len(items),
            listing=listing,
        )
        notices.append(record)
    return notices


# -- one result, and the bundle's clock ----------------------------------------------------------------------


@dataclass(frozen=True)
class BundleClock:
    """The bundle's time: from the first acceptance to the last decision, in working days."""

    started_on: datetime.date | None
    due_on: datetime.date | None
    finished_on: datetime.date | None
    days_used: int | None
    limit_days: int
    status: str  # an SLA value (on time, due soon, overdue) or "" before any acceptance

    @property
    def on_time(self) -> bool:
        return self.status != SLA.OVERDUE


def bundle_clock(bundle: BundleApplication, *, today: datetime.date | None = None) -> BundleClock:
    """Where the bundle stands against its promise, on `today` (default: today in Shanghai).

    Working days count from the day after the first acceptance, as for an
    item; a bundle finished after its due date is overdue for good.
    """
    limit = bundle.bundle_version.promised_limit_days
    if bundle.first_accepted_at is None:
        return BundleClock(None, None, None, None, limit, "")
    today = today or timezone.localdate()
    started = timezone.localdate(bundle.first_accepted_at)
    finished = timezone.localdate(bundle.completed_at) if bundle.completed_at else None
    try:
        calendar = stored_calendar(today=started)
        due = calendar.add_working_days(started, limit)
        end = finished or today
        used = calendar.working_days_between(started, end)
        status = (SLA.OVERDUE if finished > due else SLA.ON_TIME) if finished else calendar.sla_state(due, at=today)
    except CalendarUnavailable as exc:
        raise ValidationError(str(exc)) from exc
    return BundleClock(started, due, finished, used, limit, str(status))


@dataclass
class MemberResult:
    application: Application
    results: list[dict]  # licenses, from hooks.results

    @property
    def decided(self) -> bool:
        return self.application.state in DECIDED_STATES


@dataclass
class BundleSummary:
    bundle: BundleApplication
    members: list[MemberResult]
    clock: BundleClock

    @property
    def complete(self) -> bool:
        return self.bundle.state == BundleApplication.State.COMPLETE

    @property
    def licenses(self) -> list[dict]:
        return [result for member in self.members for result in member.results]


def bundle_summary(bundle: BundleApplication, *, today: datetime.date | None = None) -> BundleSummary:
    """One result: every member with its decision and what it produced (each license sealed by its own
    department), and the bundle's clock."""
    members = list(
        bundle.members.select_related("item_version__item", "department", "clock").order_by("id")
    )
    return BundleSummary(
        bundle=bundle,
        members=[
            MemberResult(m, hooks.results(m) if m.state == State.APPROVED else []) for m in members
        ],
        clock=bundle_clock(bundle, today=today),
    )


# -- who may read a bundle application -------------------------------------------------------------------


def bundle_for_applicant(user, uid) -> BundleApplication | None:
    """The bundle application `uid` if `user` is its applicant; None for anyone else (they learn nothing)."""
    bundle = (
        BundleApplication.objects.select_related(
            "bundle_version__bundle__department", "bundle_version__event", "applicant_person", "applicant_enterprise"
        )
        .filter(uid=uid)
        .first()
    )
    if bundle is None or not workflow.is_applicant(user, bundle):
        return None
    return bundle


def bundles_of_applicant(user):
    """Every bundle application `user` sees as its applicant (their own and their enterprises'), newest first."""
    if not getattr(user, "is_authenticated", False):
        return BundleApplication.objects.none()
    return (
        BundleApplication.objects.filter(
            Q(applicant_person__user=user, applicant_enterprise__isnull=True)
            | Q(applicant_enterprise__memberships__user=user)
        )
        .distinct()
        .select_related("bundle_version", "applicant_enterprise")
        .order_by("-submitted_at", "-id")
    )


def bundle_for_clerk(user, uid) -> BundleApplication | None:
    """A bundle application taken in at the window, for a window clerk (clerks are city-wide); else None."""
    if not has_role(user, "clerk"):
        return None
    return (
        BundleApplication.objects.select_related("bundle_version__bundle__department", "applicant_person", "applicant_enterprise")
        .filter(uid=uid, channel=Application.Channel.WINDOW)
        .first()
    )
