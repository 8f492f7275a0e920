"""Reads for the approver desk (/desk/): a department's applications, most
urgent first, with their counts; one application with everything its page
shows; and the head's view of open work by approver.

Every page runs a fixed number of queries whatever the data size.

The list's order, and why it is read state by state. Applications waiting
for acceptance come first (they need someone now), then the work against
the clock by due date, then paused work (correction, suspension), then
decided ones, newest due date first. Sorting a whole department on that
expression would read every open row on each page (tens of thousands in a
large department). Instead each state is read on its own along the
`app_desk_idx` index (department, state, due_on, id), at most one page of
rows per state and from the index alone, and the few short lists are merged
here; `app_desk_item_idx` (department, item version, state, due_on) does the
same for the item filter. The next page starts after the last row shown (a
keyset cursor), so deep pages cost the same as the first.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from django.db import connections
from django.db.models import Count, F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from approvals import hooks
from approvals.models import Application, ApplicationEvent, Attachment
from deadlines.models import ClockPause
from deadlines.workdays import SLA, CalendarUnavailable, WorkingCalendar
from approvals.workflow import CLOCKED_STATES, DECIDED_STATES, OPEN_STATES, State
from portal.i18n import prefers_chinese
from portal.identifiers import mask_identifier
from portal.models import StaffRole, User
from portal.permissions import departments_for
from services.models import Department, ItemVersion

PAGE_SIZE = 50
DESK_ROLES = (StaffRole.Role.APPROVER, StaffRole.Role.HEAD)
PAUSED_STATES = (State.CORRECTION, State.SUSPENDED)

# The list's groups, in order: (rank, states, newest first?)
_GROUPS = (
    (0, (State.SUBMITTED,), False),
    (1, tuple(CLOCKED_STATES), False),
    (2, PAUSED_STATES, False),
    (3, tuple(DECIDED_STATES), True),
)
_RANK = {state: rank for rank, states, _newest in _GROUPS for state in states}
_NEWEST_FIRST = {rank: newest for rank, _states, newest in _GROUPS}


# -- who works at which desk ------------------------------------------------------


def desk_departments(user) -> list[Department]:
    """The departments where `user` is an approver or the head (one query; empty for everyone else)."""
    ids = set(departments_for(user, DESK_ROLES))
    if not ids:
        return []
    return list(Department.objects.serving().filter(pk__in=ids).order_by("code"))


def head_departments(user) -> list[int]:
    return sorted(set(departments_for(user, StaffRole.Role.HEAD)))


# -- the list -------------------------------------------------------------------------


@dataclass(frozen=True)
class DeskFilters:
    """What the list shows. `states` is never empty; `sla` narrows it to the clocked states."""

    states: tuple[str, ...] = tuple(OPEN_STATES)
    item_id: int | None = None
    item_version_ids: tuple[int, ...] = ()  # the item's versions, when known: spares a join
    channel: str = ""
    sla: str = ""
    assignee_id: int | None = None
    unassigned: bool = False

    def effective_states(self) -> tuple[str, ...]:
        if self.sla:
            return tuple(s for s in self.states if s in CLOCKED_STATES)
        return self.states


def soon_limit(today: date, calendar: WorkingCalendar) -> date:
    """Due dates before this day are due soon (at most one working day left, as `sla_state` says).

    Without a calendar for today (an empty table) nothing counts as due soon:
    the administrators' calendar warning says why, and overdue work still shows.
    """
    try:
        return calendar.add_working_days(today, 2)
    except CalendarUnavailable:
        return today


def _sla_q(sla: str, *, today: date, soon: date) -> Q:
    if sla == SLA.OVERDUE:
        return Q(due_on__lt=today)
    if sla == SLA.DUE_SOON:
        return Q(due_on__gte=today, due_on__lt=soon)
    return Q(due_on__gte=soon)


def _facet_queryset(department_id: int, filters: DeskFilters):
    """The department's applications under the filters that the state counts keep (item, channel, approver)."""
    queryset = Application.objects.for_department(department_id)
    if filters.item_version_ids:
        queryset = queryset.filter(item_version_id__in=filters.item_version_ids)
    elif filters.item_id:
        queryset = queryset.filter(item_version__item_id=filters.item_id)
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    if filters.unassigned:
        queryset = queryset.filter(assignee__isnull=True)
    elif filters.assignee_id:
        queryset = queryset.filter(assignee_id=filters.assignee_id)
    return queryset


