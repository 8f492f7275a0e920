"""POST /api/v1/applications: a departmental system submits for a person, through the services
of every channel (scope applications:write)."""

import base64
import threading

import pytest
from django.db import connection
from django.utils import translation

from api.models import Submission
from approvals import services as workflow
from approvals.models import Application
from approvals.workflow import State
from tests.api.conftest import bearer, token
from tests.approvals.window.conftest import ANSWERS, FIELDS, MATERIALS, PDF
from tests.conftest import is_postgres
from tests.services.factories import make_item, publish

URL = "/api/v1/applications"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _on_the_suite_day(frozen_time):
    pass


@pytest.fixture
def item(department):
    item = make_item(
        department, code="MKT-001", name_zh="小餐饮经营许可", name_en="Small eatery license", audience="person",
        promised_limit_days=5, statutory_limit_days=20, online_level="one_visit", max_visits=1,
        materials=MATERIALS, fields=FIELDS,
    )
    publish()
    return item


@pytest.fixture
def writer(register):
    return register(["applications:write", "applications:read"])


@pytest.fixture
def auth(api_client, writer):
    return bearer(token(api_client, writer))


def body_for(applicant, **changes):
    pdf = base64.b64encode(PDF).decode()
    data = {
        "item": "MKT-001",
        "applicant": {"resident_id": applicant.person.resident_id, "real_name": applicant.person.real_name},
        "answers": dict(ANSWERS),
        "files": [{"material": m.name_zh, "name": "scan.pdf", "content_base64": pdf} for m in MATERIALS],
        "declaration": True,
    }
    data.update(changes)
    return data


def post(api_client, data, auth, **headers):
    return api_client.post(URL, data, content_type="application/json", **auth, **EN, **headers)


def test_it_submits_one_application_through_the_api_channel(api_client, item, applicant, auth, writer):
    response = post(api_client, body_for(applicant), auth)
    assert response.status_code == 201, response.content
    body = response.json()
    application = Application.objects.get()
    assert body["tracking_number"] == application.tracking_number
    assert (body["state"], body["channel"]) == (State.SUBMITTED, "api")
    assert application.channel == Application.Channel.API
    assert application.applicant_person == applicant.person
    assert application.api_submission.client == writer.client
    writer.client.refresh_from_db()
    assert application.created_by == writer.client.account and not application.created_by.is_active
    assert application.attachments.count() == 2
    assert application.events.get().action == "submit"
    # The applicant sees it in their office like any other.
    assert workflow.can_view(applicant, application)


def test_a_missing_answer_is_refused_with_the_services_message(api_client, item, applicant, auth):
    answers = {**ANSWERS, "shop_name": ""}
    response = post(api_client, body_for(applicant, answers=answers), auth)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    draft = workflow.application_start(actor=applicant, item_code=item.code)
    with translation.override("en"):
        expected = workflow.application_save(application=draft, actor=applicant, data=answers).errors["shop_name"]
    found = [(e["location"], e["message"]) for e in problem["errors"]]
    assert (["body", "answers", "shop_name"], expected[0]) in found
    assert problem["type"] == "urn:onegate:problem:invalid-application"
    assert not Application.objects.filter(channel="api").exists() and not Submission.objects.exists()


def test_a_missing_material_and_declaration_are_refused(api_client, item, applicant, auth):
    response = post(api_client, body_for(applicant, files=[], declaration=False), auth)
    assert response.status_code == 422
    locations = {tuple(error["location"]) for error in response.json()["errors"]}
    assert ("body", "declaration") in locations
    response = post(api_client, body_for(applicant, files=[]), auth)
    assert response.status_code == 422
    messages = [e["message"] for e in response.json()["errors"] if e["location"] == ["body", "materials"]]
    assert messages == [f"Upload “{m.name_en}”." for m in MATERIALS]
    assert not Application.objects.exists()


