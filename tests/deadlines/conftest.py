"""Fixtures for the calendar and deadline tests.

"Today" is 2026-11-26 unless a test travels elsewhere: the packages carry the
State Council notices up to 2026, so 2027 is provisional and 2028 has no
calendar.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from deadlines.models import CalendarChange, CalendarDay, CalendarYear
from deadlines.selectors import forget_built_calendars
from deadlines.services import AdjustedWorkingDay, HolidayRange, Notice, calendar_sync
from deadlines.holiday_sources import package_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)

# A 2027 notice made up for the tests (the real one was not out on TODAY).
# Its Spring Festival is longer than the statutory rule gives, with two
# adjusted working weekend days.
NOTICE_2027 = Notice(
    year=2027,
    reference="国办发明电〔2026〕99号（测试）",
    holidays=(
        HolidayRange("元旦", date(2027, 1, 1), date(2027, 1, 3), "New Year's Day"),
        HolidayRange("春节", date(2027, 2, 5), date(2027, 2, 13), "Spring Festival"),
        HolidayRange("劳动节", date(2027, 5, 1), date(2027, 5, 5), "Labour Day"),
        HolidayRange("国庆节", date(2027, 10, 1), date(2027, 10, 7), "National Day"),
    ),
    working_days=(
        AdjustedWorkingDay(date(2027, 1, 31), "春节", "Spring Festival"),
        AdjustedWorkingDay(date(2027, 2, 20), "春节", "Spring Festival"),
        AdjustedWorkingDay(date(2027, 9, 26), "国庆节", "National Day"),
        AdjustedWorkingDay(date(2027, 10, 9), "国庆节", "National Day"),
    ),
)


def at(year, month, day, hour=10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _empty_calendar(request):
    """The tests here start from an empty calendar table, and build their own index.

    The rest of the suite shares the calendar seeded once per test database
    (tests/conftest.py); a test here that uses the database empties it inside
    its own transaction, which is rolled back at its end.
    """
    forget_built_calendars()
    if "_django_db_helper" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("_django_db_helper")
        CalendarChange.objects.all().delete()
        CalendarDay.objects.all().delete()
        CalendarYear.objects.all().delete()
    yield
    forget_built_calendars()


@pytest.fixture(scope="session")
def package_cal():
    """The packages' calendar as on TODAY, without the database."""
    return package_calendar(today=TODAY)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def seeded(db, now):
    """The calendar table seeded from the packages, on TODAY."""
    return calendar_sync(at=now)
