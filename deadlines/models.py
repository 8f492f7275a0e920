from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deadlines.workdays import SLA, WorkingCalendar
from portal.constraints import OneQueryChecks
from portal.i18n import BilingualNameMixin

# -- the working-day calendar ---------------------------------------------------
#
# The table holds only the days that differ from "Monday to Friday work":
# holidays (with the weekend days inside a holiday range, so that the month
# grid can name them) and adjusted working days (调休). A year is official
# once its notice is in (a CalendarYear row). Provisional years are not
# stored: they are computed by rule when the calendar is built.


class CalendarSource(models.TextChoices):
    CHINESECALENDAR = "chinesecalendar", _("chinesecalendar package")
    HOLIDAYS = "holidays", _("holidays package")
    ADMIN = "admin", _("administrator")


PACKAGE_SOURCES = (CalendarSource.CHINESECALENDAR, CalendarSource.HOLIDAYS)


class CalendarYear(models.Model):
    """A year whose State Council holiday notice is in the calendar table: an official year."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=20, choices=CalendarSource.choices)
    notice = models.CharField(
        _("notice"),
        max_length=200,
        help_text=_("The State Council notice's reference, or the package and version it came from."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["year"]
        verbose_name = _("official calendar year")
        verbose_name_plural = _("official calendar years")

    def __str__(self):
        return str(self.year)


class CalendarDay(BilingualNameMixin, models.Model):
    """A day that is not an ordinary weekday or weekend: a holiday or an adjusted working day."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=CalendarSource.choices)
    # The year whose notice set this day: a notice may make a late-December
    # weekend of the year before a working day.
    notice_year = models.PositiveSmallIntegerField(_("notice year"), db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self):
        return f"{self.date.isoformat()} {self.name}".strip()

    @property
    def is_adjusted_working_day(self) -> bool:
        return self.is_working_day and self.date.weekday() >= 5


class CalendarChange(models.Model):
    """One change to the calendar, by whom and why.

    Its token is the calendar's version: every process compares the latest
    token with the one its cached index was built from, so a change made
    anywhere invalidates every index.
    """

    class Kind(models.TextChoices):
        SYNC = "sync", _("seeded from the packages")
        NOTICE = "notice", _("notice entered")
        DAY = "day", _("single day edited")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    years = models.JSONField(_("years"), default=list)
    summary = models.TextField(_("summary"))
    summary_en = models.TextField(_("summary (English)"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("calendar change")
        verbose_name_plural = _("calendar changes")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.summary}"

    @property
    def summary_text(self) -> str:
        """The summary in the active language."""
        from portal.i18n import prefers_chinese

        return self.summary if prefers_chinese() else (self.summary_en or self.summary)


# -- deadlines ------------------------------------------------------------------

# Where `due_soon` and `sla_state` get the calendar when the caller passes
# none. The stored calendar is read from the models above, so this module
# cannot import its reader: `DeadlinesConfig.ready()` plugs in
# `deadlines.selectors.stored_calendar`.
_default_calendar: Callable[[], WorkingCalendar] | None = None


def use_default_calendar(source: Callable[[], WorkingCalendar]) -> None:
    global _default_calendar
    _default_calendar = source


def _calendar(calendar: WorkingCalendar | None) -> WorkingCalendar:
    if calendar is not None:
        return calendar
    if _default_calendar is None:
        raise RuntimeError("No default working-day calendar: the deadlines app is not ready.")
    return _default_calendar()


class ClockQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(state=Clock.State.CLOSED)

    def running(self):
        return self.filter(state=Clock.State.RUNNING)

    def paused(self):
        return self.filter(state=Clock.State.PAUSED)

    def provisional(self):
        return self.running().filter(provisional=True)

    def overdue(self, *, at: date):
        """Running clocks whose due date is before `at`."""
        return self.running().filter(due_on__lt=at)

    def due_soon(self, *, at: date, calendar: WorkingCalendar | None = None):
        """Running clocks with at most one working day left on `at` (the due day itself included).

        Without `calendar`, the stored one.
        """
        return self.running().filter(due_on__gte=at, due_on__lte=_calendar(calendar).add_working_days(at, 1))

    def touching_years(self, years):
        """Running clocks whose counting window (accepted_on, due_on] reaches into one of `years`."""
        years = list(years)
        return self.running().filter(
            accepted_on__lte=date(max(years), 12, 31), due_on__gte=date(min(years), 1, 1)
        )


class Clock(OneQueryChecks):
    """A deadline in working days, for whatever owns it (an application, later).

    The due date is cached in `due_on` and kept current by the services in
    `deadlines.clocks`: on every start, pause, resume or extension, and when
    the calendar changes. While the clock is paused it has no due date. The
    SLA state depends on the day it is asked for, so it is computed
    (`sla_state(at=)`), not stored.
    """

    class State(models.TextChoices):
        RUNNING = "running", _("running")
        PAUSED = "paused", _("paused")
        CLOSED = "closed", _("closed")

    accepted_on = models.DateField(_("accepted on"))
    limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"))
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RUNNING)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_("The due date falls in a year whose State Council holiday notice is not in yet."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = ClockQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["state", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="paused", due_on__isnull=True) | ~Q(state="paused") & Q(due_on__isnull=False),
                name="clock_due_date_unless_paused",
            ),
            models.CheckConstraint(
                condition=Q(state="closed", closed_at__isnull=False) | ~Q(state="closed") & Q(closed_at__isnull=True),
                name="clock_closed_at_when_closed",
            ),
        ]
        verbose_name = _("deadline clock")
        verbose_name_plural = _("deadline clocks")

    def __str__(self):
        return f"{self.accepted_on.isoformat()} + {self.total_days} → {self.due_on or '—'}"

    @property
    def total_days(self) -> int:
        return self.limit_days + self.extension_days

    def closed_pauses(self) -> list[tuple[date, date]]:
        return [(p.paused_on, p.resumed_on) for p in self.pauses.all() if p.resumed_on is not None]

    def sla_state(self, *, at: date | datetime, calendar: WorkingCalendar | None = None) -> SLA | None:
        """The SLA state on day `at`; None while paused. A closed clock is judged on its closing day.

        Without `calendar`, the stored one.
        """
        if isinstance(at, datetime):
            at = timezone.localdate(at)
        if self.state == self.State.PAUSED:
            return None
        if self.state == self.State.CLOSED:
            return SLA.OVERDUE if timezone.localdate(self.closed_at) > self.due_on else SLA.ON_TIME
        return _calendar(calendar).sla_state(self.due_on, at=at)


