"""Writes to the working-day calendar.

Every change goes through one of these functions. Each one, in its
transaction, records a `CalendarChange` (whose new token invalidates every
process's cached index) and, once committed, queues the recomputation of the
open deadlines in the changed years (`deadlines.tasks.recompute_deadlines`).

- `calendar_sync`: seed from the packages; never overwrites an administrator's
  entries (a year entered by an administrator, or a single day they edited).
- `calendar_notice_enter`: an administrator enters a year's State Council
  notice as holiday ranges plus adjusted working days; the year becomes
  official and its entries replace whatever that year had.
- `calendar_day_save` / `calendar_day_delete`: single-day corrections (the
  Django admin uses them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from celery import current_app
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deadlines import holiday_sources
from deadlines.selectors import can_edit_calendar
from deadlines.models import CalendarChange, CalendarDay, CalendarSource, CalendarYear
from deadlines.workdays import DayInfo, horizon_year

ONE_DAY = timedelta(days=1)
# Longer than any holiday so far (the 2020 Spring Festival extension lasted
# ten days): a longer range is almost certainly a typing mistake.
MAX_HOLIDAY_DAYS = 31


@dataclass(frozen=True)
class HolidayRange:
    name_zh: str
    first_day: date
    last_day: date
    name_en: str = ""

    def days(self):
        day = self.first_day
        while day <= self.last_day:
            yield day
            day += ONE_DAY


@dataclass(frozen=True)
class AdjustedWorkingDay:
    day: date
    name_zh: str = ""
    name_en: str = ""


@dataclass(frozen=True)
class Notice:
    """A year's State Council holiday notice, as an administrator enters it."""

    year: int
    reference: str
    holidays: tuple[HolidayRange, ...]
    working_days: tuple[AdjustedWorkingDay, ...] = ()

    def days(self) -> dict[date, DayInfo]:
        days = {}
        for holiday in self.holidays:
            for day in holiday.days():
                days[day] = DayInfo(False, holiday.name_zh.strip(), holiday.name_en.strip())
        for working in self.working_days:
            days[working.day] = DayInfo(True, working.name_zh.strip(), working.name_en.strip())
        return dict(sorted(days.items()))


def _require_editor(actor) -> None:
    if not can_edit_calendar(actor):
        raise PermissionDenied(_("You do not have permission to do this."))


def _lock_calendar() -> None:
    """Serialise calendar writers on the latest change row.

    Versions are then written in commit order, so that a process never caches
    an index under a version that a concurrent, later-committing change shares.
    """
    list(CalendarChange.objects.select_for_update().order_by("-id").values_list("id", flat=True)[:1])


def _record_change(*, kind: str, years, actor, at: datetime, summary, params: dict) -> CalendarChange:
    """Record a change; `summary` (a lazy message with `params`) is kept in Chinese and in English."""
    years = sorted(set(years))
    with translation.override("zh-hans"):
        summary_zh = str(summary) % params
    with translation.override("en"):
        summary_en = str(summary) % params
    change = CalendarChange.objects.create(
        kind=kind, years=years, actor=actor, at=at, summary=summary_zh, summary_en=summary_en
    )

    # By name: the task module imports these services, not the other way round. Robust: with the
    # broker down the change still stands and the failed enqueue is logged as an error.
    transaction.on_commit(
        lambda: current_app.signature("deadlines.tasks.recompute_deadlines", args=(years,)).delay(), robust=True
    )
    return change


