"""Deadline clocks: the writes.

A `Clock` is the deadline of one piece of work (the application workflow
gives each accepted application one). These services keep its cached due date
right; each locks the clock row, checks its state, and appends a
`ClockEvent`:

    clock = clock_start(accepted_on=..., limit_days=item.promised_limit, at=now)
    clock = clock_pause(clock=clock, reason=ClockPause.Reason.CORRECTION, at=now)
    clock = clock_resume(clock=clock, at=now)
    clock = clock_extend(clock=clock, days=5, note=reason, at=now)
    clock = clock_close(clock=clock, at=now)

Each returns the updated clock. Starting a clock (or resuming, extending)
raises `deadlines.workdays.CalendarUnavailable` when the due date would fall
beyond the calendar; the caller shows its message. Who may pause or extend,
and how often, is the workflow's business, not the clock's.

When the calendar changes, `recompute_open_clocks` (run by the
`recompute_deadlines` task) recomputes every running clock that reaches into
a changed year. For each one whose due date moved it calls the handlers that
the clocks' owners registered with `on_deadline_moved` (the application
workflow registers one in its `AppConfig.ready()`), inside the transaction
that saves the move: the owner's writes commit or roll back with it. This
app imports nothing from its callers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines.selectors import stored_calendar
from deadlines.models import Clock, ClockEvent, ClockPause
from deadlines.workdays import CalendarUnavailable, Deadline, WorkingCalendar, due_date

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeadlineMove:
    """A running clock's due date moved because the calendar changed (the clock is saved already)."""

    clock: Clock
    old_due_on: date
    new_due_on: date
    provisional: bool
    at: datetime


_move_handlers: list[Callable[[DeadlineMove], None]] = []


def on_deadline_moved(handler: Callable[[DeadlineMove], None]) -> Callable[[DeadlineMove], None]:
    """Call `handler(move)` for every due date a calendar change moves.

    It runs inside the transaction that saves the move, one clock per
    transaction. A handler that sends email or SMS defers it with
    `transaction.on_commit`. Registering the same handler twice is harmless.
    """
    if handler not in _move_handlers:
        _move_handlers.append(handler)
    return handler


def _deadline(clock: Clock, *, at: datetime, calendar: WorkingCalendar | None = None) -> Deadline:
    return due_date(
        clock.accepted_on,
        clock.limit_days,
        pauses=clock.closed_pauses(),
        extension_days=clock.extension_days,
        calendar=calendar or stored_calendar(today=timezone.localdate(at)),
    )


def _event(clock: Clock, kind: str, *, at: datetime, old: date | None = None, new: date | None = None, note=""):
    return ClockEvent.objects.create(clock=clock, kind=kind, at=at, old_due_on=old, new_due_on=new, note=note)


def _locked(clock: Clock) -> Clock:
    return Clock.objects.select_for_update().get(pk=clock.pk)


def _save(clock: Clock) -> None:
    clock.full_clean()
    clock.save()


@transaction.atomic
def clock_start(*, accepted_on: date, limit_days: int, at: datetime) -> Clock:
    """Start counting `limit_days` working days from the day after `accepted_on`."""
    if limit_days < 0:
        raise ValidationError({"limit_days": _("A time limit cannot be negative.")})
    deadline = due_date(accepted_on, limit_days, calendar=stored_calendar(today=timezone.localdate(at)))
    clock = Clock(
        accepted_on=accepted_on,
        limit_days=limit_days,
        due_on=deadline.due_on,
        provisional=deadline.provisional,
        created_at=at,
    )
    _save(clock)
    _event(clock, ClockEvent.Kind.STARTED, at=at, new=deadline.due_on)
    return clock


@transaction.atomic
def clock_pause(*, clock: Clock, reason: str, at: datetime, expected_end: date | None = None) -> Clock:
    """Stop the clock from today (today still counts) until it is resumed.

    `expected_end`: when an excluded period (a hearing, an inspection…) should be over.
    """
    clock = _locked(clock)
    if clock.state != Clock.State.RUNNING:
        raise ValidationError(_("The clock is not running."))
    paused_on = max(timezone.localdate(at), clock.accepted_on)
    pause = ClockPause(clock=clock, reason=reason, paused_on=paused_on, expected_end=expected_end)
    pause.full_clean()
    pause.save()
    old = clock.due_on
    clock.state, clock.due_on, clock.provisional = Clock.State.PAUSED, None, False
    _save(clock)
    _event(clock, ClockEvent.Kind.PAUSED, at=at, old=old, note=pause.get_reason_display())
    return clock