@dataclass
class StateCounts:
    by_state: dict[str, int]
    overdue: int
    due_soon: int
    on_time: int

    @property
    def open(self) -> int:
        return sum(self.by_state.get(s, 0) for s in OPEN_STATES)

    def of(self, state: str) -> int:
        return self.by_state.get(state, 0)


def desk_counts(department_id: int, filters: DeskFilters, *, today: date, calendar: WorkingCalendar) -> StateCounts:
    """Open applications per state, and the clocked ones per SLA state: one GROUP BY.

    Only the work in hand is counted. Decided applications pile up year after
    year (most of a department's rows); counting them on every page would
    read them all, and nobody works from that number. Without filters the
    query reads only the open states' stretch of the `app_desk_idx` index.
    """
    soon = soon_limit(today, calendar)
    clocked = Q(state__in=CLOCKED_STATES)
    rows = (
        _facet_queryset(department_id, filters)
        .filter(state__in=OPEN_STATES)
        .values("state")
        .annotate(
            n=Count("*"),
            overdue=Count("state", filter=clocked & _sla_q(SLA.OVERDUE, today=today, soon=soon)),
            due_soon=Count("state", filter=clocked & _sla_q(SLA.DUE_SOON, today=today, soon=soon)),
        )
        .order_by()
    )
    by_state, overdue, due_soon = {}, 0, 0
    for row in rows:
        by_state[row["state"]] = row["n"]
        overdue += row["overdue"]
        due_soon += row["due_soon"]
    clocked_total = sum(by_state.get(s, 0) for s in CLOCKED_STATES)
    return StateCounts(by_state, overdue, due_soon, clocked_total - overdue - due_soon)


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after the row (rank, due_on, id)."""

    rank: int
    due_on: date | None
    id: int

    def encode(self) -> str:
        return f"{self.rank}.{self.due_on.isoformat() if self.due_on else ''}.{self.id}"

    @classmethod
    def decode(cls, value: str | None) -> Cursor | None:
        try:
            rank, due, pk = (value or "").split(".")
            return cls(int(rank), date.fromisoformat(due) if due else None, int(pk))
        except ValueError:
            return None


class _Ref(NamedTuple):
    """Just what the order needs: the list reads these first, and the rows for one page after."""

    pk: int
    state: str
    due_on: date | None


def _sort_key(ref):
    rank, due = _RANK[ref.state], ref.due_on
    if _NEWEST_FIRST[rank]:  # due_on DESC NULLS FIRST, id DESC
        return (rank, due is not None, -(due.toordinal() if due else 0), -ref.pk)
    return (rank, due is None, due.toordinal() if due else 0, ref.pk)  # due_on ASC NULLS LAST, id ASC


def _after(cursor: Cursor, *, newest_first: bool) -> Q:
    """Rows after `cursor` in its group's order (due_on then id, nulls at the group's end or start)."""
    due, pk = cursor.due_on, cursor.id
    if newest_first:
        if due is None:
            return Q(due_on__isnull=True, id__lt=pk) | Q(due_on__isnull=False)
        return Q(due_on__lt=due) | Q(due_on=due, id__lt=pk)
    if due is None:
        return Q(due_on__isnull=True, id__gt=pk)
    return Q(due_on__gt=due) | Q(due_on=due, id__gt=pk) | Q(due_on__isnull=True)


def _ordering(newest_first: bool):
    if newest_first:
        return [F("due_on").desc(nulls_first=True), "-id"]
    return [F("due_on").asc(nulls_last=True), "id"]


@dataclass
class DeskRow:
    """One line of the list, as plain values: a page of them is read without building models."""

    pk: int
    tracking_number: str
    state: str
    channel: str
    due_on: date | None
    provisional: bool
    extended: bool
    item_name: str
    applicant_name: str
    applicant_id: str  # masked
    assignee_name: str
    acceptance_due_on: date | None = None  # waiting: the last day to decide on acceptance (Art. 32)
    waited_days: int | None = None  # waiting: working days since the materials were received
    days_left: int | None = None  # working days to the due date (or acceptance deadline); negative once overdue
    sla: str | None = None

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


@dataclass
class DeskPage:
    rows: list[DeskRow]
    next_cursor: str | None
    first_page: bool


def deadline_status(state: str, due_on: date | None, *, today: date, calendar: WorkingCalendar):
    """(working days left, SLA state) for work against the clock, or for a submission against its
    acceptance deadline (pass that as `due_on`); (None, None) otherwise."""
    if state not in (*CLOCKED_STATES, State.SUBMITTED) or due_on is None:
        return None, None
    try:
        return calendar.working_days_between(today, due_on), calendar.sla_state(due_on, at=today)
    except CalendarUnavailable:
        return None, None


def waited_days(received_at, *, today: date, calendar: WorkingCalendar) -> int | None:
    """Working days a submission has waited for acceptance: those after the day of receipt, up to today."""
    if received_at is None:
        return None
    try:
        return max(calendar.working_days_between(timezone.localdate(received_at), today), 0)
    except CalendarUnavailable:
        return None


_ROW_COLUMNS = (
    "pk", "tracking_number", "state", "channel", "due_on", "due_provisional", "extended",
    "item_version__name_zh", "item_version__name_en",
    "applicant_person__real_name", "applicant_person__resident_id",
    "applicant_enterprise_id", "applicant_enterprise__name", "applicant_enterprise__credit_code",
    "acceptance_due_on", "received_at", "assignee_id",
)


def _desk_rows(refs: list[_Ref], *, today: date, calendar: WorkingCalendar, names: dict[int, str]) -> list[DeskRow]:
    """The page's rows as values (one query on four tables: PostgreSQL's planning time grows
    quickly with each join); approvers' names come from `names`, or one more query for those missing."""
    found = {
        values[0]: values
        for values in Application.objects.filter(pk__in=[r.pk for r in refs]).order_by().values_list(*_ROW_COLUMNS)
    }
    missing = {values[-1] for values in found.values() if values[-1] and values[-1] not in names}
    if missing:
        people = User.objects.filter(pk__in=missing).values_list("pk", "email", "person__real_name")
        names = {**names, **{pk: real_name or email for pk, email, real_name in people}}
    chinese = prefers_chinese()
    rows = []
    for ref in refs:
        (pk, number, state, channel, due_on, provisional, extended, item_zh, item_en, person, resident_id,
         enterprise_id, enterprise, credit_code, acceptance_due, received_at, assignee_id) = found[ref.pk]
        rows.append(
            DeskRow(
                pk=pk,
                tracking_number=number,
                state=state,
                channel=channel,
                due_on=due_on,
                provisional=provisional,
                extended=extended,
                item_name=(item_zh or item_en) if chinese else (item_en or item_zh),
                applicant_name=enterprise if enterprise_id else person,
                applicant_id=mask_identifier(credit_code if enterprise_id else resident_id),
                assignee_name=names.get(assignee_id, ""),
            )
        )
        row = rows[-1]
        if state == State.SUBMITTED:
            row.acceptance_due_on = acceptance_due
            row.waited_days = waited_days(received_at, today=today, calendar=calendar)
        row.days_left, row.sla = deadline_status(
            state, acceptance_due if state == State.SUBMITTED else due_on, today=today, calendar=calendar
        )
    return rows


