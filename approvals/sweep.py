"""The deadline sweep: mark where open work stands against its time limit, and
escalate work that runs late (DESIGN.md §4 "Deadlines").

`sweep_deadlines(at=)` is the whole job; the Celery task and the beat entries
only call it. Its rules:

- **Marks.** Applications whose clock runs (accepted, in review) get
  `sla` = on time / due soon (at most one working day left, the due day
  included) / overdue, judged on `timezone.localdate(at)` with one calendar
  fetched for the run. Every other application (not accepted yet, paused for
  a correction or a suspension, decided) has no SLA: its mark is cleared.
  Marks are written every run, working day or not, since the date moves on
  holidays too.
- **Escalations.** Due soon → level *approver* (the assignee, or the
  department's approvers while nobody is assigned) and level *head* (the
  department's heads). Overdue → those two and level *supervision* (every
  supervisor; a city-wide role). An escalation is recorded once per
  application, level and due date (a unique constraint), so an extension or
  a calendar change that moves the due date starts afresh.
- **When people are told.** Escalations are created, and their people told,
  only when `localdate(at)` is a working day by the calendar (adjusted
  working weekends included, holidays excluded). A run on a day off only
  marks; the first run of the next working day escalates whatever is still
  late. An escalation row therefore means "someone was told".
- **Idempotent.** Only escalations that this run actually inserted are
  notified, so a second run at the same moment, a retry or two sweeps at once
  tell nobody twice.
- **One message per person per batch.** Someone with several late
  applications gets one message listing them, not one email each.
- **Accepted by law (Art. 32).** Before marking, every run (day off or not)
  accepts each submission still waiting after the 5th working day from the
  receipt of its materials (`acceptance_due_on` before today). The actor is
  the law, the clock runs from the day of receipt, and the applicant is told
  as on any acceptance.
- **Late delivery (Art. 44).** On working days, a decision not delivered
  within 10 working days is brought to its department's heads and to
  supervision, once (`approvals.documents.services.escalate_late_deliveries`).

The state marks are three set-based UPDATEs by due-date range; escalation
candidates are read in primary-key batches, so the number of open
applications does not decide the memory used.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from deadlines.selectors import stored_calendar
from approvals.models import Application, Escalation
from deadlines.workdays import SLA, WorkingCalendar
from approvals.documents.services import escalate_late_deliveries
from approvals.services import application_deem_accepted
from approvals.workflow import CLOCKED_STATES, State
from portal.i18n import lazy_long_date, prefers_chinese
from portal.models import StaffRole, User
from portal.notifications import notify

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# A digest lists this many applications; the rest are counted.
DIGEST_LINES = 20

Level = Escalation.Level
LEVELS = {
    SLA.DUE_SOON: (Level.APPROVER, Level.HEAD),
    SLA.OVERDUE: (Level.APPROVER, Level.HEAD, Level.SUPERVISION),
}
# When one person is told at several levels about one application, the
# highest one explains why.
_RANK = {Level.APPROVER: 0, Level.HEAD: 1, Level.SUPERVISION: 2}


@dataclass
class SweepReport:
    today: date
    working_day: bool
    due_soon: int = 0  # applications due soon today
    overdue: int = 0  # applications overdue today
    marked: dict[str, int] = field(default_factory=dict)  # rows whose mark changed, by new mark ("" = cleared)
    escalations: dict[str, int] = field(default_factory=dict)  # created by this run, by level
    messages: int = 0
    deemed_accepted: int = 0  # submissions this run accepted by law
    late_deliveries: int = 0  # decisions not delivered in time, escalated by this run

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "working_day": self.working_day,
            "due_soon": self.due_soon,
            "overdue": self.overdue,
            "marked": dict(self.marked),
            "escalations": dict(self.escalations),
            "messages": self.messages,
            "deemed_accepted": self.deemed_accepted,
            "late_deliveries": self.late_deliveries,
        }


def sla_bounds(today: date, *, calendar: WorkingCalendar) -> tuple[date, date]:
    """(first day not overdue, first day on time): the due-date ranges of the three SLA states.

    A due date before `today` is overdue. One before the second working day
    after `today` has at most one working day left, the same rule as
    `WorkingCalendar.sla_state`: working days in (today, due] ≤ 1. Later
    ones are on time.
    """
    return today, calendar.add_working_days(today, 2)


def sweep_deadlines(*, at: datetime) -> SweepReport:
    today = timezone.localdate(at)
    calendar = stored_calendar(today=today)
    report = SweepReport(today=today, working_day=calendar.is_working_day(today))
    soon_from, on_time_from = sla_bounds(today, calendar=calendar)

    report.deemed_accepted = accept_by_law(today=today, at=at)
    report.marked = _mark(soon_from=soon_from, on_time_from=on_time_from)
    late = Application.objects.filter(state__in=CLOCKED_STATES, due_on__lt=on_time_from)
    report.overdue = late.filter(due_on__lt=soon_from).count()
    report.due_soon = late.filter(due_on__gte=soon_from).count()
    if not report.working_day:
        logger.info("deadline sweep on %s, a day off: marked %s, nobody told", today, report.marked)
        return report
    report.late_deliveries = escalate_late_deliveries(today=today, at=at)

    recipients = _Recipients()
    created: dict[str, int] = defaultdict(int)
    last_pk = 0
    while True:
        rows = list(
            late.filter(pk__gt=last_pk)
            .order_by("pk")
            .values(
                "pk", "tracking_number", "department_id", "assignee_id", "due_on",
                "item_version__name_zh", "item_version__name_en",
            )[:BATCH_SIZE]
        )
        if not rows:
            break
        last_pk = rows[-1]["pk"]
        escalations, messages = _escalate_batch(rows, today=today, at=at, recipients=recipients)
        for escalation in escalations:
            created[str(escalation.level)] += 1
        report.messages += messages
    report.escalations = dict(created)
    logger.info("deadline sweep on %s: %s", today, report.as_dict())
    return report


def accept_by_law(*, today: date, at: datetime) -> int:
    """Accept every submission whose acceptance deadline passed before `today` (Art. 32), each in
    its own transaction; returns how many. One that cannot be accepted now is logged and left."""
    waiting = Application.objects.filter(state=State.SUBMITTED, acceptance_due_on__lt=today)
    count = 0
    for pk in waiting.order_by("acceptance_due_on", "pk").values_list("pk", flat=True).iterator():
        try:
            if application_deem_accepted(application=Application(pk=pk), at=at) is not None:
                count += 1
        except ValidationError as exc:  # e.g. a due date beyond the calendar
            logger.warning("deadline sweep: %s could not be accepted by law: %s", pk, exc)
    return count


def _mark(*, soon_from: date, on_time_from: date) -> dict[str, int]:
    """Write each application's SLA mark where it changed; returns the rows changed by new mark."""
    clocked = Application.objects.filter(state__in=CLOCKED_STATES, due_on__isnull=False)
    ranges = {
        SLA.OVERDUE: clocked.filter(due_on__lt=soon_from),
        SLA.DUE_SOON: clocked.filter(due_on__gte=soon_from, due_on__lt=on_time_from),
        SLA.ON_TIME: clocked.filter(due_on__gte=on_time_from),
        # Not accepted yet, paused (correction, suspension) or closed: no SLA.
        "": Application.objects.filter(~Q(state__in=CLOCKED_STATES) | Q(due_on__isnull=True)),
    }
    marked = {}
    for mark, queryset in ranges.items():
        changed = queryset.exclude(sla=mark).update(sla=mark)
        if changed:
            marked[str(mark)] = changed
    return marked