def _end_open_pause(clock: Clock, *, at: datetime) -> None:
    pause = clock.pauses.get(resumed_on__isnull=True)
    pause.resumed_on = max(timezone.localdate(at), pause.paused_on)
    pause.full_clean()
    pause.save()


@transaction.atomic
def clock_resume(*, clock: Clock, at: datetime) -> Clock:
    """Run the clock again; counting restarts the day after today."""
    clock = _locked(clock)
    if clock.state != Clock.State.PAUSED:
        raise ValidationError(_("The clock is not paused."))
    _end_open_pause(clock, at=at)
    clock.state = Clock.State.RUNNING
    clock.due_on, clock.provisional = _deadline(clock, at=at)
    _save(clock)
    _event(clock, ClockEvent.Kind.RESUMED, at=at, new=clock.due_on)
    return clock


@transaction.atomic
def clock_extend(*, clock: Clock, days: int, at: datetime, note: str = "") -> Clock:
    """Add `days` working days to the limit."""
    clock = _locked(clock)
    if clock.state == Clock.State.CLOSED:
        raise ValidationError(_("The clock has stopped."))
    if days < 1:
        raise ValidationError({"days": _("Extend by at least one working day.")})
    old = clock.due_on
    clock.extension_days += days
    if clock.state == Clock.State.RUNNING:
        clock.due_on, clock.provisional = _deadline(clock, at=at)
    _save(clock)
    _event(clock, ClockEvent.Kind.EXTENDED, at=at, old=old, new=clock.due_on, note=note)
    return clock


@transaction.atomic
def clock_close(*, clock: Clock, at: datetime) -> Clock:
    """Stop the clock for good (a decision, a withdrawal). A pause still open ends today."""
    clock = _locked(clock)
    if clock.state == Clock.State.CLOSED:
        raise ValidationError(_("The clock has already stopped."))
    if clock.state == Clock.State.PAUSED:
        _end_open_pause(clock, at=at)
        clock.due_on, clock.provisional = _deadline(clock, at=at)
    clock.state, clock.closed_at = Clock.State.CLOSED, at
    _save(clock)
    _event(clock, ClockEvent.Kind.CLOSED, at=at, new=clock.due_on)
    return clock


@transaction.atomic
def clock_recompute(
    *, clock: Clock | int, at: datetime, calendar: WorkingCalendar | None = None
) -> tuple[date, date] | None:
    """Bring a running clock's due date in line with the calendar.

    Returns (old, new) and tells the registered handlers when the due date moved;
    a provisional date that the notice confirms only loses its mark.
    """
    pk = clock.pk if isinstance(clock, Clock) else clock
    clock = Clock.objects.select_for_update().filter(pk=pk, state=Clock.State.RUNNING).first()
    if clock is None:
        return None
    deadline = _deadline(clock, at=at, calendar=calendar)
    old, was_provisional = clock.due_on, clock.provisional
    if (old, was_provisional) == tuple(deadline):
        return None
    clock.due_on, clock.provisional = deadline
    _save(clock)
    if old == deadline.due_on:
        if was_provisional and not deadline.provisional:
            _event(clock, ClockEvent.Kind.CONFIRMED, at=at, old=old, new=old)
        return None
    _event(clock, ClockEvent.Kind.MOVED, at=at, old=old, new=deadline.due_on)
    move = DeadlineMove(clock=clock, old_due_on=old, new_due_on=deadline.due_on, provisional=deadline.provisional, at=at)
    for handler in _move_handlers:
        handler(move)
    return old, deadline.due_on


def recompute_open_clocks(*, years, at: datetime) -> int:
    """Recompute every running clock that reaches into `years`, each in its own transaction; returns how many moved."""
    years = list(years)
    if not years:
        return 0
    calendar = stored_calendar(today=timezone.localdate(at))
    moved = 0
    for pk in Clock.objects.touching_years(years).values_list("pk", flat=True).iterator():
        try:
            if clock_recompute(clock=pk, at=at, calendar=calendar):
                moved += 1
        except CalendarUnavailable as exc:
            # The calendar lost a year this clock needs; keep its date and say so.
            logger.warning("clock %s keeps its due date: %s", pk, exc)
    return moved
