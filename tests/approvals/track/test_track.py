"""Public tracking at /track/: the right pair shows the status without personal
data; anything else gets one generic answer; failures are rate-limited."""

import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals import services as workflow
from approvals.track import views as track_views
from approvals.models import Application
from tests.approvals.conftest import ANSWERS, at

pytestmark = pytest.mark.django_db

URL = "/track/"
EN = {"HTTP_COOKIE": "django_language=en"}


def _post(client, number, code, **extra):
    return client.post(URL, {"tracking_number": number, "query_code": code}, **extra)


def _generic(response, typed_number: str) -> str:
    """The page with what varies per request or per input taken out: the CSRF token and the echoed number."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)
    return body.replace(f'value="{typed_number}"', 'value="…"')


@pytest.fixture
def accepted(submitted, approver):
    return workflow.application_accept(application=submitted, actor=approver)


def test_the_page_is_public_and_is_the_track_url():
    assert reverse("track") == URL
    response = Client().get(URL)
    assert response.status_code == 200
    assert b'name="tracking_number"' in response.content and b'name="query_code"' in response.content
    assert b'method="post"' in response.content


def test_the_receipt_s_qr_code_fills_in_the_number_and_asks_for_the_code(submitted):
    from approvals.window.services import track_url

    qr_target = track_url(submitted)
    assert qr_target.endswith(f"/track/?number={submitted.tracking_number}")
    page = Client().get(URL + "?number=" + submitted.tracking_number.lower()).content.decode()
    number_input = re.search(r'<input[^>]*name="tracking_number"[^>]*>', page).group(0)
    code_input = re.search(r'<input[^>]*name="query_code"[^>]*>', page).group(0)
    assert f'value="{submitted.tracking_number}"' in number_input
    assert "autofocus" in code_input and "value=" not in code_input  # the code is never in a URL
    assert submitted.query_code not in page


def test_it_shows_the_status_and_timeline_without_personal_data(client, accepted, applicant, approver):
    application = workflow.application_start_review(application=accepted, actor=approver)
    person, staff_person = applicant.person, approver.person

    response = _post(client, application.tracking_number, application.query_code, **EN)

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "approvals/track/status.html"
    body = response.content.decode()
    assert application.tracking_number in body
    assert application.item_version.name_en in body
    assert application.department.name_en in body
    assert "Being reviewed by the department." in body
    assert '<time datetime="2026-12-03">' in body  # 5 working days after Thu 26 Nov
    assert "5 working days left" in body
    for step in ("Submitted", "Accepted", "Review started"):
        assert step in body
    for secret in (
        person.real_name, person.resident_id, person.masked_id, applicant.email,
        staff_person.real_name, approver.email, application.query_code, str(application.uid),
        *ANSWERS.values(),
    ):
        assert secret not in body, secret
    assert response["Cache-Control"].count("no-store") == 1


def test_it_names_the_catalogue_materials_of_a_correction_but_not_the_notes(client, accepted, approver):
    material = accepted.item_version.materials.get()
    application = workflow.application_request_correction(
        application=accepted, actor=approver, note="张三的身份证复印件不清晰",
        items=[
            {"material": material.pk, "problem": "复印件不清晰", "remedy": "重新扫描"},
            {"name": "李四的授权委托书", "problem": "缺少签字", "remedy": "签字后上传"},
        ],
    )

    body = _post(client, application.tracking_number, application.query_code, **EN).content.decode()

    assert material.name_en in body
    assert "1 other item is in the notice sent to the applicant." in body
    for secret in ("张三", "李四", "复印件不清晰", "缺少签字", "重新扫描"):
        assert secret not in body
    assert "Clock paused" in body


def test_a_decided_application_shows_its_decision_date_and_no_due_date(client, accepted, approver):
    application = workflow.application_deny(application=accepted, actor=approver, note="王五不符合条件")

    body = _post(client, application.tracking_number, application.query_code, **EN).content.decode()

    assert "Denied." in body and "Decided" in body and "Due by" not in body
    assert "王五" not in body


def test_a_due_date_in_a_provisional_year_is_marked(client, item, applicant, approver):
    from tests.approvals.conftest import fill

    with time_machine.travel(at(2026, 12, 28), tick=False):
        draft = fill(workflow.application_start(actor=applicant, item_code=item.code), applicant)
        application = workflow.application_submit(application=draft, actor=applicant, declaration=True)
        application = workflow.application_accept(application=application, actor=approver)
        assert application.due_provisional

        body = _post(client, application.tracking_number, application.query_code, **EN).content.decode()

    assert "provisional" in body and "2027" in body


def test_it_accepts_the_pair_in_lower_case_and_with_spaces(client, submitted):
    code = submitted.query_code.lower()
    response = _post(client, f" {submitted.tracking_number.lower()} ", f"{code[:4]} {code[4:]}")
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "approvals/track/status.html"


def test_wrong_code_unknown_number_and_a_draft_get_one_identical_generic_answer(client, submitted, item, applicant):
    draft = workflow.application_start(actor=applicant, item_code=item.code)
    wrong_code = "Z" * 8 if submitted.query_code != "Z" * 8 else "Y" * 8
    cases = [
        (submitted.tracking_number, wrong_code),  # a real number, a wrong code
        ("HLD-2026-000999", submitted.query_code),  # the next numbers, not issued yet
        ("HLD-2026-000002", "ABCDEFGH"),
        (str(draft.uid), draft.query_code),  # a draft has no tracking number
        (submitted.tracking_number, "00000000"),  # the comparison's dummy
    ]
    pages = []
    for number, code in cases:
        response = _post(client, number, code, **EN)
        assert response.status_code == 200
        body = response.content.decode()
        assert "We could not find an application with this tracking number and query code." in body
        assert code not in body  # the code is never written back
        pages.append(_generic(response, number))
    assert all(page == pages[0] for page in pages)


def test_a_known_and_an_unknown_number_cost_the_same_queries(client, submitted):
    with CaptureQueriesContext(connection) as known:
        _post(client, submitted.tracking_number, "ZZZZZZZZ")
    with CaptureQueriesContext(connection) as unknown:
        _post(client, "HLD-2026-000777", "ZZZZZZZZ")
    assert len(known) == len(unknown)


def test_an_anonymous_visitor_gets_nothing_without_the_query_code(client, accepted, applicant):
    response = _post(client, accepted.tracking_number, "", **EN)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter the query code." in body
    assert accepted.item_version.name_en not in body and applicant.person.real_name not in body

    by_get = client.get(URL, {"tracking_number": accepted.tracking_number, "query_code": accepted.query_code}, **EN)
    assert accepted.item_version.name_en not in by_get.content.decode()  # the pair is read from POST only


def test_another_citizen_signed_in_gets_the_same_generic_answer(client, submitted, outsider):
    client.force_login(outsider)
    response = _post(client, submitted.tracking_number, "ZZZZZZZZ", **EN)
    assert "We could not find an application" in response.content.decode()


def test_failed_attempts_are_rate_limited_per_address(client, submitted):
    for _ in range(track_views.TRACK_FAILURES_ALLOWED):
        assert _post(client, "HLD-2026-000500", "ZZZZZZZZ").status_code == 200

    blocked = _post(client, submitted.tracking_number, submitted.query_code, **EN)

    assert blocked.status_code == 429
    body = blocked.content.decode()
    assert "Too many unsuccessful attempts came from your address." in body
    assert submitted.item_version.name_en not in body  # not even the right pair gets through
    elsewhere = _post(client, submitted.tracking_number, submitted.query_code, REMOTE_ADDR="10.1.2.3")
    assert elsewhere.status_code == 200


def test_the_limit_ends_after_its_window(client, submitted, settings):
    # The window's end is the cache's expiry: Redis keeps real time, so travel
    # in time only with a cache that reads Python's clock.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "counters": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "counters"},
    }
    with time_machine.travel(at(2026, 11, 26, 10), tick=True) as traveller:
        for _ in range(track_views.TRACK_FAILURES_ALLOWED):
            _post(client, "HLD-2026-000500", "ZZZZZZZZ")
        assert _post(client, submitted.tracking_number, submitted.query_code).status_code == 429
        traveller.shift(track_views.TRACK_WINDOW_SECONDS + 1)
        assert _post(client, submitted.tracking_number, submitted.query_code).status_code == 200


def test_successful_look_ups_do_not_count(client, submitted):
    for _ in range(track_views.TRACK_FAILURES_ALLOWED + 5):
        assert _post(client, submitted.tracking_number, submitted.query_code).status_code == 200


def test_csrf_is_enforced(submitted):
    client = Client(enforce_csrf_checks=True)

    assert _post(client, submitted.tracking_number, submitted.query_code).status_code == 403

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(URL).content.decode()).group(1)
    response = client.post(
        URL,
        {"tracking_number": submitted.tracking_number, "query_code": submitted.query_code, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 200


def test_a_draft_is_never_tracked_even_with_its_code(client, draft):
    assert Application.objects.get(pk=draft.pk).tracking_number is None
    response = _post(client, "", draft.query_code, **EN)
    assert "Enter the tracking number." in response.content.decode()
