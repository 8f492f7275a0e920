"""Working days and deadlines over China's holiday calendar.

Everything here is a pure function of a `WorkingCalendar`: no database, no
clock. Each function takes `calendar=`. The same functions with the stored
calendar as their default live in `deadlines.selectors` (which reads one row
to check that its cached index is current); in a loop, fetch the calendar
once with `deadlines.selectors.stored_calendar()` and pass it.

Conventions, from the deadline rules in DESIGN.md §4:

- Dates are `datetime.date` in Asia/Shanghai. Convert datetimes with
  `django.utils.timezone.localdate` before calling in.
- A limit counts working days from the day *after* the start: the start day
  never counts, and the due date is the Nth working day after it.
- A pause `(paused_on, resumed_on)` stops the clock for the working days in
  `(paused_on, resumed_on]`: the day work stopped still counts, the day it
  resumed does not.
- A calendar covers whole years, from its first official year to its horizon
  (the end of next calendar year). Years after the last official one are
  provisional: statutory holidays by rule, no adjusted working days. A
  computation that needs a day outside the covered range raises
  `CalendarUnavailable`; it never guesses "weekdays only".

The index: one entry per covered day, holding the number of working days from
the first covered day up to and including it, plus the list of working days
in order (each as the ready-made `Deadline` that ends on it).
`working_days_between` is a subtraction and `add_working_days` one list
lookup, so every call is O(1) whatever the limit, and O(pauses) for a due
date with pauses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import NamedTuple

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.i18n import prefers_chinese


class CalendarUnavailable(Exception):
    """A computation needs a day for which there is no working-day calendar.

    `year` is the first year it could not see. The message is translated in
    the language active when it is raised.
    """

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            gettext(
                "There is no working-day calendar for %(year)s yet, so no deadline can be computed "
                "in it. The State Council's holiday notice for %(year)s has to be entered first."
            )
            % {"year": year}
        )


class YearStatus(models.TextChoices):
    OFFICIAL = "official", _("official")
    PROVISIONAL = "provisional", _("provisional")
    UNAVAILABLE = "unavailable", _("no calendar")


class SLA(models.TextChoices):
    """Where a deadline stands on a given day."""

    ON_TIME = "on_time", _("on time")
    DUE_SOON = "due_soon", _("due soon")
    OVERDUE = "overdue", _("overdue")


class DayInfo(NamedTuple):
    """What the calendar says about one day that is not an ordinary one."""

    is_working_day: bool
    name_zh: str = ""
    name_en: str = ""

    @property
    def name(self) -> str:
        if prefers_chinese():
            return self.name_zh or self.name_en
        return self.name_en or self.name_zh


class Deadline(NamedTuple):
    due_on: date
    provisional: bool  # the due date falls in a year without a State Council notice yet


class WorkingCalendar:
    """An immutable, indexed working-day calendar over whole years.

    Build one with `build_calendar`; `days` holds only the exceptions to
    "Monday to Friday work" (holidays, named weekend days inside holiday
    ranges, adjusted working days).
    """

    def __init__(
        self,
        days: Mapping[date, DayInfo],
        *,
        first_year: int | None,
        last_year: int | None,
        official_years: Iterable[int] = (),
        version: str = "",
    ):
        self.version = version
        self.first_year = first_year
        self.last_year = last_year
        if first_year is None or last_year is None or last_year < first_year:
            self.first_year = self.last_year = None
            self.official_years = frozenset()
            self.provisional_years = frozenset()
            self._first = self._size = 0
            self._flags = bytearray()
            self._cum: list[int] = []
            self._deadlines: list[Deadline] = []
            self._days: dict[date, DayInfo] = {}
            return
        years = range(first_year, last_year + 1)
        self.official_years = frozenset(y for y in official_years if first_year <= y <= last_year)
        self.provisional_years = frozenset(y for y in years if y not in self.official_years)
        self._days = {day: info for day, info in days.items() if first_year <= day.year <= last_year}

        first = date(first_year, 1, 1).toordinal()
        size = date(last_year, 12, 31).toordinal() - first + 1
        # Ordinal 1 (1 January of year 1) was a Monday, so ordinal % 7 is 6 on
        # Saturdays and 0 on Sundays.
        flags = bytearray(1 if (first + i) % 7 not in (0, 6) else 0 for i in range(size))
        for day, info in self._days.items():
            flags[day.toordinal() - first] = 1 if info.is_working_day else 0
        cum = [0] * size
        # The deadline that ends on each working day, built once: a due date
        # is then one list lookup.
        deadlines = []
        provisional = self.provisional_years
        count = 0
        for i, flag in enumerate(flags):
            if flag:
                count += 1
                day = date.fromordinal(first + i)
                deadlines.append(Deadline(day, day.year in provisional))
            cum[i] = count
        self._first, self._size = first, size
        self._flags, self._cum, self._deadlines = flags, cum, deadlines

    def __repr__(self):
        return f"<WorkingCalendar {self.first_year}–{self.last_year} version={self.version or '-'}>"

    # -- coverage ---------------------------------------------------------

    def status(self, year: int) -> YearStatus:
        if year in self.official_years:
            return YearStatus.OFFICIAL
        if year in self.provisional_years:
            return YearStatus.PROVISIONAL
        return YearStatus.UNAVAILABLE

    def covers(self, day: date) -> bool:
        return 0 <= day.toordinal() - self._first < self._size

    @property
    def official_until(self) -> date | None:
        """The last day of the last official year."""
        return date(max(self.official_years), 12, 31) if self.official_years else None

    def _index(self, day: date) -> int:
        i = day.toordinal() - self._first
        if not 0 <= i < self._size:
            raise CalendarUnavailable(day.year)
        return i

    # -- days -------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        return bool(self._flags[self._index(day)])

    def day_info(self, day: date) -> DayInfo:
        """The day's entry, or an ordinary weekday/weekend (no name)."""
        info = self._days.get(day)
        if info is not None:
            self._index(day)
            return info
        return DayInfo(self.is_working_day(day))

    def exceptions(self, year: int) -> dict[date, DayInfo]:
        """The year's holidays, named days and adjusted working days."""
        return {day: info for day, info in sorted(self._days.items()) if day.year == year}

    # -- counting -----------------------------------------------------------

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        return self._cum[self._index(end)] - self._cum[self._index(start)]

    def add_working_days(self, start: date, n: int) -> date:
        """The Nth working day after `start` (`start` itself never counts); n = 0 gives `start`."""
        if n < 0:
            raise ValueError("n must not be negative")
        i = self._index(start)
        if n == 0:
            return start
        k = self._cum[i] + n
        if k > len(self._deadlines):
            raise CalendarUnavailable(self.last_year + 1)
        return self._deadlines[k - 1].due_on

    def due_date(
        self,
        accepted_on: date,
        limit: int,
        *,
        pauses: Iterable[tuple[date, date]] = (),
        extension_days: int = 0,
    ) -> Deadline:
        """The due date of a limit of `limit + extension_days` working days.

        Pauses may overlap and may start before acceptance; only the working
        days in (paused_on, resumed_on] after acceptance are added back.
        """
        if limit < 0 or extension_days < 0:
            raise ValueError("limits and extensions must not be negative")
        first, cum = self._first, self._cum
        pos = accepted_on.toordinal()  # counting starts the day after `pos`
        if not 0 <= pos - first < self._size:
            raise CalendarUnavailable(accepted_on.year)
        remaining = limit + extension_days
        if remaining == 0:
            return Deadline(accepted_on, accepted_on.year in self.provisional_years)
        if pauses:
            last = self._size - 1
            for paused_on, resumed_on in sorted(pauses):
                if resumed_on < paused_on:
                    raise ValueError("a pause cannot end before it starts")
                end = resumed_on.toordinal()
                if end <= pos:
                    continue
                stop = max(paused_on.toordinal(), pos)
                available = cum[min(stop - first, last)] - cum[pos - first]
                if remaining <= available:
                    break
                if stop - first > last:
                    raise CalendarUnavailable(self.last_year + 1)
                remaining -= available
                pos = end
                if pos - first > last:
                    raise CalendarUnavailable(resumed_on.year)
        k = cum[pos - first] + remaining
        if k > len(self._deadlines):
            raise CalendarUnavailable(self.last_year + 1)
        return self._deadlines[k - 1]

    def sla_state(self, due_on: date, *, at: date) -> SLA:
        """On time, due soon (at most one working day left, the due day included) or overdue."""
        if at > due_on:
            return SLA.OVERDUE
        if self.working_days_between(at, due_on) <= 1:
            return SLA.DUE_SOON
        return SLA.ON_TIME


