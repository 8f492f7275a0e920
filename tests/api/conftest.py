"""What the API tests add to the cast (tests/conftest.py): registered machine clients and
their tokens, obtained through the real token endpoint with Django's test client."""

import base64
import time
import uuid

import pytest
from django.test import Client
from joserfc import jwt
from joserfc.jwk import ECKey

from api.services import machine_client_register

TOKEN_URL = "/api/oauth/token/"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@pytest.fixture
def api_client():
    """A departmental system's HTTP client: no cookies of a signed-in person."""
    return Client()


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def request_token(http, registration, *, scope=None):
    data = {"grant_type": "client_credentials"}
    if scope:
        data["scope"] = scope
    return http.post(TOKEN_URL, data, HTTP_AUTHORIZATION=basic(registration.client_id, registration.secret))


def token(http, registration, *, scope=None) -> str:
    response = request_token(http, registration, scope=scope)
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def bearer(value: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {value}"}


def assertion(key: ECKey, client_id: str, *, aud=None, lifetime=60, jti=None, now=None):
    """A client assertion (RFC 7523) for the token endpoint, signed with `key`."""
    from django.conf import settings

    aud = aud or f"{settings.SITE_URL}{TOKEN_URL}"
    now = int(time.time() if now is None else now)
    claims = {"iss": client_id, "sub": client_id, "aud": aud, "iat": now, "exp": now + lifetime, "jti": jti or uuid.uuid4().hex}
    return jwt.encode({"alg": "ES256"}, claims, key)


@pytest.fixture
def register(department, list_admin):
    def register(scopes=("catalogue:read",), *, department=department, public_key=None, name="市场监管业务系统"):
        return machine_client_register(
            department=department, name=name, scopes=list(scopes), public_key=public_key, actor=list_admin
        )

    return register


@pytest.fixture
def catalogue_reader(register):
    return register(["catalogue:read"])


@pytest.fixture
def signing_key():
    return ECKey.generate_key("P-256")
