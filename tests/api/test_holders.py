"""GET /api/v1/holders/{subject}/licenses: a holder's licenses, for scope licenses:read with a purpose,
each read logged once for the holder to see."""

import pytest

from api.access.models import AccessLogEntry, AccessPurpose
from licenses.services import license_open
from tests.api.reads import _purposes, log_entries, purpose, seen_on_data_access_page, system  # noqa: F401 (fixtures)
from tests.factories import make_credit_code
from tests.licenses.conftest import approve, business_license, item  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _on_the_suite_day(frozen_time, seal_settings):
    pass


@pytest.fixture
def held(item, applicant, approver, seal):  # noqa: F811
    """Three licenses of the applicant's, opened (the wallet shows them while they are being issued)."""
    licenses = []
    for _ in range(3):
        application = approve(item.code, applicant, approver)
        licenses.append(license_open(application_id=application.pk))
    return licenses


@pytest.fixture
def reader(system):
    return system("licenses:read")


def url(subject, query=""):
    return f"/api/v1/holders/{subject}/licenses{query}"


def test_it_asks_for_a_token(api_client, applicant):
    response = api_client.get(url(applicant.person.resident_id), **purpose())
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert not AccessLogEntry.objects.exists()


def test_it_refuses_a_token_without_licenses_read(api_client, system, applicant):
    response = api_client.get(url(applicant.person.resident_id), **system("applications:read", "licenses:verify"), **purpose())
    assert response.status_code == 403
    assert response.json()["type"] == "urn:onegate:problem:insufficient-scope"
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [purpose(code=None), purpose(reference=None), purpose(code="no-such-purpose"), purpose(reference=" "), {}],
    ids=["no purpose", "no reference", "unknown purpose", "blank reference", "neither"],
)
def test_a_read_without_a_purpose_and_a_case_number_is_refused_and_not_logged(api_client, reader, applicant, held, headers):
    response = api_client.get(url(applicant.person.resident_id), **reader, **headers)
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "urn:onegate:problem:purpose-required" and body["detail"]
    assert "licenses" not in body
    assert not AccessLogEntry.objects.exists()


def test_a_retired_purpose_is_refused(api_client, reader, applicant, held):
    AccessPurpose.objects.filter(code="license-verification").update(active=False)
    response = api_client.get(url(applicant.person.resident_id), **reader, **purpose())
    assert response.status_code == 400
    assert not AccessLogEntry.objects.exists()


def test_it_lists_the_holders_licenses_in_full_and_logs_the_read_once(api_client, reader, applicant, held, client, outsider):
    response = api_client.get(url(applicant.person.resident_id), **reader, **purpose(reference="MKT-2026-0101"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["holder"] == {"id_number": applicant.person.resident_id, "kind": "person"}
    assert [entry["number"] for entry in body["licenses"]] == [license.number for license in reversed(held)]
    first = body["licenses"][0]
    assert first["holder_name"] == applicant.person.real_name
    assert first["license_type"]["code"] == "business-license" and first["issued_by"]["code"] == "market"
    assert body["next"] is None

    [entry] = log_entries("MKT-2026-0101")
    assert entry.result == "found" and entry.purpose.code == "license-verification"
    assert entry.endpoint == "/api/v1/holders/{subject}/licenses"
    assert applicant.person.resident_id not in entry.endpoint
    assert seen_on_data_access_page(client, applicant, "MKT-2026-0101")
    assert not seen_on_data_access_page(client, outsider, "MKT-2026-0101")


def test_a_holder_with_no_licenses_is_logged_as_not_found(api_client, reader, outsider, applicant, client):
    response = api_client.get(url(outsider.person.resident_id), **reader, **purpose(reference="MKT-2026-0202"))
    assert response.status_code == 200
    assert response.json()["licenses"] == []
    [entry] = log_entries("MKT-2026-0202")
    assert entry.result == "not_found"
    assert seen_on_data_access_page(client, outsider, "MKT-2026-0202")
    assert not seen_on_data_access_page(client, applicant, "MKT-2026-0202")


def test_an_enterprises_read_shows_to_its_members(api_client, reader, enterprise_member, client, applicant):
    code = enterprise_member.enterprise.credit_code
    response = api_client.get(url(code), **reader, **purpose(reference="MKT-QY-0303"))
    assert response.status_code == 200
    assert response.json()["holder"] == {"id_number": code, "kind": "enterprise"}
    assert len(log_entries("MKT-QY-0303")) == 1
    assert seen_on_data_access_page(client, enterprise_member.user, "MKT-QY-0303")
    assert not seen_on_data_access_page(client, applicant, "MKT-QY-0303")


def test_a_person_holds_in_person_only_not_their_enterprises_licenses(api_client, reader, enterprise_member, held):
    response = api_client.get(url(enterprise_member.user.person.resident_id), **reader, **purpose())
    assert response.json()["licenses"] == []
    response = api_client.get(url(make_credit_code()), **reader, **purpose())
    assert response.json()["licenses"] == []


def test_an_invalid_number_is_a_validation_problem_and_not_logged(api_client, reader):
    response = api_client.get(url("21140219900307123"), **reader, **purpose())
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "urn:onegate:problem:validation"
    assert body["errors"][0]["location"] == ["path", "subject"]
    assert not AccessLogEntry.objects.exists()


def test_pagination_walks_every_license_once_and_logs_each_page(api_client, reader, applicant, held):
    numbers, next_url, pages = [], url(applicant.person.resident_id, "?limit=2"), 0
    while next_url:
        response = api_client.get(next_url, **reader, **purpose(reference="MKT-2026-0404"))
        assert response.status_code == 200, response.content
        body = response.json()
        numbers += [entry["number"] for entry in body["licenses"]]
        next_url, pages = body["next"], pages + 1
    assert numbers == [license.number for license in reversed(held)]
    assert pages == 2
    assert len(log_entries("MKT-2026-0404")) == 2


def test_a_cursor_is_for_its_own_holder_only(api_client, reader, applicant, outsider, held):
    next_url = api_client.get(url(applicant.person.resident_id, "?limit=1"), **reader, **purpose()).json()["next"]
    cursor = next_url.split("cursor=")[1]
    response = api_client.get(url(outsider.person.resident_id, f"?cursor={cursor}"), **reader, **purpose())
    assert response.status_code == 400
    assert response.json()["type"] == "urn:onegate:problem:bad-cursor"
    response = api_client.get(url(applicant.person.resident_id, "?cursor=forged"), **reader, **purpose())
    assert response.status_code == 400


def test_a_utf8_case_number_is_kept(api_client, reader, applicant):
    reference = "市监-2026-7"
    response = api_client.get(
        url(applicant.person.resident_id), **reader,
        **{"HTTP_ONEGATE_PURPOSE": "license-verification", "HTTP_ONEGATE_REFERENCE": reference.encode().decode("latin-1")},
    )
    assert response.status_code == 200
    assert len(log_entries(reference)) == 1