class ClockPause(models.Model):
    """A stretch when the clock does not run: working days in (paused_on, resumed_on] do not count."""

    class Reason(models.TextChoices):
        CORRECTION = "correction", _("correction requested")
        SUSPENSION = "suspension", _("suspended for a special procedure")
        # Art. 45 of the Administrative Licensing Law: the time these take is not counted.
        HEARING = "hearing", _("hearing")
        TEST = "test", _("test or examination")
        INSPECTION = "inspection", _("inspection")
        EXPERT_REVIEW = "expert_review", _("expert review")
        PUBLIC_NOTICE = "public_notice", _("public notice")

    # The special procedures of Art. 45, each an excluded period of its own kind.
    EXCLUDED_PERIODS = (
        Reason.HEARING, Reason.TEST, Reason.INSPECTION, Reason.EXPERT_REVIEW, Reason.PUBLIC_NOTICE,
    )

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    paused_on = models.DateField(_("paused on"))
    expected_end = models.DateField(
        _("expected to end on"), null=True, blank=True, help_text=_("For an excluded period: when it should be over.")
    )
    resumed_on = models.DateField(_("resumed on"), null=True, blank=True)

    class Meta:
        ordering = ["paused_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resumed_on__isnull=True) | Q(resumed_on__gte=models.F("paused_on")),
                name="clock_pause_resumes_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["clock"], condition=Q(resumed_on__isnull=True), name="one_open_pause_per_clock"
            ),
        ]
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")

    def __str__(self):
        return f"{self.get_reason_display()} {self.paused_on.isoformat()}–{self.resumed_on or ''}"


class ClockEvent(models.Model):
    """One step in a clock's life, for the applicant's timeline and the audit."""

    class Kind(models.TextChoices):
        STARTED = "started", _("clock started")
        PAUSED = "paused", _("clock paused")
        RESUMED = "resumed", _("clock resumed")
        EXTENDED = "extended", _("time limit extended")
        MOVED = "moved", _("due date moved by a calendar change")
        CONFIRMED = "confirmed", _("due date confirmed by the State Council notice")
        CLOSED = "closed", _("clock stopped")

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("time"))
    old_due_on = models.DateField(_("previous due date"), null=True, blank=True)
    new_due_on = models.DateField(_("new due date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("clock event")
        verbose_name_plural = _("clock events")

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"
