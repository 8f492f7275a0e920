from datetime import date
from io import StringIO

from django.core.management import call_command

from approvals import demo
from deadlines.services import HolidayRange, Notice, calendar_day_save, calendar_notice_enter, calendar_sync
from deadlines.models import CalendarChange, CalendarDay, CalendarSource, CalendarYear
from tests.factories import staff


def test_it_seeds_every_year_the_packages_cover(seeded):
    years = dict(CalendarYear.objects.values_list("year", "source"))
    assert sorted(years) == list(range(2001, 2027))
    assert {years[y] for y in range(2001, 2004)} == {CalendarSource.HOLIDAYS}
    assert {years[y] for y in range(2004, 2027)} == {CalendarSource.CHINESECALENDAR}
    assert CalendarYear.objects.get(year=2026).notice.startswith("chinesecalendar 1.")

    national_day = CalendarDay.objects.get(date=date(2025, 10, 1))
    assert (national_day.is_working_day, national_day.name_zh, national_day.source) == (
        False,
        "国庆节",
        CalendarSource.CHINESECALENDAR,
    )
    working_sunday = CalendarDay.objects.get(date=date(2025, 9, 28))
    assert working_sunday.is_working_day and working_sunday.is_adjusted_working_day
    assert seeded.changed_years == list(range(2001, 2027))


def test_it_changes_nothing_the_second_time(seeded, now):
    changes = CalendarChange.objects.count()
    report = calendar_sync(at=now)
    assert (report.created, report.updated, report.deleted, report.changed_years) == (0, 0, 0, [])
    assert CalendarChange.objects.count() == changes


def test_it_restores_a_package_day_changed_behind_its_back(seeded, now):
    CalendarDay.objects.filter(date=date(2025, 10, 1)).update(is_working_day=True)
    CalendarDay.objects.filter(date=date(2025, 10, 2)).delete()
    report = calendar_sync(at=now)
    assert (report.created, report.updated) == (1, 1)
    assert report.changed_years == [2025]
    assert not CalendarDay.objects.get(date=date(2025, 10, 1)).is_working_day


def test_it_keeps_a_day_an_administrator_corrected(seeded, now):
    admin = staff("supervisor")
    calendar_day_save(actor=admin, day=date(2005, 12, 31), is_working_day=True, name_zh="元旦", at=now)
    calendar_sync(at=now)
    day = CalendarDay.objects.get(date=date(2005, 12, 31))
    assert (day.is_working_day, day.source, day.changed_by) == (True, CalendarSource.ADMIN, admin)


def test_it_keeps_a_year_an_administrator_entered(seeded, now):
    admin = staff("supervisor")
    notice = Notice(
        year=2026,
        reference="国办发明电〔2025〕7号",
        holidays=(HolidayRange("元旦", date(2026, 1, 1), date(2026, 1, 3), "New Year's Day"),),
    )
    calendar_notice_enter(actor=admin, notice=notice, at=now)
    report = calendar_sync(at=now)
    assert 2026 in report.skipped
    assert CalendarYear.objects.get(year=2026).source == CalendarSource.ADMIN
    assert not CalendarDay.objects.filter(date=date(2026, 10, 1)).exists()  # the administrator's notice rules


def test_the_command_reports_years_and_disagreements(db, now):
    out = StringIO()
    call_command("calendar_sync", stdout=out)
    text = out.getvalue()
    assert "2001–2026" in text
    assert "2005-12-31" in text  # the one day the packages disagree on
    out = StringIO()
    call_command("calendar_sync", stdout=out)
    assert "already up to date" in out.getvalue()


def test_the_demo_seeds_the_calendar_idempotently(db, now):
    out = StringIO()
    demo.seed(stdout=out)
    demo.seed(stdout=out)
    assert CalendarYear.objects.count() == 26
    assert "provisional 2027" in out.getvalue()


def test_the_weekly_task_reseeds(db, now):
    from deadlines.tasks import sync_calendar

    assert sync_calendar.delay().get() == list(range(2001, 2027))
    assert sync_calendar.delay().get() == []