def build_calendar(
    days: Mapping[date, DayInfo],
    *,
    official_years: Iterable[int],
    horizon_year: int,
    rule_days: Callable[[int], Mapping[date, DayInfo]],
    version: str = "",
) -> WorkingCalendar:
    """A calendar from the first official year to `horizon_year` (or the last official year, if later).

    Years in that range without a notice get their statutory holidays from
    `rule_days(year)`; entries in `days` still win over the rule (an
    administrator's single-day correction applies everywhere).
    """
    official = sorted(set(official_years))
    if not official:
        return WorkingCalendar({}, first_year=None, last_year=None, version=version)
    first_year, last_year = official[0], max(official[-1], horizon_year)
    merged: dict[date, DayInfo] = {}
    for year in range(first_year, last_year + 1):
        if year not in official:
            merged.update(rule_days(year))
    merged.update(days)
    return WorkingCalendar(
        merged, first_year=first_year, last_year=last_year, official_years=official, version=version
    )


def horizon_year(today: date) -> int:
    """The last year with a calendar at all: provisional years end with next calendar year."""
    return today.year + 1


# -- the module-level API ----------------------------------------------------
#
# `calendar` is required: this module never reads the database. Callers that
# want the stored calendar call the functions of the same name in
# `deadlines.selectors`, or pass `deadlines.selectors.stored_calendar()`.


def is_working_day(day: date, *, calendar: WorkingCalendar) -> bool:
    return calendar.is_working_day(day)


def add_working_days(start: date, n: int, *, calendar: WorkingCalendar) -> date:
    """The Nth working day after `start`. `start` itself never counts, and n = 0 returns `start`."""
    return calendar.add_working_days(start, n)


def working_days_between(start: date, end: date, *, calendar: WorkingCalendar) -> int:
    """The number of working days in (start, end]."""
    return calendar.working_days_between(start, end)


def due_date(
    accepted_on: date,
    limit: int,
    *,
    pauses: Iterable[tuple[date, date]] = (),
    extension_days: int = 0,
    calendar: WorkingCalendar,
) -> Deadline:
    """The due date for a limit in working days, counted from the day after acceptance.

    Working days in (paused_on, resumed_on] of each pause do not count;
    `extension_days` are added to the limit. The result is marked provisional
    when it falls in a year whose State Council notice is not in yet.
    """
    return calendar.due_date(accepted_on, limit, pauses=pauses, extension_days=extension_days)


def sla_state(due_on: date, *, at: date | datetime, calendar: WorkingCalendar) -> SLA:
    """The SLA state of a deadline on day `at`: on time, due soon (≤ 1 working day left) or overdue."""
    if isinstance(at, datetime):
        at = timezone.localdate(at)
    return calendar.sla_state(due_on, at=at)