@transaction.atomic
def _escalate_batch(rows: list[dict], *, today: date, at: datetime, recipients: _Recipients):
    """Record the missing escalations of one batch and tell their people; returns (created, messages)."""
    by_pk = {row["pk"]: row for row in rows}
    existing = set(
        Escalation.objects.filter(application_id__in=by_pk).values_list("application_id", "level", "due_on")
    )
    wanted = []
    for row in rows:
        sla = SLA.OVERDUE if row["due_on"] < today else SLA.DUE_SOON
        for level in LEVELS[sla]:
            if (row["pk"], level, row["due_on"]) not in existing:
                wanted.append(Escalation(application_id=row["pk"], level=level, sla=sla, due_on=row["due_on"], at=at))
    if not wanted:
        return [], 0
    created = _insert(wanted)
    return created, _tell(created, by_pk, recipients=recipients)


def _insert(escalations: list[Escalation]) -> list[Escalation]:
    """Insert, keeping only the rows that this run really created.

    Usually none of them exists (they were filtered out above), and one bulk
    insert does it. If another sweep got there in between, the unique
    constraint refuses the batch; then each row goes in on its own and the
    ones already there are skipped, so they are not notified twice.
    """
    for escalation in escalations:
        escalation.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            return Escalation.objects.bulk_create(escalations)
    except IntegrityError:
        pass
    created = []
    for escalation in escalations:
        escalation.pk = None
        try:
            with transaction.atomic():
                escalation.save(force_insert=True)
        except IntegrityError:
            continue
        created.append(escalation)
    return created


# -- who is told -------------------------------------------------------------------


