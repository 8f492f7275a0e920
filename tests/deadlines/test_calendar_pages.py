"""The public month grid, and the administrators' calendar pages."""

from datetime import date

import pytest
import time_machine
from django.template import Context, Template
from django.test import RequestFactory

from deadlines.models import CalendarDay, CalendarYear
from tests.factories import DepartmentFactory, citizen, staff
from tests.mfa import sign_in

from .conftest import NOTICE_2027, at


def english(client):
    client.cookies["django_language"] = "en"
    return client


def notice_post(notice, *, action="preview", rows=8):
    data = {
        "year": str(notice.year),
        "notice": notice.reference,
        "action": action,
        "holidays-TOTAL_FORMS": str(rows),
        "holidays-INITIAL_FORMS": "0",
        "working-TOTAL_FORMS": str(rows),
        "working-INITIAL_FORMS": "0",
    }
    for i, holiday in enumerate(notice.holidays):
        data[f"holidays-{i}-name_zh"] = holiday.name_zh
        data[f"holidays-{i}-name_en"] = holiday.name_en
        data[f"holidays-{i}-first_day"] = holiday.first_day.isoformat()
        data[f"holidays-{i}-last_day"] = holiday.last_day.isoformat()
    for i, working in enumerate(notice.working_days):
        data[f"working-{i}-day"] = working.day.isoformat()
        data[f"working-{i}-name_zh"] = working.name_zh
    return data


OUTSIDERS = ["citizen", "approver", "head", "clerk"]


def outsider(kind):
    if kind == "citizen":
        return citizen()
    return staff(kind, DepartmentFactory() if kind in ("approver", "head") else None)


# -- the public grid -----------------------------------------------------------


def test_the_grid_is_public_and_marks_holidays_and_adjusted_days(client, seeded):
    response = client.get("/calendar/2026/")
    assert response.status_code == 200
    grid = response.context["grid"]
    february = {cell.day: cell for week in grid.months[1].weeks for cell in week if cell}
    assert february[date(2026, 2, 14)].kind == "adjusted"
    assert february[date(2026, 2, 16)].kind == "holiday"
    page = response.content.decode()
    assert '<td class="cal-day cal-day--adjusted" title="春节"><span class="cal-day__num">14</span>' in page
    assert "官方" in page or "正式" in page
    assert "chinesecalendar" in page


def test_the_grid_reads_in_english(client, seeded):
    page = english(client).get("/calendar/2025/").content.decode()
    assert "Working-day calendar 2025" in page
    assert "National Day" in page
    assert "adjusted working day" in page


def test_a_provisional_year_says_so(client, seeded):
    page = english(client).get("/calendar/2027/").content.decode()
    assert "Provisional" in page
    assert "computed by rule" in page
    assert "Chinese New Year (Spring Festival)" in page  # the rule's holidays, from the holidays package


def test_a_year_beyond_the_horizon_has_no_grid(client, seeded):
    response = english(client).get("/calendar/2028/")
    assert response.status_code == 404
    assert "no working-day calendar for 2028" in response.content.decode()


def test_the_calendar_opens_on_this_year(client, seeded):
    with time_machine.travel(at(2026, 11, 26), tick=False):
        assert client.get("/calendar/").url == "/calendar/2026/"


# -- the administrators' pages --------------------------------------------------


@pytest.mark.parametrize("url", ["/staff/calendar/", "/staff/calendar/notice/"])
def test_an_anonymous_visitor_is_sent_to_sign_in(client, seeded, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("kind", OUTSIDERS)
@pytest.mark.parametrize("url", ["/staff/calendar/", "/staff/calendar/notice/"])
def test_outsiders_get_nothing(client, seeded, kind, url):
    sign_in(client, outsider(kind))
    assert client.get(url).status_code == 403
    response = client.post("/staff/calendar/notice/", notice_post(NOTICE_2027, action="save"))
    assert response.status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.parametrize("role", ["list_admin", "supervisor"])
def test_administrators_and_supervisors_see_the_years(client, seeded, now, role):
    sign_in(client, staff(role, DepartmentFactory() if role == "list_admin" else None))
    response = english(client).get("/staff/calendar/")
    assert response.status_code == 200
    years = response.context["years"]
    assert [(row.year, row.status) for row in years[:2]] == [(2027, "provisional"), (2026, "official")]
    assert "Enter the notice for 2027" in response.content.decode()


def test_the_warning_appears_sixty_days_before_the_official_range_ends(client, seeded, list_admin):
    sign_in(client, list_admin)
    english(client)
    with time_machine.travel(at(2026, 10, 31), tick=False):
        assert "The official working-day calendar ends" not in client.get("/staff/calendar/").content.decode()
    with time_machine.travel(at(2026, 11, 1), tick=False):
        page = client.get("/staff/calendar/").content.decode()
    assert "The official working-day calendar ends in 60 days" in page
    assert "/staff/calendar/notice/?year=2027" in page


def test_dashboards_show_the_warning_only_to_those_who_can_act(seeded, list_admin):
    template = Template("{% load deadlines_calendar %}{% calendar_warning %}")
    request = RequestFactory().get("/desk/")
    with time_machine.travel(at(2026, 11, 26), tick=False):
        request.user = list_admin
        assert "calendar-warning" in template.render(Context({"request": request}))
        request.user = staff("approver", DepartmentFactory())
        assert "calendar-warning" not in template.render(Context({"request": request}))
    with time_machine.travel(at(2026, 10, 1), tick=False):
        request.user = list_admin
        assert "calendar-warning" not in template.render(Context({"request": request}))


def test_the_notice_form_starts_with_next_year(client, seeded, now, list_admin):
    sign_in(client, list_admin)
    response = client.get("/staff/calendar/notice/")
    assert response.status_code == 200
    assert response.context["form"].initial["year"] == 2027
    assert response.context["holiday_rows"].total_form_count() == 8


def test_the_notice_form_offers_a_years_entries_for_correction(client, seeded, now, list_admin):
    sign_in(client, list_admin)
    response = client.get("/staff/calendar/notice/?year=2026")
    initial = response.context["holiday_rows"].initial
    assert {"name_zh": "春节", "name_en": "Spring Festival", "first_day": date(2026, 2, 15), "last_day": date(2026, 2, 23)} in initial
    assert [row["day"] for row in response.context["working_rows"].initial] == [
        date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20), date(2026, 10, 10)
    ]


