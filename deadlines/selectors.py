"""Reads of the working-day calendar: the stored calendar and its index, the
month grid, the years overview and the 60-day warning for administrators.
"""

from __future__ import annotations

import calendar as std_calendar
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import pgettext_lazy

from deadlines import holiday_sources, workdays
from deadlines.models import CalendarChange, CalendarDay, CalendarYear, Clock
from deadlines.workdays import (
    SLA,
    CalendarUnavailable,
    DayInfo,
    Deadline,
    WorkingCalendar,
    YearStatus,
    build_calendar,
    horizon_year,
)
from portal.models import StaffRole
from portal.permissions import has_role

# Built indexes, by (calendar version, horizon year). A process keeps the few
# it used last; a change anywhere writes a new version, so a stale one is
# never used again.
_built: dict[tuple[str, int], WorkingCalendar] = {}
_KEEP = 4
_lock = threading.Lock()

WARNING_DAYS = 60
ONE_DAY = timedelta(days=1)


def calendar_version() -> str | None:
    """The token of the latest calendar change (None before the first seed)."""
    token = CalendarChange.objects.order_by("-id").values_list("token", flat=True).first()
    return str(token) if token else None


def _stored_days() -> dict[date, DayInfo]:
    return {
        day: DayInfo(working, zh, en)
        for day, working, zh, en in CalendarDay.objects.values_list("date", "is_working_day", "name_zh", "name_en")
    }


def _official_years() -> set[int]:
    return set(CalendarYear.objects.values_list("year", flat=True))


def stored_calendar(*, today: date | None = None) -> WorkingCalendar:
    """The calendar in the table, indexed: official years, then provisional ones up to the horizon.

    Costs one small query (the version) when the cached index is current. `today` (default:
    today in Asia/Shanghai) sets the horizon: the end of next calendar year.
    """
    today = today or timezone.localdate()
    version = calendar_version()
    key = (version or "", horizon_year(today))
    calendar = _built.get(key) if version else None
    if calendar is None:
        calendar = build_calendar(
            _stored_days(),
            official_years=_official_years(),
            horizon_year=horizon_year(today),
            rule_days=holiday_sources.rule_days,
            version=version or "",
        )
        # Keep it only if no change committed while the rows were read.
        if version and calendar_version() == version:
            with _lock:
                while len(_built) >= _KEEP:
                    _built.pop(next(iter(_built)))
                _built[key] = calendar
    return calendar


def forget_built_calendars() -> None:
    """Drop this process's cached indexes (tests; nothing else needs it)."""
    with _lock:
        _built.clear()


# -- the working-day functions over the stored calendar ----------------------------
#
# `deadlines.workdays` without the `calendar=` argument: each reads the stored
# calendar (one small query while its index is current). In a loop, fetch
# `stored_calendar()` once and pass it instead.


def is_working_day(day: date, *, calendar: WorkingCalendar | None = None) -> bool:
    return workdays.is_working_day(day, calendar=calendar or stored_calendar())


def add_working_days(start: date, n: int, *, calendar: WorkingCalendar | None = None) -> date:
    """The Nth working day after `start`. `start` itself never counts, and n = 0 returns `start`."""
    return workdays.add_working_days(start, n, calendar=calendar or stored_calendar())


def working_days_between(start: date, end: date, *, calendar: WorkingCalendar | None = None) -> int:
    """The number of working days in (start, end]."""
    return workdays.working_days_between(start, end, calendar=calendar or stored_calendar())


def due_date(
    accepted_on: date,
    limit: int,
    *,
    pauses: Iterable[tuple[date, date]] = (),
    extension_days: int = 0,
    calendar: WorkingCalendar | None = None,
) -> Deadline:
    """`deadlines.workdays.due_date` over the stored calendar unless `calendar` is given."""
    return workdays.due_date(
        accepted_on, limit, pauses=pauses, extension_days=extension_days, calendar=calendar or stored_calendar()
    )


