"""Supervision's reads of late work ("officials answer for overdue work").

Three views of the same table, each a fixed number of queries whatever the
number of applications:

- **now:** per department, the open applications against the clock (accepted,
  in review) that are on time, due soon or overdue today. The states are
  judged from `due_on` with the sweep's own ranges (`approvals.sweep.sla_bounds`),
  not from the stored `sla` mark, so the page is right even between two sweeps.
- **the period:** per department, the applications decided (approved or
  denied) in the period, how many on or before their due date, and the
  escalations to supervision the sweep recorded in it.
- **the list:** the overdue applications, oldest due date first, with the
  working days they are late and the escalation levels reached for their
  current due date. Nothing about the applicant is read.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q
from django.utils.translation import pgettext

from approvals.models import Application, Escalation
from approvals.sweep import sla_bounds
from deadlines.workdays import CalendarUnavailable, WorkingCalendar
from approvals.workflow import CLOCKED_STATES, State
from portal.i18n import BilingualNameMixin
from supervision.selectors import percentage, start_of

# Decisions that close the department's work against the clock (a withdrawal is
# the applicant's, and a non-acceptance comes before any clock).
DECIDED = (State.APPROVED, State.DENIED)
LIST_LIMIT = 100
# The escalation levels, lowest first.
LEVEL_ORDER = (Escalation.Level.APPROVER, Escalation.Level.HEAD, Escalation.Level.SUPERVISION)


@dataclass
class _Named(BilingualNameMixin):
    code: str
    name_zh: str
    name_en: str


@dataclass
class DepartmentNow(_Named):
    """A department's open work against the clock today."""

    on_time: int = 0
    due_soon: int = 0
    overdue: int = 0
    waiting: int = 0  # submitted, not yet accepted, refused or sent back
    waiting_late: int = 0  # of those, past their acceptance deadline (Art. 32): the sweep accepts them by law

    @property
    def open(self) -> int:
        return self.on_time + self.due_soon + self.overdue

    @property
    def rate(self) -> float | None:
        """The overdue share of the open work against the clock, as a percentage."""
        return percentage(self.overdue, self.open)


@dataclass
class DepartmentPeriod(_Named):
    """A department's decisions and supervision escalations in a period."""

    decided: int = 0
    on_time: int = 0
    escalations: int = 0
    deemed_accepted: int = 0  # accepted by law because nobody answered in 5 working days: a failure each

    @property
    def late(self) -> int:
        return self.decided - self.on_time

    @property
    def rate(self) -> float | None:
        """Decided on time, as a percentage of the decisions (None without any)."""
        return percentage(self.on_time, self.decided)


@dataclass
class OverdueRow:
    application: Application
    days_late: int | None  # working days in (due_on, today]; None if the calendar does not reach
    levels: list[str] = field(default_factory=list)  # escalation labels, lowest level first

    @property
    def levels_text(self) -> str:
        """The levels reached as one list in the active language ("a, b" in English, "a、b" in Chinese)."""
        return pgettext("list separator", ", ").join(str(level) for level in self.levels)

    @property
    def assignee_name(self) -> str:
        assignee = self.application.assignee
        if assignee is None:
            return ""
        return assignee.get_full_name() or assignee.email


@dataclass
class OverdueList:
    rows: list[OverdueRow]
    total: int

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


def sla_ranges(today: datetime.date, *, calendar: WorkingCalendar) -> tuple[datetime.date, datetime.date]:
    """The sweep's SLA ranges for `today`: (first day not overdue, first day on time).

    Without a calendar two working days ahead nothing counts as due soon; overdue
    work still shows (the administrators' calendar warning explains the rest).
    """
    try:
        return sla_bounds(today, calendar=calendar)
    except CalendarUnavailable:
        return today, today


def _clocked():
    return Application.objects.filter(state__in=CLOCKED_STATES, due_on__isnull=False)


_DEPARTMENT_FIELDS = ("department__code", "department__name_zh", "department__name_en")


def _named(row: dict, prefix: str = "") -> dict:
    """A department's code and names from a values() row (its fields under `prefix`)."""
    return {key: row[f"{prefix}department__{key}"] for key in ("code", "name_zh", "name_en")}


def open_work_by_department(*, today: datetime.date, calendar: WorkingCalendar) -> list[DepartmentNow]:
    """Each department with open work against the clock or waiting for acceptance, worst first (one query)."""
    not_overdue_from, on_time_from = sla_ranges(today, calendar=calendar)
    clocked = Q(state__in=CLOCKED_STATES, due_on__isnull=False)
    waiting = Q(state=State.SUBMITTED)
    rows = (
        Application.objects.filter(clocked | waiting)
        .values("department_id", *_DEPARTMENT_FIELDS)
        .annotate(
            overdue=Count("id", filter=clocked & Q(due_on__lt=not_overdue_from)),
            due_soon=Count("id", filter=clocked & Q(due_on__gte=not_overdue_from, due_on__lt=on_time_from)),
            on_time=Count("id", filter=clocked & Q(due_on__gte=on_time_from)),
            waiting=Count("id", filter=waiting),
            waiting_late=Count("id", filter=waiting & Q(acceptance_due_on__lt=today)),
        )
        .order_by()
    )
    tallies = [
        DepartmentNow(
            **_named(row),
            on_time=row["on_time"],
            due_soon=row["due_soon"],
            overdue=row["overdue"],
            waiting=row["waiting"],
            waiting_late=row["waiting_late"],
        )
        for row in rows
    ]
    return sorted(tallies, key=lambda t: (-t.overdue, -(t.rate or 0), -t.due_soon, -t.waiting_late, t.code))