def desk_page(
    department_id: int,
    filters: DeskFilters,
    *,
    today: date,
    calendar: WorkingCalendar,
    after: Cursor | None = None,
    size: int | None = None,
    names: dict[int, str] | None = None,
) -> DeskPage:
    """One page of the list, most urgent first.

    A page of light rows (id, state, due date) from each state along
    `app_desk_idx`, merged here; then one query for the page's rows with
    what they show. `names`: approvers' names already read (user id: name).
    """
    size = size or PAGE_SIZE
    base = _facet_queryset(department_id, filters)
    if filters.sla:
        base = base.filter(_sla_q(filters.sla, today=today, soon=soon_limit(today, calendar)))
    wanted = set(filters.effective_states())
    reads = []
    for rank, states, newest_first in _GROUPS:
        if after is not None and rank < after.rank:
            continue
        for state in states:
            if state not in wanted:
                continue
            queryset = base.filter(state=state)
            if after is not None and rank == after.rank:
                queryset = queryset.filter(_after(after, newest_first=newest_first))
            ordered = queryset.order_by(*_ordering(newest_first)).values_list("pk", "state", "due_on")
            reads.append((rank, ordered[: size + 1]))
    found = _read(reads, size)
    refs = heapq.nsmallest(size + 1, found, key=_sort_key)
    next_cursor = None
    if len(refs) > size:
        refs = refs[:size]
        next_cursor = Cursor(_RANK[refs[-1].state], refs[-1].due_on, refs[-1].pk).encode()
    rows = _desk_rows(refs, today=today, calendar=calendar, names=names or {}) if refs else []
    return DeskPage(rows, next_cursor, after is None)


