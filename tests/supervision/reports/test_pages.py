"""The reports page and the download: supervisors and department heads only."""

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from supervision.reports.models import HalfMonthReport
from supervision.services import half_month_period
from tests.conftest import NOW
from tests.mfa import sign_in

pytestmark = pytest.mark.django_db
LIST = "/supervision/reports/"
# The user, their roles, and the reports (the session comes from the cache): the same whatever their number.
QUERIES = 3


def _reports(seal, n: int) -> list[HalfMonthReport]:
    reports, day = [], date(2026, 11, 15)
    for index in range(n):
        first, last = half_month_period(day)
        name = default_storage.save(f"supervision/reports/test-{index}.pdf", ContentFile(b"%PDF-1.7 test"))
        reports.append(
            HalfMonthReport.objects.create(
                first=first, last=last, figures={}, file=name, sha256="0" * 64, seal=seal, created_at=NOW,
            )
        )
        day = first - timedelta(days=1)
    return reports


@pytest.fixture
def report(seal):
    return _reports(seal, 1)[0]


def test_the_list_lives_where_the_navigation_says():
    assert reverse("supervision_reports") == LIST


@pytest.mark.parametrize("who", ["supervisor", "head"])
def test_supervisors_and_heads_list_and_download_reports(english, report, who, request):
    sign_in(english, request.getfixturevalue(who))
    page = english.get(LIST)
    assert page.status_code == 200
    body = page.content.decode()
    assert reverse("supervision_report_download", args=[report.pk]) in body
    assert "<caption" in body and 'scope="col"' in body
    download = english.get(reverse("supervision_report_download", args=[report.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert "no-store" in download["Cache-Control"]


def test_nobody_else_gets_anything(client, report, applicant, outsider, approver, clerk, list_admin, other_approver):
    download = reverse("supervision_report_download", args=[report.pk])
    detail = reverse("supervision_report", args=[report.pk])
    for url in (LIST, detail, download):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (applicant, outsider, approver, clerk, list_admin, other_approver):
        sign_in(client, user)
        for url in (LIST, detail, download):
            assert client.get(url).status_code in (403, 404), (user, url)
        client.logout()


def test_an_unknown_report_is_not_found(client, supervisor, report):
    sign_in(client, supervisor)
    assert client.get(reverse("supervision_report_download", args=[report.pk + 1])).status_code == 404
    assert client.get(reverse("supervision_report", args=[report.pk + 1])).status_code == 404


FIGURES = {
    "first": "2026-11-01",
    "last": "2026-11-15",
    "departments": [
        {
            "code": "market", "name_zh": "市场监督管理局", "name_en": "Market Supervision Administration",
            "received": 7, "decided": 5, "on_time": 4, "on_time_rate": "80.0", "average_working_days": "2.4",
            "visits": 3, "violations": 1, "ratings": 6, "bad_ratings": 2, "satisfaction": "66.7",
            "rating_cases": 2, "callback_rate": "50.0", "complaints": 1,
            "accountability_opened": 1, "accountability_closed": 0,
        },
    ],
    "city": {
        "received": 7, "decided": 5, "on_time": 4, "on_time_rate": "80.0", "average_working_days": "2.4",
        "visits": 3, "violations": 1, "ratings": 6, "bad_ratings": 2, "satisfaction": "66.7",
        "rating_cases": 2, "callback_rate": "50.0", "complaints": 1,
        "accountability_opened": 1, "accountability_closed": 0,
    },
    "countdown": [
        {
            "metric": "on_time", "metric_label": "按时办结率", "department": "", "department_en": "",
            "start_on": "2026-10-09", "due_on": "2026-11-30", "goal": "98", "current": "80.0",
            "nodes": [{"day": "2026-11-10", "expected": "90", "value": "80.0", "passed": True, "behind": ["market"]}],
        },
    ],
}


@pytest.mark.parametrize("language, name, metric", [
    ("zh-hans", "市场监督管理局", "按时办结率"),
    ("en", "Market Supervision Administration", "On-time rate"),
])
def test_a_report_s_page_shows_its_archived_figures_in_the_reader_s_language(
    client, supervisor, seal, language, name, metric, settings
):
    report = _reports(seal, 1)[0]
    report.figures = FIGURES
    report.save()
    sign_in(client, supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("supervision_report", args=[report.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    cells = [cell.strip() for cell in body.split("<td>")[1:17]]
    assert [cell.split("<")[0] for cell in cells[:15]] == [
        "7", "5", "4", "80.0%", "2.4", "3", "1", "6", "66.7%", "2", "2", "50.0%", "1", "1", "0",
    ]
    assert name in body and metric in body and "2026-11-10: 90% / 80.0%" in body
    assert reverse("supervision_report_download", args=[report.pk]) in body
    assert reverse("supervision_report", args=[report.pk]) in client.get(LIST).content.decode()


@pytest.mark.parametrize("departments", [3, 30])
def test_a_report_s_page_runs_a_fixed_number_of_queries(client, supervisor, seal, departments, django_assert_num_queries):
    report = _reports(seal, 1)[0]
    row = FIGURES["departments"][0]
    report.figures = {**FIGURES, "departments": [{**row, "code": f"d{n}"} for n in range(departments)]}
    report.save()
    sign_in(client, supervisor)
    url = reverse("supervision_report", args=[report.pk])
    client.get(url)  # warm the session and per-user caches
    with django_assert_num_queries(QUERIES):
        page = client.get(url).content.decode()
    # A row per department and the city's; the countdown table's head and its one target.
    assert page.count('<th scope="row">') == departments + 1 + len(FIGURES["countdown"])


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_runs_a_fixed_number_of_queries(client, supervisor, seal, count, django_assert_num_queries):
    _reports(seal, count)
    sign_in(client, supervisor)
    client.get(LIST)  # warm the session and per-user caches
    with django_assert_num_queries(QUERIES):
        assert client.get(LIST).status_code == 200



def test_the_navigation_links_the_reports_for_their_readers_only(client, supervisor, approver):
    sign_in(client, supervisor)
    assert f'href="{LIST}"' in client.get(reverse("home")).content.decode()
    client.logout()
    sign_in(client, approver)
    assert f'href="{LIST}"' not in client.get(reverse("home")).content.decode()