def decided_in(*, since: datetime.date, until: datetime.date):
    """The applications decided (approved or denied) in [since, until] against a due date: the
    decisions the on-time rate judges. One without a due date was never on the clock."""
    start, end = start_of(since), start_of(until + datetime.timedelta(days=1))
    return Application.objects.filter(state__in=DECIDED, due_on__isnull=False, decided_at__gte=start, decided_at__lt=end)


def period_by_department(*, since: datetime.date, until: datetime.date) -> list[DepartmentPeriod]:
    """Each department with decisions or supervision escalations in [since, until] (two queries).

    On time means decided on or before the due date, both read in Asia/Shanghai.
    Most late decisions first, then the lowest on-time rate, then most escalations.
    """
    start, end = start_of(since), start_of(until + datetime.timedelta(days=1))
    tallies: dict[int, DepartmentPeriod] = {}
    decided = (
        decided_in(since=since, until=until)
        .values("department_id", *_DEPARTMENT_FIELDS)
        .annotate(decided=Count("id"), on_time=Count("id", filter=Q(decided_at__date__lte=F("due_on"))))
        .order_by()
    )
    for row in decided:
        tallies[row["department_id"]] = DepartmentPeriod(**_named(row), decided=row["decided"], on_time=row["on_time"])
    escalations = (
        Escalation.objects.filter(level=Escalation.Level.SUPERVISION, at__gte=start, at__lt=end)
        .values("application__department_id", *(f"application__{f}" for f in _DEPARTMENT_FIELDS))
        .annotate(escalations=Count("id"))
        .order_by()
    )
    for row in escalations:
        department_id = row["application__department_id"]
        if department_id not in tallies:
            tallies[department_id] = DepartmentPeriod(**_named(row, "application__"))
        tallies[department_id].escalations = row["escalations"]
    deemed = (
        Application.objects.filter(deemed_accepted=True, accepted_at__gte=start, accepted_at__lt=end)
        .values("department_id", *_DEPARTMENT_FIELDS)
        .annotate(deemed=Count("id"))
        .order_by()
    )
    for row in deemed:
        if row["department_id"] not in tallies:
            tallies[row["department_id"]] = DepartmentPeriod(**_named(row))
        tallies[row["department_id"]].deemed_accepted = row["deemed"]
    return sorted(
        tallies.values(),
        key=lambda t: (-t.late, t.rate if t.rate is not None else 101, -t.deemed_accepted, -t.escalations, t.code),
    )


def now_totals(rows: list[DepartmentNow]) -> dict:
    """The city's open work against the clock today, from its departments' rows."""
    return {
        "open": sum(r.open for r in rows),
        "due_soon": sum(r.due_soon for r in rows),
        "overdue": sum(r.overdue for r in rows),
        "waiting": sum(r.waiting for r in rows),
        "waiting_late": sum(r.waiting_late for r in rows),
    }


def period_totals(rows: list[DepartmentPeriod]) -> dict:
    """The city's figures for the period, from its departments' rows."""
    decided = sum(r.decided for r in rows)
    on_time = sum(r.on_time for r in rows)
    return {
        "decided": decided,
        "on_time": on_time,
        "rate": percentage(on_time, decided),
        "escalations": sum(r.escalations for r in rows),
        "deemed_accepted": sum(r.deemed_accepted for r in rows),
    }


def overdue_applications(*, today: datetime.date, calendar: WorkingCalendar, limit: int = LIST_LIMIT) -> OverdueList:
    """The overdue applications, oldest due date first: at most `limit` of them, and their number (three queries)."""
    overdue = _clocked().filter(due_on__lt=today)
    total = overdue.count()
    applications = list(
        overdue.select_related("item_version__item", "department", "assignee__person")
        .only(
            "tracking_number", "due_on", "due_provisional", "extended", "item_version_id", "department_id",
            "assignee_id", "item_version__name_zh", "item_version__name_en", "item_version__item__code",
            "department__code", "department__name_zh", "department__name_en", "assignee__email",
            "assignee__person__real_name",
        )
        .prefetch_related(
            Prefetch("escalations", queryset=Escalation.objects.only("application_id", "level", "due_on"))
        )
        .order_by("due_on", "id")[:limit]
    )
    labels = dict(Escalation.Level.choices)
    rows = []
    for application in applications:
        reached = {e.level for e in application.escalations.all() if e.due_on == application.due_on}
        rows.append(
            OverdueRow(
                application,
                days_late=_days_late(application.due_on, today, calendar),
                levels=[labels[level] for level in LEVEL_ORDER if level in reached],
            )
        )
    return OverdueList(rows=rows, total=total)


def _days_late(due_on: datetime.date, today: datetime.date, calendar: WorkingCalendar) -> int | None:
    try:
        return calendar.working_days_between(due_on, today)
    except CalendarUnavailable:
        return None
