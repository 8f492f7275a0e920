from datetime import date

import pytest

from deadlines.selectors import add_working_days, calendar_warning, due_date, is_working_day, stored_calendar
from deadlines.services import calendar_day_save
from deadlines.workdays import CalendarUnavailable, YearStatus
from tests.factories import staff

from .conftest import TODAY


def test_it_matches_the_packages(seeded, package_cal):
    calendar = stored_calendar(today=TODAY)
    assert (calendar.first_year, calendar.last_year) == (2001, 2027)
    for year in (2003, 2005, 2025, 2026, 2027):
        assert calendar.exceptions(year).keys() == package_cal.exceptions(year).keys()
    assert due_date(date(2025, 9, 30), 2) == (date(2025, 10, 10), False)


def test_it_is_provisional_until_the_end_of_next_year(seeded):
    assert stored_calendar(today=TODAY).status(2027) == YearStatus.PROVISIONAL
    assert stored_calendar(today=TODAY).status(2028) == YearStatus.UNAVAILABLE
    assert stored_calendar(today=date(2027, 1, 1)).status(2028) == YearStatus.PROVISIONAL
    with pytest.raises(CalendarUnavailable):
        due_date(date(2028, 1, 3), 1)  # today is TODAY (the `now` fixture)


def test_it_reuses_the_index_until_the_calendar_changes(seeded, now, django_assert_num_queries):
    first = stored_calendar(today=TODAY)
    with django_assert_num_queries(1):  # only the version check
        assert stored_calendar(today=TODAY) is first
    calendar_day_save(actor=staff("supervisor"), day=date(2026, 12, 31), is_working_day=False, name_zh="测试", at=now)
    second = stored_calendar(today=TODAY)
    assert second is not first
    assert not second.is_working_day(date(2026, 12, 31))
    assert first.is_working_day(date(2026, 12, 31))  # an index never changes under its users


def test_changing_the_calendar_moves_the_deadlines_computed_afterwards(seeded, now):
    assert add_working_days(date(2026, 12, 29), 2) == date(2026, 12, 31)
    calendar_day_save(actor=staff("supervisor"), day=date(2026, 12, 30), is_working_day=False, name_zh="测试", at=now)
    assert not is_working_day(date(2026, 12, 30))
    assert add_working_days(date(2026, 12, 29), 2) == date(2027, 1, 4)


def test_it_has_no_calendar_before_the_first_seed(db, now):
    with pytest.raises(CalendarUnavailable):
        due_date(date(2026, 3, 2), 5)


def test_it_warns_from_sixty_days_before_the_official_range_ends(seeded):
    assert calendar_warning(today=date(2026, 10, 31)) is None
    warning = calendar_warning(today=date(2026, 11, 1))
    assert (warning.next_year, warning.official_until, warning.days_left) == (2027, date(2026, 12, 31), 60)
    assert calendar_warning(today=TODAY).days_left == 35
    assert calendar_warning(today=date(2027, 1, 4)).expired
