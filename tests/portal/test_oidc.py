"""Departmental systems sign users in with their portal account: the
authorization-code flow with PKCE, driven by a real OIDC client (Authlib)
over HTTP against the live portal."""

import re
import secrets

import pytest
import requests
from allauth.idp.oidc.models import Client
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.factories import PASSWORD, citizen

pytestmark = pytest.mark.django_db(transaction=True)

REDIRECT_URI = "http://127.0.0.1:9/departmental-system/callback"


@pytest.fixture
def departmental_system():
    secret = secrets.token_urlsafe(24)
    client = Client(name="不动产登记系统", type=Client.Type.CONFIDENTIAL, skip_consent=True)
    client.set_secret(secret)
    client.set_redirect_uris([REDIRECT_URI])
    client.set_scopes(["openid", "email", "profile"])
    client.set_grant_types([Client.GrantType.AUTHORIZATION_CODE])
    client.set_response_types(["code"])
    client.save()
    return client, secret


@pytest.fixture
def oauth_session():
    """Makes the departmental system's OAuth2Sessions, and closes them when the test ends. An HTTP
    connection left open keeps a live-server thread waiting on it, and that thread's database
    connection open: the test database could not be dropped at the end of the run."""
    made = []

    def make(*args, **kwargs) -> OAuth2Session:
        made.append(OAuth2Session(*args, **kwargs))
        return made[-1]

    yield make
    for session in made:
        session.close()


def _sign_in(session: OAuth2Session, base: str, email: str) -> None:
    page = session.get(f"{base}/accounts/login/", withhold_token=True)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base}/accounts/login/",
        data={"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        withhold_token=True,
    )
    assert response.status_code == 302, response.text[:500]


def test_it_signs_a_user_in_to_a_departmental_system(live_server, departmental_system, oauth_session):
    client, secret = departmental_system
    user = citizen()
    base = live_server.url
    discovery = requests.get(f"{base}/.well-known/openid-configuration").json()
    assert "S256" in discovery.get("code_challenge_methods_supported", ["S256"])

    oauth = oauth_session(
        client.id,
        secret,
        scope="openid email profile",
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )
    _sign_in(oauth, base, user.email)
    verifier = secrets.token_urlsafe(48)
    nonce = secrets.token_urlsafe(16)
    url, state = oauth.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )
    assert "code_challenge=" in url
    response = oauth.get(url, allow_redirects=False, withhold_token=True)
    assert response.status_code == 302, response.text[:500]
    callback = response.headers["Location"]
    assert callback.startswith(REDIRECT_URI) and "code=" in callback

    token = oauth.fetch_token(
        discovery["token_endpoint"], authorization_response=callback, code_verifier=verifier
    )
    keys = KeySet.import_key_set(requests.get(discovery["jwks_uri"]).json())
    decoded = jwt.decode(token["id_token"], keys)  # raises unless the signature verifies
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": discovery["issuer"]},
        aud={"essential": True, "value": client.id},
        nonce={"essential": True, "value": nonce},
        exp={"essential": True},
        iat={"essential": True},
    ).validate(decoded.claims)
    claims = decoded.claims
    assert claims["sub"] == str(user.pk)
    assert claims["email"] == user.email
    assert claims["name"] == user.person.real_name

    userinfo = oauth.get(discovery["userinfo_endpoint"]).json()
    assert userinfo["sub"] == str(user.pk)


def test_it_refuses_the_code_without_the_pkce_verifier(live_server, departmental_system, oauth_session):
    client, secret = departmental_system
    base = live_server.url
    discovery = requests.get(f"{base}/.well-known/openid-configuration").json()
    oauth = oauth_session(
        client.id, secret, scope="openid", redirect_uri=REDIRECT_URI, code_challenge_method="S256"
    )
    _sign_in(oauth, base, citizen().email)
    url, _ = oauth.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=secrets.token_urlsafe(48)
    )
    callback = oauth.get(url, allow_redirects=False, withhold_token=True).headers["Location"]
    code = re.search(r"code=([^&]+)", callback).group(1)
    response = requests.post(
        discovery["token_endpoint"],
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
              "code_verifier": secrets.token_urlsafe(48)},
        auth=(client.id, secret),
    )
    assert response.status_code == 400
    assert "id_token" not in response.text


def test_it_refuses_a_wrong_redirect_uri(live_server, departmental_system, oauth_session):
    client, secret = departmental_system
    base = live_server.url
    discovery = requests.get(f"{base}/.well-known/openid-configuration").json()
    oauth = oauth_session(
        client.id,
        secret,
        scope="openid",
        redirect_uri="https://attacker.example/steal",
        code_challenge_method="S256",
    )
    _sign_in(oauth, base, citizen().email)
    url, _ = oauth.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=secrets.token_urlsafe(48)
    )
    response = oauth.get(url, allow_redirects=False, withhold_token=True)
    assert not response.headers.get("Location", "").startswith("https://attacker.example")
    assert response.status_code in (400, 200)
    assert "code=" not in response.headers.get("Location", "")
