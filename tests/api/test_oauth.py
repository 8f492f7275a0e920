"""The token endpoint: client credentials with a secret or with private_key_jwt, and revocation."""

import pytest
import time_machine
from datetime import timedelta

from tests.api.conftest import ASSERTION_TYPE, TOKEN_URL, assertion, basic, bearer, request_token, token
from tests.conftest import NOW


@pytest.fixture(autouse=True)
def _on_the_suite_day(frozen_time):
    pass


def test_it_gives_a_client_with_a_secret_a_short_lived_token(api_client, catalogue_reader, settings):
    response = request_token(api_client, catalogue_reader)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == settings.API_TOKEN_SECONDS == 600
    assert body["scope"] == "catalogue:read"
    assert "refresh_token" not in body
    assert api_client.get("/api/v1/catalogue/items", **bearer(body["access_token"])).status_code == 200


def test_it_refuses_a_wrong_secret(api_client, catalogue_reader):
    response = api_client.post(
        TOKEN_URL, {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=basic(catalogue_reader.client_id, "guess")
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_it_gives_a_client_only_the_scopes_it_was_granted(api_client, catalogue_reader):
    response = request_token(api_client, catalogue_reader, scope="licenses:read")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_it_gives_a_token_for_a_signed_client_assertion(api_client, register, signing_key):
    registration = register(public_key=signing_key.as_pem(private=False).decode())
    assert registration.secret is None
    response = api_client.post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion(signing_key, registration.client_id),
        },
    )
    assert response.status_code == 200, response.content
    access_token = response.json()["access_token"]
    assert api_client.get("/api/v1/catalogue/items", **bearer(access_token)).status_code == 200


def test_it_accepts_a_public_jwk(api_client, register, signing_key):
    import json

    registration = register(public_key=json.dumps(signing_key.as_dict(private=False)))
    response = api_client.post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion(signing_key, registration.client_id),
        },
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    "problem",
    ["replayed", "wrong_audience", "expired", "lives_too_long", "other_key", "wrong_type"],
)
def test_it_refuses_a_bad_client_assertion(api_client, register, signing_key, problem):
    from joserfc.jwk import ECKey

    registration = register(public_key=signing_key.as_pem(private=False).decode())
    key, kwargs = signing_key, {}
    if problem == "wrong_audience":
        kwargs["aud"] = "https://elsewhere.example/token"
    elif problem == "expired":
        kwargs["now"] = NOW.timestamp() - 600
    elif problem == "lives_too_long":
        kwargs["lifetime"] = 3600
    elif problem == "other_key":
        key = ECKey.generate_key("P-256")
    jwt_assertion = assertion(key, registration.client_id, **kwargs)
    data = {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE if problem != "wrong_type" else "urn:example:other",
        "client_assertion": jwt_assertion,
    }
    if problem == "replayed":
        assert api_client.post(TOKEN_URL, data).status_code == 200
    response = api_client.post(TOKEN_URL, data)
    assert response.status_code == 401, response.content
    assert response.json()["error"] == "invalid_client"


def test_a_client_with_a_key_cannot_use_a_secret(api_client, register, signing_key):
    from oauth2_provider.models import Application

    registration = register(public_key=signing_key.as_pem(private=False).decode())
    stored = Application.objects.get(client_id=registration.client_id).client_secret
    response = api_client.post(
        TOKEN_URL, {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=basic(registration.client_id, stored)
    )
    assert response.status_code == 401


def test_it_refuses_other_grants(api_client, catalogue_reader):
    response = api_client.post(
        TOKEN_URL,
        {"grant_type": "password", "username": "x", "password": "y"},
        HTTP_AUTHORIZATION=basic(catalogue_reader.client_id, catalogue_reader.secret),
    )
    assert response.status_code in (400, 401)
    assert "access_token" not in response.json()


def test_an_expired_token_gets_401(api_client, catalogue_reader):
    access_token = token(api_client, catalogue_reader)
    with time_machine.travel(NOW + timedelta(minutes=11), tick=False):
        response = api_client.get("/api/v1/catalogue/items", **bearer(access_token))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_revoked_token_gets_401(api_client, catalogue_reader):
    access_token = token(api_client, catalogue_reader)
    response = api_client.post(
        "/api/oauth/revoke/",
        {"token": access_token, "token_type_hint": "access_token"},
        HTTP_AUTHORIZATION=basic(catalogue_reader.client_id, catalogue_reader.secret),
    )
    assert response.status_code == 200
    assert api_client.get("/api/v1/catalogue/items", **bearer(access_token)).status_code == 401


def test_the_token_endpoint_takes_no_csrf_token(catalogue_reader):
    from django.test import Client

    response = request_token(Client(enforce_csrf_checks=True), catalogue_reader)
    assert response.status_code == 200


def test_it_limits_token_requests_per_address(api_client, catalogue_reader, settings):
    settings.API_TOKEN_PER_MINUTE = 2
    assert [request_token(api_client, catalogue_reader).status_code for _ in range(2)] == [200, 200]
    response = request_token(api_client, catalogue_reader)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response["Content-Type"] == "application/problem+json"