def sla_state(due_on: date, *, at: date | datetime, calendar: WorkingCalendar | None = None) -> SLA:
    """The SLA state of a deadline on day `at`: on time, due soon (≤ 1 working day left) or overdue."""
    return workdays.sla_state(due_on, at=at, calendar=calendar or stored_calendar())


def candidate_calendar(notice, *, today: date) -> WorkingCalendar:
    """The stored calendar as it would be with `notice` (an `deadlines.services.Notice`) entered."""
    # The rows set by the year's current notice go; the new notice replaces them.
    days = {
        day: DayInfo(working, zh, en)
        for day, working, zh, en, notice_year in CalendarDay.objects.values_list(
            "date", "is_working_day", "name_zh", "name_en", "notice_year"
        )
        if notice_year != notice.year
    }
    days.update(notice.days())
    return build_calendar(
        days,
        official_years=_official_years() | {notice.year},
        horizon_year=horizon_year(today),
        rule_days=holiday_sources.rule_days,
        version="candidate",
    )


# -- who sees and edits what ------------------------------------------------------

CALENDAR_ROLES = (StaffRole.Role.LIST_ADMIN, StaffRole.Role.SUPERVISOR)


def can_edit_calendar(user) -> bool:
    """List administrators and supervisors enter notices; so may Django admins with the permission."""
    if not getattr(user, "is_authenticated", False):
        return False
    return has_role(user, CALENDAR_ROLES) or user.has_perm("deadlines.change_calendarday")


@dataclass(frozen=True)
class CalendarWarning:
    next_year: int
    official_until: date
    days_left: int  # negative once the official range has ended

    @property
    def expired(self) -> bool:
        return self.days_left < 0


def calendar_warning(*, today: date, calendar: WorkingCalendar | None = None) -> CalendarWarning | None:
    """A reminder to enter next year's notice, from 60 days before the official range ends."""
    calendar = calendar or stored_calendar(today=today)
    until = calendar.official_until
    if until is None:
        return CalendarWarning(next_year=today.year, official_until=today, days_left=-1)
    days_left = (until - today).days
    if days_left > WARNING_DAYS:
        return None
    return CalendarWarning(next_year=until.year + 1, official_until=until, days_left=days_left)


def calendar_warning_for(user, *, today: date) -> CalendarWarning | None:
    """The warning, for the people who can act on it (administrators and supervisors)."""
    if not can_edit_calendar(user):
        return None
    return calendar_warning(today=today)


# -- the month grid -------------------------------------------------------------


# Column headings, Monday first: (short heading, full name).
WEEKDAY_HEADERS = [
    (pgettext_lazy("weekday heading", "Mon"), WEEKDAYS[0]),
    (pgettext_lazy("weekday heading", "Tue"), WEEKDAYS[1]),
    (pgettext_lazy("weekday heading", "Wed"), WEEKDAYS[2]),
    (pgettext_lazy("weekday heading", "Thu"), WEEKDAYS[3]),
    (pgettext_lazy("weekday heading", "Fri"), WEEKDAYS[4]),
    (pgettext_lazy("weekday heading", "Sat"), WEEKDAYS[5]),
    (pgettext_lazy("weekday heading", "Sun"), WEEKDAYS[6]),
]


@dataclass(frozen=True)
class Cell:
    day: date
    kind: str  # "workday", "weekend", "holiday" or "adjusted"
    info: DayInfo

    @property
    def name(self) -> str:
        return self.info.name  # in the language active when it is shown


@dataclass(frozen=True)
class Month:
    number: int
    name: str
    weeks: list[list[Cell | None]]


@dataclass(frozen=True)
class NamedRange:
    info: DayInfo
    first_day: date
    last_day: date

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


@dataclass(frozen=True)
class YearGrid:
    year: int
    status: YearStatus
    months: list[Month]
    holidays: list[NamedRange]
    adjusted: list[Cell]

    @property
    def provisional(self) -> bool:
        return self.status == YearStatus.PROVISIONAL

    @property
    def weekdays(self):
        return WEEKDAY_HEADERS