class _Recipients:
    """Department approvers and heads, and the supervisors, read once per run (active accounts only)."""

    def __init__(self):
        self._departments: dict[int, dict[str, list[int]]] = {}
        self._supervisors: list[int] | None = None

    def _load(self, department_ids) -> None:
        missing = [d for d in set(department_ids) if d not in self._departments]
        if not missing:
            return
        for d in missing:
            self._departments[d] = {StaffRole.Role.APPROVER: [], StaffRole.Role.HEAD: []}
        roles = StaffRole.objects.filter(
            department_id__in=missing, role__in=[StaffRole.Role.APPROVER, StaffRole.Role.HEAD], user__is_active=True
        ).values_list("department_id", "role", "user_id")
        for department_id, role, user_id in roles:
            self._departments[department_id][role].append(user_id)

    def supervisors(self) -> list[int]:
        if self._supervisors is None:
            self._supervisors = list(
                StaffRole.objects.filter(
                    role=StaffRole.Role.SUPERVISOR, department__isnull=True, user__is_active=True
                ).values_list("user_id", flat=True)
            )
        return self._supervisors

    def for_level(self, level: str, row: dict) -> list[int]:
        self._load([row["department_id"]])
        department = self._departments[row["department_id"]]
        if level == Level.APPROVER:
            staff = set(department[StaffRole.Role.APPROVER]) | set(department[StaffRole.Role.HEAD])
            # The assignee, while they still work in the department; otherwise its approvers.
            if row["assignee_id"] in staff:
                return [row["assignee_id"]]
            return department[StaffRole.Role.APPROVER]
        if level == Level.HEAD:
            return department[StaffRole.Role.HEAD]
        return self.supervisors()


def _tell(created: list[Escalation], by_pk: dict[int, dict], *, recipients: _Recipients) -> int:
    """One message per person for the escalations just created; returns the messages written."""
    # person → application → (escalation sla, highest level they are told at)
    news: dict[int, dict[int, tuple[str, str]]] = defaultdict(dict)
    for escalation in created:
        row = by_pk[escalation.application_id]
        for user_id in recipients.for_level(escalation.level, row):
            sla, level = news[user_id].get(row["pk"], (escalation.sla, escalation.level))
            if _RANK[escalation.level] > _RANK[level]:
                level = escalation.level
            news[user_id][row["pk"]] = (sla, level)
    users = User.objects.in_bulk(list(news))
    sent = 0
    for user_id, applications in news.items():
        user = users.get(user_id)
        if user is None:
            continue
        subject, body, link = _message(applications, by_pk, user_id=user_id)
        sent += len(notify(recipients=[user], subject=subject, body=body, link=link))
    return sent


def _name(zh: str, en: str) -> str:
    return (zh or en) if prefers_chinese() else (en or zh)


_lazy_name = lazy(_name, str)

_WHY = {
    "assignee": _("It is assigned to you."),
    Level.APPROVER: _("Nobody in its department is assigned to it, so every approver of the department is told."),
    Level.HEAD: _("You are told as the head of its department."),
    Level.SUPERVISION: _("Supervision is told of all overdue work."),
}


def _line(row: dict, sla: str):
    if sla == SLA.OVERDUE:
        return format_lazy(_("{number} ({item}) was due by {due} and is overdue."), **_fields(row))
    return format_lazy(_("{number} ({item}) is due by {due}: at most one working day is left."), **_fields(row))


def _fields(row: dict) -> dict:
    return {
        "number": row["tracking_number"],
        "item": _lazy_name(row["item_version__name_zh"], row["item_version__name_en"]),
        "due": lazy_long_date(row["due_on"]),
    }


def _message(applications: dict[int, tuple[str, str]], by_pk: dict[int, dict], *, user_id: int):
    if len(applications) == 1:
        ((pk, (sla, level)),) = applications.items()
        row = by_pk[pk]
        why = _WHY["assignee" if level == Level.APPROVER and row["assignee_id"] == user_id else level]
        subject = format_lazy("{}: {}", row["tracking_number"], SLA(sla).label)
        body = format_lazy("{} {}", _line(row, sla), why)
        return subject, body, reverse("desk_application", args=[row["tracking_number"]])
    ordered = sorted(applications.items(), key=lambda item: (by_pk[item[0]]["due_on"], item[0]))
    lines = [format_lazy("– {}", _line(by_pk[pk], sla)) for pk, (sla, _level) in ordered[:DIGEST_LINES]]
    more = len(ordered) - DIGEST_LINES
    if more > 0:
        lines.append(format_lazy(_("… and {count} more."), count=more))
    subject = format_lazy(_("{count} applications need attention"), count=len(ordered))
    intro = _("These applications need attention:")
    body = format_lazy("{}\n" + "\n".join("{}" for _line_ in lines), intro, *lines)
    return subject, body, reverse("desk")
