"""The deadline arithmetic against the State Council's 2025 and 2026 notices
(as the packages carry them), without the database."""

from datetime import date, timedelta

import pytest
from django.utils import translation

from deadlines.holiday_sources import package_calendar
from deadlines.workdays import (
    SLA,
    CalendarUnavailable,
    YearStatus,
    add_working_days,
    due_date,
    is_working_day,
    sla_state,
    working_days_between,
)

# The notices as published (国办发明电〔2024〕12号 and 国办发明电〔2025〕7号):
# (first day off, last day off) and the adjusted working days.
HOLIDAYS_2025 = [
    (date(2025, 1, 1), date(2025, 1, 1)),
    (date(2025, 1, 28), date(2025, 2, 4)),
    (date(2025, 4, 4), date(2025, 4, 6)),
    (date(2025, 5, 1), date(2025, 5, 5)),
    (date(2025, 5, 31), date(2025, 6, 2)),
    (date(2025, 10, 1), date(2025, 10, 8)),
]
WORKING_2025 = [date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28), date(2025, 10, 11)]
HOLIDAYS_2026 = [
    (date(2026, 1, 1), date(2026, 1, 3)),
    (date(2026, 2, 15), date(2026, 2, 23)),
    (date(2026, 4, 4), date(2026, 4, 6)),
    (date(2026, 5, 1), date(2026, 5, 5)),
    (date(2026, 6, 19), date(2026, 6, 21)),
    (date(2026, 9, 25), date(2026, 9, 27)),
    (date(2026, 10, 1), date(2026, 10, 7)),
]
WORKING_2026 = [
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
]


def days_between(first, last):
    while first <= last:
        yield first
        first += timedelta(days=1)


@pytest.mark.parametrize(
    "year, holidays, working", [(2025, HOLIDAYS_2025, WORKING_2025), (2026, HOLIDAYS_2026, WORKING_2026)]
)
def test_it_follows_the_notice_day_by_day(package_cal, year, holidays, working):
    off = {day for first, last in holidays for day in days_between(first, last)}
    for day in days_between(date(year, 1, 1), date(year, 12, 31)):
        expected = day in working or (day.weekday() < 5 and day not in off)
        assert package_cal.is_working_day(day) is expected, day
    assert package_cal.status(year) == YearStatus.OFFICIAL


def test_it_gives_2025_10_10_for_two_days_accepted_the_day_before_national_day(package_cal):
    deadline = due_date(date(2025, 9, 30), 2, calendar=package_cal)
    assert deadline.due_on == date(2025, 10, 10)
    assert deadline.provisional is False


def test_it_counts_the_working_sunday_before_national_day_2025(package_cal):
    assert add_working_days(date(2025, 9, 26), 1, calendar=package_cal) == date(2025, 9, 28)
    assert add_working_days(date(2025, 9, 26), 3, calendar=package_cal) == date(2025, 9, 30)
    assert add_working_days(date(2025, 10, 9), 2, calendar=package_cal) == date(2025, 10, 11)


@pytest.mark.parametrize(
    "accepted, limit, due",
    [
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # the working Saturday before the holiday
        (date(2026, 2, 13), 2, date(2026, 2, 24)),  # straight across 15–23 February
        (date(2026, 2, 14), 1, date(2026, 2, 24)),
        (date(2026, 2, 16), 1, date(2026, 2, 24)),  # accepted during the holiday
        (date(2026, 2, 24), 4, date(2026, 2, 28)),  # the working Saturday after it
        (date(2026, 2, 27), 1, date(2026, 2, 28)),
        (date(2026, 2, 28), 1, date(2026, 3, 2)),
        (date(2026, 2, 12), 5, date(2026, 2, 26)),  # a municipal public-facilities project
        (date(2026, 2, 10), 30, date(2026, 3, 30)),  # small low-risk construction project
    ],
)
def test_it_handles_the_spring_festival_2026(package_cal, accepted, limit, due):
    assert due_date(accepted, limit, calendar=package_cal).due_on == due
    assert working_days_between(accepted, due, calendar=package_cal) == limit


def test_it_never_counts_the_start_day(package_cal):
    assert add_working_days(date(2026, 3, 2), 1, calendar=package_cal) == date(2026, 3, 3)
    assert working_days_between(date(2026, 3, 2), date(2026, 3, 2), calendar=package_cal) == 0
    assert working_days_between(date(2026, 3, 1), date(2026, 3, 2), calendar=package_cal) == 1


def test_it_returns_the_start_for_zero_days_even_on_a_holiday(package_cal):
    assert add_working_days(date(2026, 2, 17), 0, calendar=package_cal) == date(2026, 2, 17)
    assert due_date(date(2026, 2, 17), 0, calendar=package_cal).due_on == date(2026, 2, 17)


def test_it_refuses_negative_limits(package_cal):
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 2), -1, calendar=package_cal)
    with pytest.raises(ValueError):
        due_date(date(2026, 3, 2), 2, extension_days=-1, calendar=package_cal)


def test_it_counts_backwards_as_negative(package_cal):
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 2), calendar=package_cal) == -5


def test_it_adds_back_the_working_days_of_a_pause(package_cal):
    # Accepted Monday 2 March 2026, 5 days: due Monday 9 March.
    assert due_date(date(2026, 3, 2), 5, calendar=package_cal).due_on == date(2026, 3, 9)
    # A correction from Wednesday 4 to Monday 9 March stops Thu, Fri and Mon.
    paused = due_date(date(2026, 3, 2), 5, pauses=[(date(2026, 3, 4), date(2026, 3, 9))], calendar=package_cal)
    assert paused.due_on == date(2026, 3, 12)