def _read(reads, size: int) -> list[_Ref]:
    """Run the per-state reads: in one UNION ALL where the database allows a LIMIT in each part
    (PostgreSQL), otherwise one by one, stopping once a group has filled the page."""
    if len(reads) > 1 and connections[Application.objects.db].features.supports_slicing_ordering_in_compound:
        first, *rest = [queryset for _rank, queryset in reads]
        return [_Ref(*ref) for ref in first.union(*rest, all=True)]
    found: list[_Ref] = []
    for i, (rank, queryset) in enumerate(reads):
        found.extend(_Ref(*ref) for ref in queryset)
        group_done = i + 1 == len(reads) or reads[i + 1][0] != rank
        if group_done and len(found) > size:
            break  # later groups come after a full page
    return found


@dataclass(frozen=True)
class ItemChoice:
    id: int
    label: str
    version_ids: tuple[int, ...]


def department_items(department_id: int) -> list[ItemChoice]:
    """The department's items for the filter, named after their latest version, with all their versions (one query)."""
    versions: dict[int, list] = {}
    for pk, item_id, code, name_zh, name_en in (
        ItemVersion.objects.filter(item__department_id=department_id)
        .order_by("item__code", "id")
        .values_list("pk", "item_id", "item__code", "name_zh", "name_en")
    ):
        versions.setdefault(item_id, []).append((pk, code, name_zh, name_en))
    chinese = prefers_chinese()
    choices = []
    for item_id, rows in versions.items():
        _pk, code, name_zh, name_en = rows[-1]  # the newest
        name = (name_zh or name_en) if chinese else (name_en or name_zh)
        choices.append(ItemChoice(item_id, f"{code} {name}", tuple(r[0] for r in rows)))
    return choices


# -- one application -----------------------------------------------------------------


def desk_application(tracking_number: str, *, department_ids) -> Application | None:
    """The application with everything its desk page shows, if it belongs to one of `department_ids`."""
    # Few joins (PostgreSQL plans each extra one at a cost); the rest comes by prefetch.
    return (
        Application.objects.for_department(list(department_ids))
        .exclude(state=State.DRAFT)
        .select_related("item_version__item", "department", "applicant_person", "clock")
        .prefetch_related(
            "applicant_enterprise",
            Prefetch("assignee", queryset=User.objects.select_related("person")),
            Prefetch("attachments", queryset=Attachment.objects.select_related("material")),
            "item_version__materials",
            "item_version__fields",
            Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor__person")),
            "corrections",
        )
        .filter(tracking_number=tracking_number)
        .order_by()
        .first()
    )