def test_the_preview_shows_the_year_without_saving(client, seeded, now, list_admin):
    sign_in(client, list_admin)
    response = english(client).post("/staff/calendar/notice/", notice_post(NOTICE_2027))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.year == 2027 and not preview.provisional
    assert [c.day for c in preview.adjusted] == [w.day for w in NOTICE_2027.working_days]
    page = response.content.decode()
    assert "Preview: 2027 with this notice" in page
    assert 'value="save"' in page
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_saving_makes_the_year_official(client, seeded, now, list_admin):
    sign_in(client, list_admin)
    response = client.post("/staff/calendar/notice/", notice_post(NOTICE_2027, action="save"))
    assert response.status_code == 302 and response.url == "/calendar/2027/"
    assert CalendarYear.objects.get(year=2027).entered_by == list_admin
    assert CalendarDay.objects.filter(notice_year=2027).count() == 3 + 9 + 5 + 7 + 4
    page = client.get(response.url).content.decode()
    assert "国办发明电〔2026〕99号" in page


def test_mistakes_are_listed_at_the_top(client, seeded, now, list_admin):
    sign_in(client, list_admin)
    data = notice_post(NOTICE_2027)
    data["year"] = "2028"
    data["working-0-day"] = "2027-02-17"  # a Wednesday
    data["holidays-5-name_zh"] = "孤行"  # a row with a name and no dates
    response = english(client).post("/staff/calendar/notice/", data)
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert "An adjusted working day is a Saturday or a Sunday." in page
    assert "Holiday 6, First day off: This field is required." in page
    assert not CalendarYear.objects.filter(year__gte=2027).exists()


def test_service_checks_reach_the_page(client, seeded, now, list_admin):
    sign_in(client, list_admin)
    data = notice_post(NOTICE_2027)
    data["year"] = "2028"
    data["working-0-day"] = "2027-02-06"  # a Saturday inside the holiday
    response = english(client).post("/staff/calendar/notice/", data)
    page = response.content.decode()
    assert "A notice can be entered up to next year, 2027." in page
    assert response.context["preview"] is None


def test_the_deadline_partial_marks_provisional_dates():
    template = Template('{% include "deadlines/_deadline.html" with due_on=due provisional=provisional %}')
    from django.utils import translation

    with translation.override("en"):
        page = template.render(Context({"due": date(2027, 2, 16), "provisional": True}))
        assert '<time datetime="2027-02-16">' in page and "Tuesday" in page and "provisional" in page
        assert "provisional" not in template.render(Context({"due": date(2026, 2, 16), "provisional": False}))
        assert "Clock paused" in template.render(Context({"due": None, "provisional": False}))


def test_a_calendar_change_is_summarised_in_the_reader_s_language(supervisor):
    from datetime import date

    from django.utils import timezone, translation

    from deadlines.models import CalendarChange
    from deadlines.services import calendar_day_save

    calendar_day_save(actor=supervisor, day=date(2026, 12, 24), is_working_day=False, name_zh="测试", name_en="Test",
                      at=timezone.now())
    change = CalendarChange.objects.order_by("-id").first()
    assert change.summary_en.startswith("2026-12-24 set as") and "set as" not in change.summary
    with translation.override("en"):
        assert change.summary_text == change.summary_en
    with translation.override("zh-hans"):
        assert change.summary_text == change.summary
