"""Properties of the working-day arithmetic, checked by Hypothesis over every
covered year (2001 to the provisional 2027) and against a day-by-day loop."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from deadlines.holiday_sources import package_calendar
from deadlines.workdays import add_working_days, due_date, is_working_day, working_days_between

from .conftest import TODAY

CALENDAR = package_calendar(today=TODAY)
ONE_DAY = timedelta(days=1)

# Starts leave room for 60 working days (plus pauses) before the horizon.
starts = st.dates(min_value=date(2001, 1, 1), max_value=date(2027, 6, 30))
limits = st.integers(min_value=1, max_value=60)


@st.composite
def pauses(draw, start):
    result = []
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        paused_on = start + timedelta(days=draw(st.integers(min_value=-10, max_value=60)))
        resumed_on = paused_on + timedelta(days=draw(st.integers(min_value=0, max_value=30)))
        result.append((paused_on, resumed_on))
    return result


def day_by_day(start, limit, pauses=(), extension_days=0):
    """The obvious loop, as the oracle."""
    day, counted = start, 0
    while counted < limit + extension_days:
        day += ONE_DAY
        if any(paused_on < day <= resumed_on for paused_on, resumed_on in pauses):
            continue
        if CALENDAR.is_working_day(day):
            counted += 1
    return day


@given(starts, limits)
def test_it_lands_on_a_working_day(start, n):
    assert is_working_day(add_working_days(start, n, calendar=CALENDAR), calendar=CALENDAR)


@given(starts, limits)
def test_it_counts_back_what_it_added(start, n):
    assert working_days_between(start, add_working_days(start, n, calendar=CALENDAR), calendar=CALENDAR) == n


@given(starts, st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=60))
def test_it_is_monotonic_in_n(start, n, m):
    first, second = add_working_days(start, n, calendar=CALENDAR), add_working_days(start, m, calendar=CALENDAR)
    if n < m:
        assert first < second
    elif n == m:
        assert first == second


@given(starts, limits, st.integers(min_value=-5, max_value=80))
def test_it_is_unchanged_by_an_empty_pause(start, n, offset):
    day = start + timedelta(days=offset)
    assert due_date(start, n, pauses=[(day, day)], calendar=CALENDAR) == due_date(start, n, calendar=CALENDAR)


@given(starts, limits, st.integers(min_value=-5, max_value=80), st.data())
def test_it_is_unchanged_by_a_pause_over_days_off(start, n, offset, data):
    paused_on = start + timedelta(days=offset)
    # Resume at most the day before the next working day: (paused_on, resumed_on] holds no working day.
    next_working = add_working_days(paused_on, 1, calendar=CALENDAR)
    resumed_on = paused_on + timedelta(days=data.draw(st.integers(0, (next_working - paused_on).days - 1)))
    assert working_days_between(paused_on, resumed_on, calendar=CALENDAR) == 0
    assert due_date(start, n, pauses=[(paused_on, resumed_on)], calendar=CALENDAR) == due_date(
        start, n, calendar=CALENDAR
    )


@settings(max_examples=300)
@given(starts, st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=10), st.data())
def test_it_agrees_with_the_day_by_day_loop(start, limit, extension, data):
    stops = data.draw(pauses(start))
    expected = day_by_day(start, limit, stops, extension)
    assert due_date(start, limit, pauses=stops, extension_days=extension, calendar=CALENDAR).due_on == expected
