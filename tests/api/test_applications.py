"""GET /api/v1/applications/{tracking_number}: an application's status and timeline, for the deciding
department's system with scope applications:read and a purpose; identity numbers in full only with
licenses:read as well."""

import pytest

from api.access.models import AccessLogEntry
from approvals import services as workflow
from services.services import MaterialInput
from tests.api.reads import _purposes, log_entries, purpose, seen_on_data_access_page, system  # noqa: F401 (fixtures)
from tests.licenses.conftest import FIELDS, answers, pdf_upload
from tests.services.factories import make_item, publish


@pytest.fixture(autouse=True)
def _on_the_suite_day(frozen_time):
    pass


@pytest.fixture
def item(department):
    item = make_item(
        department, code="MKT-201", audience="both", promised_limit_days=5, statutory_limit_days=20,
        materials=[MaterialInput(name_zh="经营场所证明", name_en="Proof of premises")], fields=FIELDS,
    )
    publish()
    return item


def accepted(item, user, approver, *, enterprise=None, note=""):
    application = workflow.application_start(actor=user, item_code=item.code, enterprise=enterprise)
    workflow.application_save(application=application, actor=user, data=answers())
    for material in application.item_version.materials.all():
        workflow.attachment_add(application=application, actor=user, material=material, upload=pdf_upload())
    application = workflow.application_submit(application=application, actor=user, declaration=True)
    return workflow.application_accept(application=application, actor=approver, note=note)


@pytest.fixture
def application(item, applicant, approver):
    """The applicant's application, accepted by an approver who quoted the applicant's ID number in a note."""
    return accepted(item, applicant, approver, note=f"已核对身份证 {applicant.person.resident_id}。")


@pytest.fixture
def reader(system):
    return system("applications:read")


@pytest.fixture
def full_reader(system):
    return system("applications:read", "licenses:read")


def url(number):
    return f"/api/v1/applications/{number}"


def test_it_asks_for_a_token(api_client, application):
    response = api_client.get(url(application.tracking_number), **purpose())
    assert response.status_code == 401
    assert not AccessLogEntry.objects.exists()


def test_it_refuses_a_token_without_applications_read(api_client, system, application):
    response = api_client.get(url(application.tracking_number), **system("licenses:read", "catalogue:read"), **purpose())
    assert response.status_code == 403
    assert not AccessLogEntry.objects.exists()


def test_another_departments_application_is_not_found_like_an_unknown_one(api_client, system, application, other_department):
    other = system("applications:read", "licenses:read", department=other_department, name="住建审批系统")
    theirs = api_client.get(url(application.tracking_number), **other, **purpose())
    unknown = api_client.get(url("2026-999999"), **other, **purpose())
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.content == unknown.content
    assert application.applicant_person.real_name not in theirs.content.decode()
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("headers", [purpose(code=None), purpose(reference=None), purpose(code="made-up")])
def test_a_read_without_a_purpose_is_refused_and_not_logged(api_client, reader, application, headers):
    response = api_client.get(url(application.tracking_number), **reader, **headers)
    assert response.status_code == 400
    assert response.json()["type"] == "urn:onegate:problem:purpose-required"
    assert "timeline" not in response.json()
    assert not AccessLogEntry.objects.exists()


def test_it_gives_the_status_and_the_timeline_and_logs_the_read_once(api_client, reader, application, applicant,
                                                                    client, outsider):
    response = api_client.get(
        url(application.tracking_number), **reader, HTTP_ACCEPT_LANGUAGE="en",
        **purpose(code="license-examination", reference="MKT-SP-0101"),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["tracking_number"] == application.tracking_number
    assert body["state"] == "accepted" and body["state_label"] == "accepted"
    assert body["item"]["code"] == "MKT-201" and body["department"]["code"] == "market"
    assert body["due_on"] == application.due_on.isoformat()
    assert [step["action"] for step in body["timeline"]] == [
        event.action for event in application.events.all()
    ] == ["submit", "accept"]
    assert body["timeline"][1]["action_label"] == "accepted"

    [entry] = log_entries("MKT-SP-0101")
    assert entry.result == "found" and entry.purpose.code == "license-examination"
    assert entry.endpoint == "/api/v1/applications/{tracking_number}"
    assert entry.person == applicant.person
    assert seen_on_data_access_page(client, applicant, "MKT-SP-0101")
    assert not seen_on_data_access_page(client, outsider, "MKT-SP-0101")


def test_without_licenses_read_identity_numbers_are_masked(api_client, reader, application, applicant):
    person = applicant.person
    response = api_client.get(url(application.tracking_number), **reader, **purpose())
    body = response.json()
    assert body["applicant"] == {
        "kind": "person", "name": "王*明", "id_number": person.masked_id, "masked": True,
    }
    text = response.content.decode()
    assert person.resident_id not in text and person.real_name not in text
    assert person.masked_id in body["timeline"][1]["note"]


def test_with_licenses_read_identity_numbers_are_given_in_full(api_client, full_reader, application, applicant):
    person = applicant.person
    body = api_client.get(url(application.tracking_number), **full_reader, **purpose()).json()
    assert body["applicant"] == {
        "kind": "person", "name": person.real_name, "id_number": person.resident_id, "masked": False,
    }
    assert person.resident_id in body["timeline"][1]["note"]


def test_a_token_asked_without_licenses_read_is_masked_even_if_the_client_has_it(api_client, register, application,
                                                                                 applicant):
    from tests.api.conftest import bearer, token

    registration = register(["applications:read", "licenses:read"])
    narrow = bearer(token(api_client, registration, scope="applications:read"))
    body = api_client.get(url(application.tracking_number), **narrow, **purpose()).json()
    assert body["applicant"]["masked"] is True
    assert applicant.person.resident_id not in str(body)


def test_an_enterprises_application_is_logged_for_the_enterprise(api_client, full_reader, item, enterprise_member,
                                                                 approver, client, applicant):
    enterprise = enterprise_member.enterprise
    application = accepted(item, enterprise_member.user, approver, enterprise=enterprise)
    body = api_client.get(url(application.tracking_number), **full_reader, **purpose(reference="MKT-QY-0202")).json()
    assert body["applicant"] == {
        "kind": "enterprise", "name": enterprise.name, "id_number": enterprise.credit_code, "masked": False,
    }
    [entry] = log_entries("MKT-QY-0202")
    assert entry.enterprise == enterprise
    assert seen_on_data_access_page(client, enterprise_member.user, "MKT-QY-0202")
    assert not seen_on_data_access_page(client, applicant, "MKT-QY-0202")