def test_a_file_is_judged_by_its_content(api_client, item, applicant, auth):
    data = body_for(applicant)
    data["files"][0]["content_base64"] = base64.b64encode(b"MZ\x90\x00 not a pdf at all").decode()
    response = post(api_client, data, auth)
    assert response.status_code == 422
    error = next(e for e in response.json()["errors"] if e["location"] == ["body", "files", "0"])
    assert "PDF" in error["message"]
    assert not Application.objects.exists()


def test_an_unknown_license_number_is_refused(api_client, item, applicant, auth):
    response = post(api_client, body_for(applicant, licenses={MATERIALS[0].name_zh: "NO-SUCH-1"}), auth)
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "There is no license with the number NO-SUCH-1."


def test_an_item_off_the_list_is_refused_by_the_guard(api_client, item, applicant, auth, department):
    make_item(department, code="MKT-404", name_zh="草稿事项", name_en="Draft item")  # never published
    for code in ("MKT-404", "NOPE-1"):
        response = post(api_client, body_for(applicant, item=code), auth)
        assert response.status_code == 422
        assert response.json()["type"] == "urn:onegate:problem:not-on-list"
        assert code in response.json()["detail"]
    assert not Application.objects.exists()


def test_another_departments_item_is_refused(api_client, applicant, register, other_department):
    make_item(other_department, code="HOU-001", name_zh="住房事项", name_en="Housing item", audience="person")
    publish()
    auth = bearer(token(api_client, register(["applications:write"])))
    response = post(api_client, body_for(applicant, item="HOU-001", files=[], answers={}), auth)
    assert response.status_code == 403
    assert not Application.objects.exists()


def test_the_same_idempotency_key_makes_one_application(api_client, item, applicant, auth):
    first = post(api_client, body_for(applicant), auth, HTTP_IDEMPOTENCY_KEY="key-1")
    again = post(api_client, body_for(applicant), auth, HTTP_IDEMPOTENCY_KEY="key-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Application.objects.count() == 1
    other = post(api_client, body_for(applicant), auth, HTTP_IDEMPOTENCY_KEY="key-2")
    assert other.status_code == 201 and Application.objects.count() == 2


def test_the_same_key_with_another_body_is_refused(api_client, item, applicant, auth):
    assert post(api_client, body_for(applicant), auth, HTTP_IDEMPOTENCY_KEY="key-1").status_code == 201
    changed = body_for(applicant, answers={**ANSWERS, "shop_name": "另一家店"})
    response = post(api_client, changed, auth, HTTP_IDEMPOTENCY_KEY="key-1")
    assert response.status_code == 422
    assert response.json()["type"] == "urn:onegate:problem:idempotency-key-reused"
    assert Application.objects.count() == 1


def test_a_refused_request_does_not_use_up_its_key(api_client, item, applicant, auth):
    bad = post(api_client, body_for(applicant, declaration=False), auth, HTTP_IDEMPOTENCY_KEY="key-1")
    assert bad.status_code == 422
    good = post(api_client, body_for(applicant), auth, HTTP_IDEMPOTENCY_KEY="key-1")
    assert good.status_code == 201


def test_it_needs_a_token_with_the_write_scope(api_client, item, applicant, register):
    assert post(api_client, body_for(applicant), {}).status_code == 401
    reader = bearer(token(api_client, register(["applications:read"])))
    response = post(api_client, body_for(applicant), reader)
    assert response.status_code == 403
    assert response.json()["type"] == "urn:onegate:problem:insufficient-scope"
    assert not Application.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_make_one_application(item, applicant, writer):
    if not is_postgres():
        pytest.skip("needs PostgreSQL")
    from django.test import Client

    http = Client()
    auth = bearer(token(http, writer))
    data = body_for(applicant)
    barrier, answers = threading.Barrier(4), []

    def submit():
        try:
            barrier.wait()
            answers.append(post(Client(), data, auth, HTTP_IDEMPOTENCY_KEY="same"))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201] * 4
    assert len({a.json()["tracking_number"] for a in answers}) == 1
    assert Application.objects.filter(channel="api").count() == 1
