"""Writes of accountability: cases and their steps, notices, feedback meetings
and their actions. Every permission and rule is checked here; views, tasks and
the demo only call these functions."""

from __future__ import annotations

import datetime
import re
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deadlines.selectors import add_working_days, stored_calendar
from deadlines.workdays import CalendarUnavailable
from portal.models import User
from portal.notifications import notify
from portal.permissions import has_role
from services.models import Department
from supervision.accountability import rules
from supervision.accountability.models import (
    AccountabilityCase,
    AccountabilityEvent,
    AccountabilityNotice,
    CaseSource,
    FeedbackAction,
    FeedbackMeeting,
)
from supervision.accountability.proposals import Proposal
from supervision.accountability.workflow import TRANSITIONS, Action, Actor, Decision, State

NOTE_LIMIT = 4000
FACTS_LIMIT = 4000
EVIDENCE_LIMIT = 20
# Private data that a public notice must never carry: a resident ID number, a mobile number.
PRIVATE_PATTERNS = (re.compile(r"\d{17}[\dXx]"), re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"))


# -- who may do what ---------------------------------------------------------------------


def is_supervisor(user) -> bool:
    return has_role(user, "supervisor")


def actor_kinds(user, case: AccountabilityCase) -> set[str]:
    kinds = set()
    if has_role(user, "supervisor"):
        kinds.add(Actor.SUPERVISOR)
    if case.opened_at is not None and has_role(user, ("head", "approver"), department=case.department_id):
        kinds.add(Actor.DEPARTMENT)
    return kinds


def can_view(user, case: AccountabilityCase) -> bool:
    """Supervisors see every case; a department's head and approvers see its cases once opened."""
    return bool(actor_kinds(user, case))


def require_view(user, case: AccountabilityCase) -> None:
    if not can_view(user, case):
        raise PermissionDenied(_("You do not have permission to do this."))


def allowed_actions(user, case: AccountabilityCase) -> list[str]:
    kinds = actor_kinds(user, case)
    return [
        t.action for t in TRANSITIONS.values() if case.state in t.sources and kinds.intersection(t.actors)
    ]


# -- validation --------------------------------------------------------------------------


def clean_evidence(evidence) -> list[list[str]]:
    """(label, url) pairs: each label given, each URL a site path or an http(s) address."""
    cleaned = []
    for entry in evidence or ():
        label, url = (str(part).strip() for part in entry)
        if not label or not url:
            raise ValidationError({"evidence": _("Each evidence link needs a label and an address.")})
        if not (url.startswith("/") and not url.startswith("//")) and not re.match(r"https?://", url):
            raise ValidationError(
                {"evidence": _("An evidence address must start with / or with http:// or https://.")}
            )
        if len(label) > 200 or len(url) > 500:
            raise ValidationError({"evidence": _("An evidence label or address is too long.")})
        cleaned.append([label, url])
    if len(cleaned) > EVIDENCE_LIMIT:
        raise ValidationError({"evidence": _("Give at most 20 evidence links.")})
    return cleaned


def _clean_text(value: str, field: str, *, required: bool, limit: int, message) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message})
    if len(value) > limit:
        raise ValidationError({field: _("This text is too long.")})
    return value


def private_data_problem(text: str) -> str | None:
    if any(pattern.search(text or "") for pattern in PRIVATE_PATTERNS):
        return _("A public notice must not contain an ID number or a phone number.")
    return None


# -- cases -------------------------------------------------------------------------------


def _number(prefix: str, pk: int, at: datetime.datetime) -> str:
    return f"{prefix}-{timezone.localtime(at).year}-{pk:06d}"


def _event(case, *, action, from_state, actor, note="", evidence=(), at) -> AccountabilityEvent:
    return AccountabilityEvent.objects.create(
        case=case, action=action, from_state=from_state, to_state=case.state, actor=actor, note=note,
        evidence=list(evidence), at=at,
    )


def _new_case(*, department, source, source_key, facts_zh, facts_en, evidence, state, at) -> AccountabilityCase:
    case = AccountabilityCase(
        number=uuid.uuid4().hex[:20], department=department, source=source, source_key=source_key,
        facts_zh=facts_zh, facts_en=facts_en, evidence=evidence, state=state, created_at=at, updated_at=at,
        opened_at=at if state == State.OPENED else None,
    )
    case.full_clean(exclude=["number"])
    case.save()
    case.number = _number("WZ", case.pk, at)
    case.save(update_fields=["number"])
    return case


