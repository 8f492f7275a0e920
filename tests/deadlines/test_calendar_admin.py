"""Single-day corrections in the Django admin go through the calendar services."""

from datetime import date

import pytest

from deadlines.selectors import stored_calendar
from deadlines.models import CalendarChange, CalendarDay, CalendarSource
from tests.factories import UserFactory, enrol_totp
from tests.mfa import sign_in


@pytest.fixture
def superuser(db):
    user = UserFactory(is_staff=True, is_superuser=True)
    enrol_totp(user)
    return user


def test_adding_a_day_records_an_administrators_entry(client, seeded, now, superuser):
    sign_in(client, superuser)
    response = client.post(
        "/admin/deadlines/calendarday/add/",
        {"date": "2026-12-31", "name_zh": "临时休假", "name_en": "Extra day off"},
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=date(2026, 12, 31))
    assert (day.is_working_day, day.source, day.changed_by, day.notice_year) == (False, CalendarSource.ADMIN, superuser, 2026)
    change = CalendarChange.objects.first()
    assert (change.kind, change.years, change.actor) == (CalendarChange.Kind.DAY, [2026], superuser)
    assert not stored_calendar().is_working_day(date(2026, 12, 31))


def test_changing_a_package_day_makes_it_the_administrators(client, seeded, now, superuser):
    sign_in(client, superuser)
    day = CalendarDay.objects.get(date=date(2025, 10, 8))
    assert day.source == CalendarSource.CHINESECALENDAR
    response = client.post(
        f"/admin/deadlines/calendarday/{day.pk}/change/",
        {"is_working_day": "on", "name_zh": "国庆节", "name_en": "National Day"},
    )
    assert response.status_code == 302
    day.refresh_from_db()
    assert (day.is_working_day, day.source, day.date) == (True, CalendarSource.ADMIN, date(2025, 10, 8))
    assert stored_calendar().is_working_day(date(2025, 10, 8))


def test_deleting_days_goes_through_the_service(client, seeded, now, superuser):
    sign_in(client, superuser)
    one = CalendarDay.objects.get(date=date(2026, 10, 7))
    assert client.post(f"/admin/deadlines/calendarday/{one.pk}/delete/", {"post": "yes"}).status_code == 302
    assert stored_calendar().is_working_day(date(2026, 10, 7))
    two = CalendarDay.objects.filter(date__in=[date(2026, 10, 5), date(2026, 10, 6)])
    response = client.post(
        "/admin/deadlines/calendarday/",
        {"action": "delete_selected", "_selected_action": [d.pk for d in two], "post": "yes"},
    )
    assert response.status_code == 302
    assert CalendarChange.objects.filter(kind=CalendarChange.Kind.DAY).count() == 3
    assert stored_calendar().is_working_day(date(2026, 10, 5))


def test_the_years_and_clocks_are_read_only(client, seeded, superuser):
    sign_in(client, superuser)
    assert client.get("/admin/deadlines/calendaryear/").status_code == 200
    assert client.get("/admin/deadlines/calendaryear/add/").status_code == 403
    assert client.get("/admin/deadlines/clock/").status_code == 200
    assert client.get("/admin/deadlines/calendarchange/").status_code == 200


def test_the_admin_is_closed_to_staff_without_admin_rights(client, seeded):
    from tests.factories import staff

    sign_in(client, staff("supervisor"))
    response = client.get("/admin/deadlines/calendarday/")
    assert response.status_code == 302 and "/admin/login/" in response.url