def test_it_counts_only_the_part_of_a_pause_after_acceptance(package_cal):
    pauses = [(date(2026, 2, 20), date(2026, 3, 3))]  # started before acceptance on 2 March
    assert due_date(date(2026, 3, 2), 5, pauses=pauses, calendar=package_cal).due_on == date(2026, 3, 10)


def test_it_counts_overlapping_pauses_once(package_cal):
    pauses = [(date(2026, 3, 4), date(2026, 3, 9)), (date(2026, 3, 5), date(2026, 3, 6))]
    assert due_date(date(2026, 3, 2), 5, pauses=pauses, calendar=package_cal).due_on == date(2026, 3, 12)


def test_it_ignores_a_pause_after_the_due_date(package_cal):
    pauses = [(date(2026, 3, 20), date(2026, 3, 30))]
    assert due_date(date(2026, 3, 2), 5, pauses=pauses, calendar=package_cal).due_on == date(2026, 3, 9)


def test_it_pauses_across_a_holiday_without_counting_it_twice(package_cal):
    # Paused over the whole Spring Festival 2026: only Thu 12, Fri 13, Sat 14 Feb were working days in it.
    pauses = [(date(2026, 2, 11), date(2026, 2, 24))]
    deadline = due_date(date(2026, 2, 9), 5, pauses=pauses, calendar=package_cal)
    # Counted: 10, 11 Feb, then 25, 26, 27 Feb (24 Feb is the resumption day).
    assert deadline.due_on == date(2026, 2, 27)


def test_it_adds_extension_days(package_cal):
    # 9, 10 October, the working Saturday 11, then Monday 13 and Tuesday 14.
    assert due_date(date(2025, 9, 30), 2, extension_days=3, calendar=package_cal).due_on == date(2025, 10, 14)


def test_it_refuses_a_pause_that_ends_before_it_starts(package_cal):
    with pytest.raises(ValueError):
        due_date(date(2026, 3, 2), 5, pauses=[(date(2026, 3, 5), date(2026, 3, 4))], calendar=package_cal)


@pytest.mark.parametrize(
    "at, state",
    [
        (date(2025, 9, 28), SLA.ON_TIME),  # working Sunday: 2 working days left (9 and 10 October)
        (date(2025, 9, 30), SLA.ON_TIME),
        (date(2025, 10, 5), SLA.ON_TIME),
        (date(2025, 10, 9), SLA.DUE_SOON),  # one working day left
        (date(2025, 10, 10), SLA.DUE_SOON),  # the due day itself
        (date(2025, 10, 11), SLA.OVERDUE),
    ],
)
def test_it_gives_the_sla_state(package_cal, at, state):
    assert sla_state(date(2025, 10, 10), at=at, calendar=package_cal) == state


def test_it_marks_a_deadline_in_a_provisional_year(package_cal):
    assert package_cal.status(2027) == YearStatus.PROVISIONAL
    deadline = due_date(date(2027, 3, 1), 5, calendar=package_cal)
    assert deadline == (date(2027, 3, 8), True)
    assert due_date(date(2026, 12, 28), 5, calendar=package_cal) == (date(2027, 1, 5), True)  # reaches into 2027
    assert due_date(date(2026, 12, 21), 5, calendar=package_cal).provisional is False


def test_it_computes_provisional_holidays_by_rule_without_adjusted_working_days(package_cal):
    # Statutory: New Year's Eve to the 3rd day (5–8 Feb 2027), Saturday and Sunday replaced by 9 and 10 Feb.
    for day in days_between(date(2027, 2, 5), date(2027, 2, 10)):
        assert not package_cal.is_working_day(day)
    assert package_cal.is_working_day(date(2027, 2, 11))
    assert not package_cal.is_working_day(date(2027, 10, 1))
    weekends = [d for d in days_between(date(2027, 1, 1), date(2027, 12, 31)) if d.weekday() >= 5]
    assert not any(package_cal.is_working_day(d) for d in weekends)


def test_it_raises_beyond_the_horizon(package_cal):
    with pytest.raises(CalendarUnavailable) as raised:
        due_date(date(2028, 1, 10), 1, calendar=package_cal)
    assert raised.value.year == 2028
    with pytest.raises(CalendarUnavailable) as raised:
        due_date(date(2027, 12, 20), 20, calendar=package_cal)  # starts inside, ends beyond
    assert raised.value.year == 2028
    with pytest.raises(CalendarUnavailable):
        is_working_day(date(2028, 3, 1), calendar=package_cal)
    with pytest.raises(CalendarUnavailable):
        working_days_between(date(2027, 12, 1), date(2028, 1, 5), calendar=package_cal)


def test_it_raises_before_the_first_year(package_cal):
    with pytest.raises(CalendarUnavailable) as raised:
        is_working_day(date(2000, 6, 1), calendar=package_cal)
    assert raised.value.year == 2000


def test_it_names_the_year_in_the_translated_message(package_cal):
    with translation.override("en"):
        with pytest.raises(CalendarUnavailable, match="no working-day calendar for 2028"):
            due_date(date(2028, 1, 10), 1, calendar=package_cal)
    with translation.override("zh-hans"):
        with pytest.raises(CalendarUnavailable) as raised:
            due_date(date(2028, 1, 10), 1, calendar=package_cal)
    assert "2028" in str(raised.value)
    assert "工作日" in str(raised.value)


def test_it_moves_the_horizon_with_today():
    later = package_calendar(today=date(2027, 1, 4))
    assert later.status(2027) == YearStatus.PROVISIONAL
    assert later.status(2028) == YearStatus.PROVISIONAL
    assert later.status(2029) == YearStatus.UNAVAILABLE
    assert due_date(date(2028, 1, 10), 1, calendar=later) == (date(2028, 1, 11), True)
