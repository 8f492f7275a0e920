"""Half-month periods: the periods of the half-monthly report, and the one before a day's."""

from datetime import date

import pytest

from deadlines.periods import half_month_period, previous_half_month


@pytest.mark.parametrize(
    "day, previous",
    [
        (date(2026, 12, 6), (date(2026, 11, 16), date(2026, 11, 30))),
        (date(2026, 12, 16), (date(2026, 12, 1), date(2026, 12, 15))),
        (date(2027, 1, 1), (date(2026, 12, 16), date(2026, 12, 31))),
        (date(2028, 3, 15), (date(2028, 2, 16), date(2028, 2, 29))),
    ],
)
def test_the_previous_half_month_is_the_whole_period_that_ended_before_the_day_s(day, previous):
    assert previous_half_month(day) == previous
    assert half_month_period(previous[0]) == previous


def test_every_day_falls_in_exactly_one_period_that_follows_the_previous_one():
    day = date(2026, 1, 1)
    while day < date(2028, 1, 1):
        first, last = half_month_period(day)
        assert first <= day <= last
        assert previous_half_month(day)[1].toordinal() + 1 == first.toordinal()
        day = date.fromordinal(day.toordinal() + 1)