@transaction.atomic
def case_open(
    *,
    actor: User,
    department: Department,
    facts_zh: str,
    facts_en: str = "",
    evidence=(),
    note: str = "",
    at: datetime.datetime | None = None,
) -> AccountabilityCase:
    """A supervisor opens a case from their own evidence."""
    if not is_supervisor(actor):
        raise PermissionDenied(_("Only supervisors open accountability cases."))
    at = at or timezone.now()
    if department is None:
        raise ValidationError({"department": _("Choose the department the case is about.")})
    facts_zh = _clean_text(
        facts_zh, "facts_zh", required=True, limit=FACTS_LIMIT, message=_("Describe the facts in Chinese.")
    )
    facts_en = _clean_text(facts_en, "facts_en", required=False, limit=FACTS_LIMIT, message="")
    note = _clean_text(note, "note", required=False, limit=NOTE_LIMIT, message="")
    evidence = clean_evidence(evidence)
    if not evidence:
        raise ValidationError({"evidence": _("Give at least one evidence link.")})
    case = _new_case(
        department=department, source=CaseSource.EVIDENCE, source_key="", facts_zh=facts_zh, facts_en=facts_en,
        evidence=evidence, state=State.OPENED, at=at,
    )
    _event(case, action=Action.OPEN, from_state="", actor=actor, note=note, evidence=evidence, at=at)
    _tell_department(case)
    return case


def case_propose(proposal: Proposal, *, at: datetime.datetime | None = None) -> AccountabilityCase | None:
    """The case a fact proposes, or None when the fact already has one (whoever created it first)."""
    at = at or timezone.now()
    if AccountabilityCase.objects.filter(source_key=proposal.key).exists():
        return None
    try:
        with transaction.atomic():
            case = _new_case(
                department=proposal.department, source=proposal.kind, source_key=proposal.key,
                facts_zh=proposal.facts_zh, facts_en=proposal.facts_en,
                evidence=[list(link) for link in proposal.evidence], state=State.PROPOSED, at=at,
            )
            _event(case, action=Action.PROPOSE, from_state="", actor=None, evidence=case.evidence, at=at)
    except IntegrityError:
        return None  # another run proposed it meanwhile
    except ValidationError as exc:
        if "source_key" in getattr(exc, "error_dict", {}) or "__all__" in getattr(exc, "error_dict", {}):
            return None
        raise
    return case


def propose_cases(*, day: datetime.date, sources: list[str] | None = None, at=None) -> list[AccountabilityCase]:
    """Run every proposal source for `day` and create the cases not proposed before."""
    created = []
    for path in rules.PROPOSAL_SOURCES if sources is None else sources:
        for proposal in import_string(path)(day):
            case = case_propose(proposal, at=at)
            if case is not None:
                created.append(case)
    return created


@transaction.atomic
def case_step(
    *,
    case: AccountabilityCase,
    actor: User,
    action: str,
    note: str = "",
    evidence=(),
    decision: str = "",
    notice_title_zh: str = "",
    notice_title_en: str = "",
    notice_text_zh: str = "",
    notice_text_en: str = "",
    at: datetime.datetime | None = None,
) -> AccountabilityCase:
    """Apply one step of the workflow table to `case`, under a row lock, with its event."""
    at = at or timezone.now()
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError(_("This step does not exist."))
    locked = AccountabilityCase.objects.select_for_update().select_related("department").get(pk=case.pk)
    kinds = actor_kinds(actor, locked)
    if not kinds:
        raise PermissionDenied(_("You do not have permission to do this."))
    if not kinds.intersection(transition.actors):
        raise PermissionDenied(_("You may not take this step on this case."))
    if locked.state not in transition.sources:
        raise ValidationError(
            _("This case is %(state)s: this step is not possible now.") % {"state": locked.get_state_display()}
        )
    note = _clean_text(
        note, "note", required=transition.needs_note, limit=NOTE_LIMIT, message=_("Write a note for this step.")
    )
    evidence = clean_evidence(evidence)
    if transition.needs_decision:
        if decision not in Decision.values:
            raise ValidationError({"decision": _("Choose a decision.")})
        if decision == Decision.CRITICISM:
            _validate_notice(notice_title_zh, notice_title_en, notice_text_zh, notice_text_en)
    from_state = locked.state
    locked.state = transition.target
    locked.updated_at = at
    if action == Action.OPEN:
        locked.opened_at = at
    if transition.needs_decision:
        locked.decision = decision
    locked.save(update_fields=["state", "updated_at", "opened_at", "decision"])
    _event(locked, action=action, from_state=from_state, actor=actor, note=note, evidence=evidence, at=at)
    if transition.needs_decision and decision == Decision.CRITICISM:
        _publish_notice(locked, notice_title_zh, notice_title_en, notice_text_zh, notice_text_en, at=at)
    if action == Action.OPEN:
        _tell_department(locked)
    return locked


def _validate_notice(title_zh, title_en, text_zh, text_en) -> None:
    problems = {}
    if not (title_zh or "").strip():
        problems["notice_title_zh"] = _("Give the notice a title in Chinese.")
    if not (text_zh or "").strip():
        problems["notice_text_zh"] = _("Write the notice's public text in Chinese.")
    for field, value in (
        ("notice_title_zh", title_zh), ("notice_title_en", title_en),
        ("notice_text_zh", text_zh), ("notice_text_en", text_en),
    ):
        problem = private_data_problem(value)
        if problem and field not in problems:
            problems[field] = problem
        if len((value or "").strip()) > (200 if "title" in field else FACTS_LIMIT) and field not in problems:
            problems[field] = _("This text is too long.")
    if problems:
        raise ValidationError(problems)