def _short(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


# -- package seed --------------------------------------------------------------------


@dataclass
class SyncReport:
    seeded: list[int] = field(default_factory=list)  # years that come from a package
    skipped: list[int] = field(default_factory=list)  # years an administrator entered
    created: int = 0
    updated: int = 0
    deleted: int = 0
    changed_years: list[int] = field(default_factory=list)
    disagreements: list[tuple[date, bool, bool]] = field(default_factory=list)


@transaction.atomic
def calendar_sync(*, at: datetime, actor=None) -> SyncReport:
    """Seed (or re-seed) every year the packages cover, keeping administrators' entries."""
    if actor is not None:
        _require_editor(actor)
    _lock_calendar()
    report = SyncReport(disagreements=holiday_sources.disagreements())
    records = {r.year: r for r in CalendarYear.objects.all()}
    existing = {row.date: row for row in CalendarDay.objects.all()}
    to_create, to_update, to_delete = [], [], []
    changed = set()

    for year, package in holiday_sources.package_years().items():
        record = records.get(year)
        if record is not None and record.source == CalendarSource.ADMIN:
            report.skipped.append(year)
            continue
        report.seeded.append(year)
        for day, info in package.days.items():
            row = existing.get(day)
            values = {
                "is_working_day": info.is_working_day,
                "name_zh": info.name_zh,
                "name_en": info.name_en,
                "source": package.source,
                "notice_year": year,
            }
            if row is None:
                to_create.append(CalendarDay(date=day, updated_at=at, **values))
                changed.add(year)
            elif row.source == CalendarSource.ADMIN:
                continue
            elif any(getattr(row, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(row, name, value)
                row.updated_at = at
                to_update.append(row)
                changed.add(year)
        for day, row in existing.items():
            if day.year == year and row.source != CalendarSource.ADMIN and day not in package.days:
                to_delete.append(row.pk)
                changed.add(year)
        if record is None or record.source != package.source:
            changed.add(year)
        if record is None or (record.source, record.notice) != (package.source, package.reference):
            CalendarYear.objects.update_or_create(
                year=year,
                defaults={"source": package.source, "notice": package.reference, "entered_by": None, "updated_at": at},
            )

    for row in to_create + to_update:
        row.full_clean(validate_unique=False)
    CalendarDay.objects.bulk_create(to_create)
    CalendarDay.objects.bulk_update(
        to_update, ["is_working_day", "name_zh", "name_en", "source", "notice_year", "updated_at"]
    )
    CalendarDay.objects.filter(pk__in=to_delete).delete()
    report.created, report.updated, report.deleted = len(to_create), len(to_update), len(to_delete)
    report.changed_years = sorted(changed)
    if changed:
        _record_change(
            kind=CalendarChange.Kind.SYNC,
            years=changed,
            actor=actor,
            at=at,
            summary=gettext_lazy(
                "Seeded from the packages: %(created)s days added, %(updated)s changed, %(deleted)s removed."
            ),
            params={"created": report.created, "updated": report.updated, "deleted": report.deleted},
        )
    return report


# -- a State Council notice ------------------------------------------------------------


def notice_validate(notice: Notice, *, today: date) -> None:
    """Check a notice before it is previewed or saved; errors are keyed by
    "year", "notice", "holidays" and "working_days"."""
    errors = defaultdict(list)
    official = sorted(CalendarYear.objects.values_list("year", flat=True))
    year, horizon = notice.year, horizon_year(today)
    if official and year < official[0]:
        errors["year"].append(
            _("The calendar starts in %(first)s: a notice for %(year)s cannot be entered.")
            % {"first": official[0], "year": year}
        )
    elif year > horizon:
        errors["year"].append(
            _("A notice can be entered up to next year, %(horizon)s.") % {"horizon": horizon}
        )
    elif official and year > official[-1] + 1:
        errors["year"].append(_("Enter the notice for %(year)s first.") % {"year": official[-1] + 1})
    if not notice.reference.strip():
        errors["notice"].append(_("Enter the notice's reference, for example its document number."))

    first_allowed, last_allowed = date(year - 1, 12, 1), date(year, 12, 31)
    outside = _("%(label)s must fall in %(year)s, or in December of the year before.")
    if not notice.holidays:
        errors["holidays"].append(_("Enter at least one holiday."))
    taken: dict[date, str] = {}
    for number, holiday in enumerate(notice.holidays, 1):
        label = _("Holiday %(number)s") % {"number": number}
        if not holiday.name_zh.strip():
            errors["holidays"].append(_("%(label)s: enter its name in Chinese.") % {"label": label})
        if holiday.last_day < holiday.first_day:
            errors["holidays"].append(_("%(label)s ends before it starts.") % {"label": label})
        elif holiday.first_day < first_allowed or holiday.last_day > last_allowed:
            errors["holidays"].append(outside % {"label": label, "year": year})
        elif (holiday.last_day - holiday.first_day).days >= MAX_HOLIDAY_DAYS:
            errors["holidays"].append(
                _("%(label)s is longer than %(days)s days: check its dates.") % {"label": label, "days": MAX_HOLIDAY_DAYS}
            )
        else:
            for day in holiday.days():
                if day in taken:
                    errors["holidays"].append(
                        _("%(label)s overlaps %(other)s.") % {"label": label, "other": taken[day]}
                    )
                    break
            for day in holiday.days():
                taken.setdefault(day, label)

    seen = set()
    for number, working in enumerate(notice.working_days, 1):
        label = _("Adjusted working day %(number)s") % {"number": number}
        values = {"label": label, "date": _short(working.day)}
        if working.day < first_allowed or working.day > last_allowed:
            errors["working_days"].append(outside % {"label": label, "year": year})
        elif working.day.weekday() < 5:
            errors["working_days"].append(
                _("%(label)s (%(date)s) is a weekday: an adjusted working day is a Saturday or a Sunday.") % values
            )
        elif working.day in taken:
            errors["working_days"].append(
                _("%(label)s (%(date)s) falls inside %(holiday)s.") % {**values, "holiday": taken[working.day]}
            )
        elif working.day in seen:
            errors["working_days"].append(_("%(label)s repeats %(date)s.") % values)
        seen.add(working.day)
    if errors:
        raise ValidationError(dict(errors))


@transaction.atomic
def calendar_notice_enter(*, actor, notice: Notice, at: datetime) -> CalendarYear:
    """Enter (or correct) a year's notice. The year becomes official, and its
    open deadlines are recomputed once this commits."""
    _require_editor(actor)
    _lock_calendar()
    notice_validate(notice, today=timezone.localdate(at))
    new_days = notice.days()
    replaced = CalendarDay.objects.filter(Q(notice_year=notice.year) | Q(date__in=list(new_days)))
    touched = {notice.year} | {day.year for day in new_days}
    touched |= {day.year for day in replaced.values_list("date", flat=True)}
    replaced.delete()
    rows = [
        CalendarDay(
            date=day,
            is_working_day=info.is_working_day,
            name_zh=info.name_zh,
            name_en=info.name_en,
            source=CalendarSource.ADMIN,
            notice_year=notice.year,
            changed_by=actor,
            updated_at=at,
        )
        for day, info in new_days.items()
    ]
    for row in rows:
        row.full_clean(validate_unique=False)
    CalendarDay.objects.bulk_create(rows)
    record, _created = CalendarYear.objects.update_or_create(
        year=notice.year,
        defaults={
            "source": CalendarSource.ADMIN,
            "notice": notice.reference.strip(),
            "entered_by": actor,
            "updated_at": at,
        },
    )
    record.full_clean()
    _record_change(
        kind=CalendarChange.Kind.NOTICE,
        years=touched,
        actor=actor,
        at=at,
        summary=gettext_lazy("%(reference)s: %(holidays)s holiday days, %(working)s adjusted working days."),
        params={
            "reference": record.notice,
            "holidays": sum(1 for info in new_days.values() if not info.is_working_day),
            "working": sum(1 for info in new_days.values() if info.is_working_day),
        },
    )
    return record


# -- single days ---------------------------------------------------------------------------


@transaction.atomic
def calendar_day_save(
    *, actor, day: date, is_working_day: bool, name_zh: str = "", name_en: str = "", at: datetime
) -> CalendarDay:
    """Set one day (an administrator's correction; the package seed will not overwrite it)."""
    _require_editor(actor)
    _lock_calendar()
    row = CalendarDay.objects.filter(date=day).first() or CalendarDay(date=day, notice_year=day.year)
    row.is_working_day = is_working_day
    row.name_zh, row.name_en = name_zh.strip(), name_en.strip()
    row.source = CalendarSource.ADMIN
    row.changed_by = actor
    row.updated_at = at
    row.full_clean()
    row.save()
    kind = _("working day") if is_working_day else _("day off")
    _record_change(
        kind=CalendarChange.Kind.DAY,
        years={day.year},
        actor=actor,
        at=at,
        summary=gettext_lazy("%(date)s set as a %(kind)s."),
        params={"date": day.isoformat(), "kind": kind},
    )
    return row


@transaction.atomic
def calendar_day_delete(*, actor, day: date, at: datetime) -> None:
    """Remove one day's entry: it becomes an ordinary weekday or weekend again
    (until the package seed brings back a package entry for it)."""
    _require_editor(actor)
    _lock_calendar()
    deleted, _detail = CalendarDay.objects.filter(date=day).delete()
    if deleted:
        _record_change(
            kind=CalendarChange.Kind.DAY,
            years={day.year},
            actor=actor,
            at=at,
            summary=gettext_lazy("%(date)s reset to an ordinary day."),
            params={"date": day.isoformat()},
        )
