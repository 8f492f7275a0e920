"""Holiday data from the maintained packages `chinesecalendar` and `holidays`.

No holiday dates are written in OneGate's code: they come from here, or from
an administrator who enters a State Council notice.

- `package_years()`: every year whose State Council notice a package carries,
  as the exceptions to "Monday to Friday work" (holidays, including the
  weekend days inside a holiday range, and adjusted working days). This is the
  seed that `calendar_sync` writes into the calendar table.
  `chinesecalendar` lists every day of each notice, so it wins for the years
  it covers; `holidays` (whose China data records the adjusted working days of
  each notice) fills the years before them.
- `rule_days(year)`: a year's statutory holidays computed by rule, with a day
  off in lieu for a holiday that falls on a weekend and no adjusted working
  days. This is the provisional calendar of a year without a notice.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib.metadata import version

import chinese_calendar
import holidays
from holidays.countries.china import ChinaStaticHolidays

from deadlines.workdays import DayInfo, build_calendar, horizon_year

CHINESECALENDAR = "chinesecalendar"
HOLIDAYS = "holidays"


@dataclass(frozen=True)
class PackageYear:
    year: int
    source: str  # CHINESECALENDAR or HOLIDAYS
    reference: str  # package name and version, recorded as the year's notice reference
    days: dict[date, DayInfo] = field(default_factory=dict)


def _days_of(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def chinesecalendar_years() -> range:
    known = list(chinese_calendar.holidays) + list(chinese_calendar.workdays)
    return range(min(known).year, max(known).year + 1)


def holidays_package_years() -> list[int]:
    """Years for which `holidays` carries the State Council notice (its adjusted days)."""
    return sorted(getattr(ChinaStaticHolidays, "special_public_holidays", {}))


def _chinesecalendar_names(english: str) -> tuple[str, str]:
    try:
        return chinese_calendar.Holiday(english).chinese, english
    except ValueError:
        return english, english


def _from_chinesecalendar(year: int) -> dict[date, DayInfo]:
    days = {}
    for table, working in ((chinese_calendar.holidays, False), (chinese_calendar.workdays, True)):
        for day, english in table.items():
            if day.year == year:
                days[day] = DayInfo(working, *_chinesecalendar_names(english))
    return dict(sorted(days.items()))


@functools.cache
def _holidays_package(first_year: int, last_year: int) -> tuple[holidays.HolidayBase, holidays.HolidayBase]:
    years = range(first_year, last_year + 1)
    return (
        holidays.country_holidays("CN", years=years, language="zh_CN"),
        holidays.country_holidays("CN", years=years, language="en_US"),
    )


def _from_holidays_package(year: int) -> dict[date, DayInfo]:
    # Neighbouring years too: a notice may make a late-December weekend of the
    # year before a working day.
    zh, en = _holidays_package(year - 1, year + 1)
    days = {}
    for day in _days_of(year):
        working = zh.is_working_day(day)
        ordinary = day.weekday() < 5
        if working != ordinary or (not working and day in zh):
            days[day] = DayInfo(working, zh.get(day, ""), en.get(day, ""))
    return days


@functools.cache
def package_years() -> dict[int, PackageYear]:
    """The official years the installed packages carry, chinesecalendar first."""
    result = {}
    reference = f"{HOLIDAYS} {version('holidays')}"
    for year in holidays_package_years():
        result[year] = PackageYear(year, HOLIDAYS, reference, _from_holidays_package(year))
    reference = f"{CHINESECALENDAR} {version('chinesecalendar')}"
    for year in chinesecalendar_years():
        result[year] = PackageYear(year, CHINESECALENDAR, reference, _from_chinesecalendar(year))
    return dict(sorted(result.items()))


@functools.cache
def disagreements() -> list[tuple[date, bool, bool]]:
    """Days on which the two packages disagree: (day, chinesecalendar says working, holidays says working)."""
    both = [y for y in holidays_package_years() if y in chinesecalendar_years()]
    if not both:
        return []
    zh, _en = _holidays_package(both[0] - 1, both[-1] + 1)
    found = []
    for year in both:
        for day in _days_of(year):
            ours, theirs = chinese_calendar.is_workday(day), zh.is_working_day(day)
            if ours != theirs:
                found.append((day, ours, theirs))
    return found


@functools.cache
def rule_days(year: int) -> dict[date, DayInfo]:
    """The statutory holidays of `year` by rule (days in lieu included, no adjusted working days)."""
    zh = holidays.country_holidays("CN", years=year, language="zh_CN")
    en = holidays.country_holidays("CN", years=year, language="en_US")
    return {day: DayInfo(False, zh[day], en.get(day, zh[day])) for day in sorted(zh) if day.year == year}


def package_calendar(*, today: date):
    """The calendar the packages alone give, as `calendar_sync` would store it (no database).

    For the benchmark and for tests; the application uses the stored calendar.
    """
    years = package_years()
    days = {}
    for package in years.values():
        days.update(package.days)
    return build_calendar(
        days,
        official_years=years,
        horizon_year=horizon_year(today),
        rule_days=rule_days,
        version=f"packages@{today.isoformat()}",
    )