def _publish_notice(case, title_zh, title_en, text_zh, text_en, *, at) -> AccountabilityNotice:
    notice = AccountabilityNotice.objects.create(
        case=case, number=uuid.uuid4().hex[:20], department=case.department, name_zh=title_zh.strip(),
        name_en=(title_en or "").strip(), text_zh=text_zh.strip(), text_en=(text_en or "").strip(), published_at=at,
    )
    notice.number = _number("TB", notice.pk, at)
    notice.save(update_fields=["number"])
    return notice


def _tell_department(case: AccountabilityCase) -> None:
    from portal.models import StaffRole

    heads = User.objects.filter(staff_roles__role=StaffRole.Role.HEAD, staff_roles__department=case.department_id)
    notify(
        recipients=list(heads),
        subject=gettext_lazy("An accountability case about your department was opened"),
        body=case.facts_zh,
        link=reverse("accountability_case", kwargs={"number": case.number}),
    )


# -- feedback meetings -------------------------------------------------------------------


def staff_owners():
    """Who may own a meeting's decision: staff with any role."""
    return User.objects.filter(staff_roles__isnull=False).distinct().select_related("person").order_by("email")


@transaction.atomic
def meeting_record(
    *,
    actor: User,
    held_on: datetime.date,
    title: str,
    attendees: str,
    reports: str = "",
    cases=(),
    decisions: list[dict] = (),
    at: datetime.datetime | None = None,
) -> FeedbackMeeting:
    """Record a feedback meeting; each decision (description, owner, working_days) becomes an action."""
    if not is_supervisor(actor):
        raise PermissionDenied(_("Only supervisors record feedback meetings."))
    at = at or timezone.now()
    problems = {}
    if held_on is None:
        problems["held_on"] = _("Give the date of the meeting.")
    elif held_on > timezone.localdate(at):
        problems["held_on"] = _("A meeting cannot be recorded before it is held.")
    if not (title or "").strip():
        problems["title"] = _("Give the meeting a title.")
    if not (attendees or "").strip():
        problems["attendees"] = _("List who attended.")
    actions = []
    calendar = stored_calendar(today=timezone.localdate(at))
    for index, decision in enumerate(decisions, start=1):
        description = (decision.get("description") or "").strip()
        owner = decision.get("owner")
        days = decision.get("working_days")
        if not description and owner is None:
            continue
        if not description:
            problems[f"decision_{index}"] = _("Describe the decision.")
            continue
        if owner is None or not owner.staff_roles.exists():
            problems[f"owner_{index}"] = _("Choose a staff member who owns this decision.")
            continue
        days = rules.ACTION_DUE_WORKING_DAYS if days in (None, "") else days
        if not 1 <= int(days) <= 60:
            problems[f"days_{index}"] = _("Give between 1 and 60 working days.")
            continue
        if held_on is not None:
            try:
                due_on = add_working_days(held_on, int(days), calendar=calendar)
            except CalendarUnavailable:
                problems[f"days_{index}"] = _("The working-day calendar does not reach this due date yet.")
                continue
            actions.append((description, owner, due_on))
    if problems:
        raise ValidationError(problems)
    meeting = FeedbackMeeting.objects.create(
        held_on=held_on, title=title.strip(), attendees=attendees.strip(), reports=(reports or "").strip(),
        recorded_by=actor, created_at=at,
    )
    meeting.cases.set(cases)
    for description, owner, due_on in actions:
        FeedbackAction.objects.create(meeting=meeting, description=description, owner=owner, due_on=due_on)
    for description, owner, due_on in actions:
        notify(
            recipients=[owner],
            subject=gettext_lazy("A feedback meeting gave you a decision to carry out"),
            body=description,
            link=reverse("accountability_meeting", kwargs={"pk": meeting.pk}),
        )
    return meeting


@transaction.atomic
def action_complete(*, action: FeedbackAction, actor: User, note: str, at=None) -> FeedbackAction:
    """The owner (or a supervisor) reports a meeting's decision as carried out."""
    at = at or timezone.now()
    if actor.pk != action.owner_id and not is_supervisor(actor):
        raise PermissionDenied(_("You do not have permission to do this."))
    note = _clean_text(note, "note", required=True, limit=NOTE_LIMIT, message=_("Say what was done."))
    updated = FeedbackAction.objects.filter(pk=action.pk, done_at__isnull=True).update(done_at=at, done_note=note)
    if not updated:
        raise ValidationError(_("This decision is already carried out."))
    action.refresh_from_db()
    return action


def notify_late_actions(*, today: datetime.date, at=None) -> int:
    """Tell each owner of a late action, once per action. Returns how many were told."""
    at = at or timezone.now()
    told = 0
    for action in FeedbackAction.objects.late(today=today).filter(late_notified_at__isnull=True).select_related(
        "owner", "meeting"
    ):
        with transaction.atomic():
            claimed = FeedbackAction.objects.filter(pk=action.pk, late_notified_at__isnull=True).update(
                late_notified_at=at
            )
            if not claimed:
                continue
            notify(
                recipients=[action.owner],
                subject=gettext_lazy("A feedback meeting's decision is late"),
                body=action.description,
                link=reverse("accountability_meeting", kwargs={"pk": action.meeting_id}),
            )
            told += 1
    return told