def clock_pauses(application: Application) -> list[ClockPause]:
    if application.clock_id is None:
        return []
    return list(ClockPause.objects.filter(clock_id=application.clock_id))


@dataclass
class Answer:
    label: str
    value: object


def form_answers(application: Application) -> list[Answer]:
    """The answers in the order of the item version's questions, labelled in the active language."""
    answers = []
    data = application.form_data or {}
    for question in application.item_version.fields.all():
        value = data.get(question.key, "")
        if question.type == question.Type.DATE and value:
            try:
                value = date.fromisoformat(value)  # shown as a real date
            except (TypeError, ValueError):
                pass  # kept as typed
        elif question.type == question.Type.CHOICE:
            labels = {v: (zh, en) for v, zh, en in question.parsed_choices()}
            if value in labels:
                zh, en = labels[value]
                value = zh if prefers_chinese() else en
        answers.append(Answer(question.label, value))
    known = {q.key for q in application.item_version.fields.all()}
    answers.extend(Answer(key, value) for key, value in data.items() if key not in known)
    return answers


@dataclass
class MaterialRow:
    name: str
    required: bool
    attachments: list[Attachment] = field(default_factory=list)
    license_use: object = None  # what stands in for a file (免提交: a licenses.MaterialLicense), if any


def material_rows(application: Application) -> list[MaterialRow]:
    """Each material the terms ask for, with the files given for it; then any other files."""
    by_material: dict[int | None, list[Attachment]] = {}
    for attachment in application.attachments.all():
        # Served by the applicant area to the people can_view allows.
        attachment.url = reverse("application_file", args=(application.uid, attachment.pk))
        by_material.setdefault(attachment.material_id, []).append(attachment)
    references = hooks.material_references(application)  # e.g. a license given instead of a file
    rows = [
        MaterialRow(m.name, m.required, by_material.pop(m.pk, []), license_use=references.get(m.pk))
        for m in application.item_version.materials.all()
    ]
    leftover = [a for files in by_material.values() for a in files]
    if leftover:
        rows.append(MaterialRow(gettext("Other files"), False, leftover))
    return rows


# -- the head's view ---------------------------------------------------------------------


@dataclass
class TeamRow:
    user: User | None  # None: not assigned yet
    open: int = 0
    waiting: int = 0  # submitted, not accepted yet
    on_time: int = 0
    due_soon: int = 0
    overdue: int = 0
    paused: int = 0

    @property
    def name(self) -> str:
        if self.user is None:
            return ""
        return self.user.get_full_name() or self.user.email


def team_rows(department_id: int, *, today: date, calendar: WorkingCalendar) -> list[TeamRow]:
    """Open work by approver, with the department's approvers who have none, and the unassigned (two queries)."""
    soon = soon_limit(today, calendar)
    clocked = Q(state__in=CLOCKED_STATES)
    counts = (
        Application.objects.for_department(department_id)
        .open()
        .values("assignee_id")
        .annotate(
            open=Count("*"),
            waiting=Count("state", filter=Q(state=State.SUBMITTED)),
            paused=Count("state", filter=Q(state__in=PAUSED_STATES)),
            overdue=Count("state", filter=clocked & _sla_q(SLA.OVERDUE, today=today, soon=soon)),
            due_soon=Count("state", filter=clocked & _sla_q(SLA.DUE_SOON, today=today, soon=soon)),
            on_time=Count("state", filter=clocked & _sla_q(SLA.ON_TIME, today=today, soon=soon)),
        )
        .order_by()
    )
    by_user = {row.pop("assignee_id"): row for row in counts}
    people = User.objects.filter(
        Q(pk__in=[pk for pk in by_user if pk is not None])
        | Q(staff_roles__department_id=department_id, staff_roles__role__in=DESK_ROLES)
    ).select_related("person").distinct()
    rows = [TeamRow(user, **by_user.get(user.pk, {})) for user in people]
    rows.sort(key=lambda r: (-r.overdue, -r.due_soon, -r.open, r.name))
    rows.append(TeamRow(None, **by_user.get(None, {})))
    return rows
