"""Entering a year's State Council notice: validation, storage, and the
recomputation of the open deadlines it moves."""

from dataclasses import replace
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from deadlines.selectors import stored_calendar, year_grid
from deadlines.services import AdjustedWorkingDay, HolidayRange, calendar_notice_enter, calendar_sync
from deadlines.clocks import clock_pause, clock_start
from deadlines.models import CalendarChange, CalendarDay, CalendarSource, CalendarYear, Clock, ClockEvent, ClockPause
from deadlines import clocks
from deadlines.workdays import YearStatus, due_date
from tests.factories import DepartmentFactory, citizen, staff

from .conftest import NOTICE_2027, at


def test_it_makes_the_year_official(seeded, now, list_admin):
    assert stored_calendar().status(2027) == YearStatus.PROVISIONAL
    record = calendar_notice_enter(actor=list_admin, notice=NOTICE_2027, at=now)
    assert (record.source, record.notice, record.entered_by) == (CalendarSource.ADMIN, NOTICE_2027.reference, list_admin)
    calendar = stored_calendar()
    assert calendar.status(2027) == YearStatus.OFFICIAL
    assert calendar.is_working_day(date(2027, 1, 31))  # an adjusted working Sunday
    assert not calendar.is_working_day(date(2027, 2, 11))  # inside the notice's Spring Festival
    assert not calendar.is_working_day(date(2027, 2, 12))
    assert calendar.is_working_day(date(2027, 6, 9))  # the notice gave no Dragon Boat day off
    change = CalendarChange.objects.first()
    assert (change.kind, change.years, change.actor) == (CalendarChange.Kind.NOTICE, [2027], list_admin)


def test_the_month_grid_shows_the_notice(seeded, now, list_admin):
    calendar_notice_enter(actor=list_admin, notice=NOTICE_2027, at=now)
    grid = year_grid(stored_calendar(), 2027)
    assert not grid.provisional
    with translation.override("zh-hans"):
        assert (grid.holidays[1].name, grid.holidays[1].first_day, grid.holidays[1].last_day) == (
            "春节", date(2027, 2, 5), date(2027, 2, 13)
        )
    with translation.override("en"):
        assert grid.holidays[1].name == "Spring Festival"
    assert [c.day for c in grid.adjusted] == [w.day for w in NOTICE_2027.working_days]
    february = grid.months[1]
    kinds = {cell.day.day: cell.kind for week in february.weeks for cell in week if cell}
    assert (kinds[5], kinds[13], kinds[14], kinds[15], kinds[20]) == ("holiday", "holiday", "weekend", "workday", "adjusted")


def test_a_correction_replaces_the_years_entries(seeded, now, list_admin):
    calendar_notice_enter(actor=list_admin, notice=NOTICE_2027, at=now)
    corrected = replace(
        NOTICE_2027,
        holidays=NOTICE_2027.holidays[:1],
        working_days=(AdjustedWorkingDay(date(2026, 12, 27), "元旦", "New Year's Day"),),
    )
    calendar_notice_enter(actor=list_admin, notice=corrected, at=now)
    entries = CalendarDay.objects.filter(notice_year=2027)
    assert sorted(entries.values_list("date", flat=True)) == [
        date(2026, 12, 27),
        date(2027, 1, 1),
        date(2027, 1, 2),
        date(2027, 1, 3),
    ]
    assert stored_calendar().is_working_day(date(2026, 12, 27))  # a December Sunday of the year before
    assert CalendarChange.objects.first().years == [2026, 2027]


def test_a_corrected_package_year_is_kept_from_then_on(seeded, now, list_admin):
    notice = replace(NOTICE_2027, year=2026, holidays=(HolidayRange("国庆节", date(2026, 10, 1), date(2026, 10, 8)),), working_days=())
    calendar_notice_enter(actor=list_admin, notice=notice, at=now)
    assert CalendarYear.objects.get(year=2026).source == CalendarSource.ADMIN
    calendar_sync(at=now)
    assert not stored_calendar().is_working_day(date(2026, 10, 8))
    assert stored_calendar().is_working_day(date(2026, 2, 16))  # the package's Spring Festival is gone


@pytest.mark.parametrize(
    "change, key",
    [
        ({"year": 2028}, "year"),  # 2027 first
        ({"year": 2000}, "year"),  # before the calendar
        ({"reference": " "}, "notice"),
        ({"holidays": ()}, "holidays"),
        ({"holidays": (HolidayRange("春节", date(2027, 2, 13), date(2027, 2, 5)),)}, "holidays"),
        ({"holidays": (HolidayRange("", date(2027, 2, 5), date(2027, 2, 6)),)}, "holidays"),
        ({"holidays": (HolidayRange("春节", date(2027, 2, 5), date(2027, 3, 15)),)}, "holidays"),
        ({"holidays": (HolidayRange("元旦", date(2026, 11, 30), date(2026, 12, 1)),)}, "holidays"),
        (
            {
                "holidays": (
                    HolidayRange("春节", date(2027, 2, 5), date(2027, 2, 13)),
                    HolidayRange("其他", date(2027, 2, 13), date(2027, 2, 14)),
                )
            },
            "holidays",
        ),
        ({"working_days": (AdjustedWorkingDay(date(2027, 2, 17)),)}, "working_days"),  # a Wednesday
        ({"working_days": (AdjustedWorkingDay(date(2027, 2, 6)),)}, "working_days"),  # inside the holiday
        ({"working_days": (AdjustedWorkingDay(date(2028, 1, 8)),)}, "working_days"),
        ({"working_days": (AdjustedWorkingDay(date(2027, 1, 31)),) * 2}, "working_days"),
    ],
)
def test_it_refuses_a_wrong_notice(seeded, now, list_admin, change, key):
    with pytest.raises(ValidationError) as raised:
        calendar_notice_enter(actor=list_admin, notice=replace(NOTICE_2027, **change), at=now)
    assert key in raised.value.message_dict
    assert stored_calendar().status(2027) == YearStatus.PROVISIONAL


