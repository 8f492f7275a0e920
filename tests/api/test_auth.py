"""MachineToken: who may call an endpoint, and how often."""

import pytest

from api.services import machine_client_deactivate
from tests.api.conftest import bearer, request_token, token

ITEMS = "/api/v1/catalogue/items"


@pytest.fixture(autouse=True)
def _on_the_suite_day(frozen_time):
    pass


def test_it_answers_401_without_a_token(api_client):
    response = api_client.get(ITEMS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["type"] == "urn:onegate:problem:invalid-token"


def test_it_answers_401_to_a_made_up_token(api_client):
    assert api_client.get(ITEMS, **bearer("not-a-token")).status_code == 401


def test_it_refuses_a_token_in_the_query_string(api_client, catalogue_reader):
    access_token = token(api_client, catalogue_reader)
    assert api_client.get(f"{ITEMS}?access_token={access_token}").status_code == 401


def test_it_answers_403_to_a_token_without_the_scope(api_client, register):
    verifier = register(["licenses:verify"])
    response = api_client.get(ITEMS, **bearer(token(api_client, verifier)))
    assert response.status_code == 403
    body = response.json()
    assert body["type"] == "urn:onegate:problem:insufficient-scope"
    assert "catalogue:read" in body["detail"]
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]


def test_a_scope_taken_from_the_client_stops_its_tokens_at_once(api_client, catalogue_reader):
    access_token = token(api_client, catalogue_reader)
    client = catalogue_reader.client
    client.scopes = ["licenses:verify"]
    client.save()
    assert api_client.get(ITEMS, **bearer(access_token)).status_code == 403


def test_a_deactivated_client_gets_401_and_no_new_token(api_client, catalogue_reader, list_admin):
    access_token = token(api_client, catalogue_reader)
    assert api_client.get(ITEMS, **bearer(access_token)).status_code == 200
    machine_client_deactivate(client=catalogue_reader.client, actor=list_admin)
    assert api_client.get(ITEMS, **bearer(access_token)).status_code == 401
    assert request_token(api_client, catalogue_reader).status_code == 401


def test_it_gives_the_endpoint_the_client(rf, api_client, catalogue_reader):
    from api.auth import MachineToken

    request = rf.get(ITEMS, HTTP_AUTHORIZATION=f"Bearer {token(api_client, catalogue_reader)}")
    client = MachineToken("catalogue:read")(request)
    assert client == catalogue_reader.client == request.machine_client
    assert client.department.code == "market"


def test_it_limits_each_client_with_retry_after(api_client, catalogue_reader, register, settings):
    settings.API_CLIENT_PER_MINUTE = 3
    access_token = token(api_client, catalogue_reader)
    assert [api_client.get(ITEMS, **bearer(access_token)).status_code for _ in range(3)] == [200, 200, 200]
    response = api_client.get(ITEMS, **bearer(access_token))
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response.json()["type"] == "urn:onegate:problem:rate-limited"
    other = register(name="另一个系统")
    assert api_client.get(ITEMS, **bearer(token(api_client, other))).status_code == 200  # its own budget
