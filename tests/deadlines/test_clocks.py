"""Deadline clocks: start, pause, resume, extend, close, and their SLA state."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from deadlines.clocks import clock_close, clock_extend, clock_pause, clock_resume, clock_start
from deadlines.models import Clock, ClockEvent, ClockPause
from deadlines.workdays import SLA, CalendarUnavailable

from .conftest import at


def test_it_starts_with_the_due_date(seeded):
    clock = clock_start(accepted_on=date(2025, 9, 30), limit_days=2, at=at(2025, 9, 30))
    assert (clock.due_on, clock.provisional, clock.state) == (date(2025, 10, 10), False, Clock.State.RUNNING)
    assert list(clock.events.values_list("kind", "new_due_on")) == [(ClockEvent.Kind.STARTED, date(2025, 10, 10))]


def test_it_refuses_to_start_beyond_the_horizon(seeded, now):
    with pytest.raises(CalendarUnavailable) as raised:
        clock_start(accepted_on=date(2027, 12, 20), limit_days=30, at=now)
    assert raised.value.year == 2028
    assert not Clock.objects.exists()


def test_a_pause_adds_back_its_working_days(seeded):
    clock = clock_start(accepted_on=date(2026, 3, 2), limit_days=5, at=at(2026, 3, 2))
    assert clock.due_on == date(2026, 3, 9)
    clock = clock_pause(clock=clock, reason=ClockPause.Reason.CORRECTION, at=at(2026, 3, 4))
    assert (clock.state, clock.due_on, clock.sla_state(at=at(2026, 3, 20))) == (Clock.State.PAUSED, None, None)
    clock = clock_resume(clock=clock, at=at(2026, 3, 9))
    # Thursday 5, Friday 6 and Monday 9 March did not count.
    assert (clock.state, clock.due_on) == (Clock.State.RUNNING, date(2026, 3, 12))
    assert clock.closed_pauses() == [(date(2026, 3, 4), date(2026, 3, 9))]
    kinds = list(clock.events.values_list("kind", flat=True))
    assert kinds == [ClockEvent.Kind.STARTED, ClockEvent.Kind.PAUSED, ClockEvent.Kind.RESUMED]


def test_it_refuses_steps_out_of_order(seeded):
    clock = clock_start(accepted_on=date(2026, 3, 2), limit_days=5, at=at(2026, 3, 2))
    with pytest.raises(ValidationError):
        clock_resume(clock=clock, at=at(2026, 3, 3))
    clock = clock_pause(clock=clock, reason=ClockPause.Reason.SUSPENSION, at=at(2026, 3, 3))
    with pytest.raises(ValidationError):
        clock_pause(clock=clock, reason=ClockPause.Reason.CORRECTION, at=at(2026, 3, 4))
    clock = clock_close(clock=clock, at=at(2026, 3, 5))
    for step in (
        lambda: clock_extend(clock=clock, days=2, at=at(2026, 3, 6)),
        lambda: clock_close(clock=clock, at=at(2026, 3, 6)),
        lambda: clock_pause(clock=clock, reason=ClockPause.Reason.CORRECTION, at=at(2026, 3, 6)),
    ):
        with pytest.raises(ValidationError):
            step()


def test_it_extends_the_limit(seeded):
    clock = clock_start(accepted_on=date(2025, 9, 30), limit_days=2, at=at(2025, 9, 30))
    clock = clock_extend(clock=clock, days=3, note="专家评审需要", at=at(2025, 10, 9))
    assert (clock.extension_days, clock.due_on) == (3, date(2025, 10, 14))
    event = clock.events.get(kind=ClockEvent.Kind.EXTENDED)
    assert (event.old_due_on, event.new_due_on, event.note) == (date(2025, 10, 10), date(2025, 10, 14), "专家评审需要")
    with pytest.raises(ValidationError):
        clock_extend(clock=clock, days=0, at=at(2025, 10, 9))


def test_closing_a_paused_clock_ends_its_pause(seeded):
    clock = clock_start(accepted_on=date(2026, 3, 2), limit_days=5, at=at(2026, 3, 2))
    clock = clock_pause(clock=clock, reason=ClockPause.Reason.CORRECTION, at=at(2026, 3, 4))
    clock = clock_close(clock=clock, at=at(2026, 3, 6))
    assert (clock.state, clock.due_on) == (Clock.State.CLOSED, date(2026, 3, 11))
    assert clock.pauses.get().resumed_on == date(2026, 3, 6)
    assert clock.sla_state(at=at(2026, 4, 1)) == SLA.ON_TIME


def test_it_gives_its_sla_state_on_a_day(seeded):
    clock = clock_start(accepted_on=date(2025, 9, 30), limit_days=2, at=at(2025, 9, 30))
    assert clock.sla_state(at=at(2025, 10, 8)) == SLA.ON_TIME
    assert clock.sla_state(at=at(2025, 10, 9)) == SLA.DUE_SOON
    assert clock.sla_state(at=at(2025, 10, 11)) == SLA.OVERDUE
    late = clock_close(clock=clock, at=at(2025, 10, 13))
    assert late.sla_state(at=at(2025, 12, 1)) == SLA.OVERDUE


def test_the_queryset_finds_clocks_by_sla(seeded):
    soon = clock_start(accepted_on=date(2025, 9, 30), limit_days=2, at=at(2025, 9, 30))  # due 10 October
    later = clock_start(accepted_on=date(2025, 9, 30), limit_days=10, at=at(2025, 9, 30))
    closed = clock_close(clock=clock_start(accepted_on=date(2025, 9, 1), limit_days=1, at=at(2025, 9, 1)), at=at(2025, 9, 1))
    assert list(Clock.objects.due_soon(at=date(2025, 10, 9))) == [soon]
    assert list(Clock.objects.overdue(at=date(2025, 10, 11))) == [soon]
    assert set(Clock.objects.open()) == {soon, later}
    assert closed not in Clock.objects.overdue(at=date(2026, 1, 1))