def test_it_refuses_a_year_beyond_next_year(seeded, list_admin):
    with time_machine.travel(at(2026, 3, 1), tick=False):
        with pytest.raises(ValidationError) as raised:
            calendar_notice_enter(actor=list_admin, notice=replace(NOTICE_2027, year=2028), at=at(2026, 3, 1))
    assert "year" in raised.value.message_dict


@pytest.mark.parametrize("who", ["citizen", "approver", "head", "clerk"])
def test_only_administrators_and_supervisors_enter_notices(seeded, now, who):
    actor = citizen() if who == "citizen" else staff(who, DepartmentFactory() if who in ("approver", "head") else None)
    with pytest.raises(PermissionDenied):
        calendar_notice_enter(actor=actor, notice=NOTICE_2027, at=now)
    assert not CalendarYear.objects.filter(year=2027).exists()


# -- open deadlines ---------------------------------------------------------------------


@pytest.fixture
def moved(monkeypatch):
    """Every move the engine reports to the handlers its callers registered."""
    calls = []

    def handler(move):
        calls.append((move.clock.pk, move.old_due_on, move.new_due_on, move.provisional))

    monkeypatch.setattr(clocks, "_move_handlers", [*clocks._move_handlers, handler])
    return calls


def test_entering_the_notice_moves_an_open_deadline(seeded, now, list_admin, moved, django_capture_on_commit_callbacks):
    # Accepted Wednesday 3 February 2027, 5 working days. By rule the Spring
    # Festival is 5–10 February, so it is due Tuesday 16 February, provisionally.
    clock = clock_start(accepted_on=date(2027, 2, 3), limit_days=5, at=now)
    assert (clock.due_on, clock.provisional) == (date(2027, 2, 16), True)
    untouched = clock_start(accepted_on=date(2026, 11, 26), limit_days=5, at=now)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        calendar_notice_enter(actor=list_admin, notice=NOTICE_2027, at=now)
    assert len(callbacks) == 1  # the recomputation is queued once the notice commits

    # The notice's holiday runs to 13 February: due Thursday 18 February, officially.
    clock.refresh_from_db()
    assert (clock.due_on, clock.provisional) == (date(2027, 2, 18), False)
    assert moved == [(clock.pk, date(2027, 2, 16), date(2027, 2, 18), False)]
    event = clock.events.get(kind=ClockEvent.Kind.MOVED)
    assert (event.old_due_on, event.new_due_on) == (date(2027, 2, 16), date(2027, 2, 18))
    untouched.refresh_from_db()
    assert untouched.due_on == date(2026, 12, 3)
    assert not untouched.events.exclude(kind=ClockEvent.Kind.STARTED).exists()


def test_a_deadline_the_notice_confirms_only_loses_its_mark(seeded, now, list_admin, moved, django_capture_on_commit_callbacks):
    clock = clock_start(accepted_on=date(2027, 3, 1), limit_days=5, at=now)
    assert (clock.due_on, clock.provisional) == (date(2027, 3, 8), True)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_notice_enter(actor=list_admin, notice=NOTICE_2027, at=now)
    clock.refresh_from_db()
    assert (clock.due_on, clock.provisional) == (date(2027, 3, 8), False)
    assert moved == []
    assert clock.events.filter(kind=ClockEvent.Kind.CONFIRMED).exists()


def test_it_leaves_paused_and_closed_clocks_alone(seeded, now, list_admin, moved, django_capture_on_commit_callbacks):
    paused = clock_start(accepted_on=date(2027, 2, 3), limit_days=5, at=now)
    paused = clock_pause(clock=paused, reason=ClockPause.Reason.CORRECTION, at=now)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_notice_enter(actor=list_admin, notice=NOTICE_2027, at=now)
    paused.refresh_from_db()
    assert (paused.state, paused.due_on) == (Clock.State.PAUSED, None)
    assert moved == []


def test_the_preview_calendar_predicts_the_move(seeded, now):
    from deadlines.selectors import candidate_calendar, clocks_that_would_move

    clock_start(accepted_on=date(2027, 2, 3), limit_days=5, at=now)
    candidate = candidate_calendar(NOTICE_2027, today=now.date())
    assert due_date(date(2027, 2, 3), 5, calendar=candidate) == (date(2027, 2, 18), False)
    assert clocks_that_would_move(candidate, years={2026, 2027}) == 1
    assert stored_calendar().status(2027) == YearStatus.PROVISIONAL  # nothing saved