def _runs(items, *, day, name) -> list[list]:
    """Split date-ordered items into runs of consecutive days that carry the same name."""
    runs: list[list] = []
    for item in items:
        if runs and name(item) == name(runs[-1][-1]) and day(item) - day(runs[-1][-1]) == ONE_DAY:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


def _cell(calendar: WorkingCalendar, day: date) -> Cell:
    info = calendar.day_info(day)
    weekend = day.weekday() >= 5
    if info.is_working_day:
        kind = "adjusted" if weekend else "workday"
    else:
        kind = "weekend" if weekend and not (info.name_zh or info.name_en) else "holiday"
    return Cell(day, kind, info)


def year_grid(calendar: WorkingCalendar, year: int) -> YearGrid | None:
    """The year as twelve month tables (weeks start on Monday), or None if it has no calendar."""
    status = calendar.status(year)
    if status == YearStatus.UNAVAILABLE:
        return None
    weeks_of = std_calendar.Calendar(firstweekday=0)
    months = []
    for number in range(1, 13):
        weeks = [
            [_cell(calendar, day) if day.month == number else None for day in week]
            for week in weeks_of.monthdatescalendar(year, number)
        ]
        months.append(Month(number, MONTHS[number], weeks))
    cells = [_cell(calendar, day) for day in calendar.exceptions(year)]
    holidays = [
        NamedRange(run[0].info, run[0].day, run[-1].day)
        for run in _runs([c for c in cells if c.kind == "holiday"], day=lambda c: c.day, name=lambda c: c.info.name_zh)
    ]
    adjusted = [c for c in cells if c.kind == "adjusted"]
    return YearGrid(year, status, months, holidays, adjusted)


# -- the administrators' overview ------------------------------------------------------


@dataclass(frozen=True)
class YearRow:
    year: int
    status: YearStatus
    record: CalendarYear | None


def calendar_years(*, today: date, calendar: WorkingCalendar | None = None) -> list[YearRow]:
    """Every year with a calendar, newest first, with how it became official."""
    calendar = calendar or stored_calendar(today=today)
    if calendar.first_year is None:
        return []
    records = {r.year: r for r in CalendarYear.objects.select_related("entered_by")}
    return [
        YearRow(year, calendar.status(year), records.get(year))
        for year in range(calendar.last_year, calendar.first_year - 1, -1)
    ]


def clocks_that_would_move(calendar: WorkingCalendar, *, years) -> int:
    """How many running clocks reaching into `years` would get another due date under `calendar`."""
    moving = 0
    for clock in Clock.objects.touching_years(years).prefetch_related("pauses"):
        try:
            deadline = calendar.due_date(
                clock.accepted_on,
                clock.limit_days,
                pauses=clock.closed_pauses(),
                extension_days=clock.extension_days,
            )
        except CalendarUnavailable:
            continue
        moving += deadline.due_on != clock.due_on
    return moving


def recent_changes(limit: int = 10):
    return CalendarChange.objects.select_related("actor")[:limit]


def next_notice_year(*, today: date, calendar: WorkingCalendar | None = None) -> int:
    calendar = calendar or stored_calendar(today=today)
    return calendar.official_until.year + 1 if calendar.official_until else today.year


def notice_initial(year: int) -> tuple[str, list[dict], list[dict]]:
    """The stored notice of `year` as form data: (reference, holiday ranges, adjusted working days)."""
    record = CalendarYear.objects.filter(year=year).first()
    rows = list(CalendarDay.objects.filter(notice_year=year).order_by("date"))
    off = [r for r in rows if not r.is_working_day]
    holidays = [
        {"name_zh": run[0].name_zh, "name_en": run[0].name_en, "first_day": run[0].date, "last_day": run[-1].date}
        for run in _runs(off, day=lambda r: r.date, name=lambda r: r.name_zh)
    ]
    working = [{"day": r.date, "name_zh": r.name_zh, "name_en": r.name_en} for r in rows if r.is_working_day]
    reference = record.notice if record and record.source == "admin" else ""
    return reference, holidays, working
