"""ID tokens tell departmental systems how the user signed in (`amr`, `acr`), and
a staff-only system accepts only staff whose sign-in passed the second factor.

The flow is the authorization-code flow, driven through the test client: the
user's browser is `client`, the departmental system is a cookie-less `Client()`.
"""

import base64
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.idp.oidc.models import Client, Token
from django.test import Client as Browser
from django.urls import reverse
from joserfc import jwt
from joserfc.jwk import KeySet

from portal.adapter import ACR_MFA, ACR_SINGLE_FACTOR
from portal.models import OIDCClientPolicy, StaffRole
from tests.factories import PASSWORD, citizen, enrol_totp, staff, totp_code
from tests.mfa import sign_in_with_totp

pytestmark = pytest.mark.django_db

REDIRECT_URI = "https://desk-system.example/callback"


def _system(name: str, *, staff_only: bool) -> tuple[Client, str]:
    secret = secrets.token_urlsafe(24)
    system = Client(name=name, type=Client.Type.CONFIDENTIAL, skip_consent=True)
    system.set_secret(secret)
    system.set_redirect_uris([REDIRECT_URI])
    system.set_scopes(["openid", "email"])
    system.set_grant_types([Client.GrantType.AUTHORIZATION_CODE, Client.GrantType.REFRESH_TOKEN])
    system.set_response_types(["code"])
    system.save()
    OIDCClientPolicy.objects.create(client=system, staff_only=staff_only)
    return system, secret


@pytest.fixture
def public_system():
    return _system("不动产登记系统", staff_only=False)


@pytest.fixture
def staff_system():
    return _system("审批内网", staff_only=True)


@pytest.fixture
def new_approver(department):
    """An approver who has not enrolled an authenticator app yet."""
    return staff(StaffRole.Role.APPROVER, department, mfa=False)


def _sign_in(client, user, *, with_code: bool) -> None:
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    if with_code:
        assert response["Location"] == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
        assert response.status_code == 302
    assert "_auth_user_id" in client.session


def _authorize(client, system: Client, **extra):
    params = {"response_type": "code", "client_id": system.id, "redirect_uri": REDIRECT_URI,
              "scope": "openid email", "state": "s-1", "nonce": "n-1", **extra}
    return client.get("/identity/o/authorize", params)


def _params(location: str) -> dict:
    """The parameters the system receives at its callback."""
    assert location.startswith(REDIRECT_URI), location
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def _callback(response) -> dict:
    assert response.status_code == 302, response.content[:500]
    return _params(response["Location"])


def _token(system: Client, secret: str, **form) -> dict:
    basic = base64.b64encode(f"{system.id}:{secret}".encode()).decode()
    response = Browser().post(reverse("idp:oidc:token"), form, HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 200, response.content
    return response.json()


def _claims(id_token: str) -> dict:
    keys = KeySet.import_key_set(Browser().get(reverse("idp:oidc:jwks")).json())
    return jwt.decode(id_token, keys).claims


def _id_token_claims(client, system, secret) -> dict:
    code = _callback(_authorize(client, system))["code"]
    tokens = _token(system, secret, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI)
    return _claims(tokens["id_token"])


def _codes_issued() -> int:
    return Token.objects.filter(type=Token.Type.AUTHORIZATION_CODE).count()


# -- amr and acr ---------------------------------------------------------------------------------------


def test_a_password_sign_in_says_pwd(client, public_system):
    _sign_in(client, citizen(), with_code=False)
    claims = _id_token_claims(client, *public_system)
    assert claims["amr"] == ["pwd"]
    assert claims["acr"] == ACR_SINGLE_FACTOR


def test_a_sign_in_with_the_totp_code_says_otp_and_mfa(client, public_system, approver):
    _sign_in(client, approver, with_code=True)
    claims = _id_token_claims(client, *public_system)
    assert claims["amr"] == ["pwd", "otp"]
    assert claims["acr"] == ACR_MFA


def test_a_refreshed_id_token_says_how_the_user_signed_in_then(client, public_system, approver):
    system, secret = public_system
    _sign_in(client, approver, with_code=True)
    code = _callback(_authorize(client, system))["code"]
    tokens = _token(system, secret, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI)
    client.logout()
    refreshed = _token(system, secret, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    claims = _claims(refreshed["id_token"])
    assert claims["amr"] == ["pwd", "otp"] and claims["acr"] == ACR_MFA


def test_the_discovery_document_lists_the_acr_values(client):
    metadata = client.get(reverse("idp:oidc:configuration")).json()
    assert metadata["acr_values_supported"] == [ACR_MFA, ACR_SINGLE_FACTOR]


# -- the staff-only system -----------------------------------------------------------------------------


def test_a_normal_system_accepts_a_password_only_sign_in(client, public_system, new_approver):
    _sign_in(client, new_approver, with_code=False)
    assert _id_token_claims(client, *public_system)["amr"] == ["pwd"]


def test_a_staff_only_system_refuses_a_password_only_sign_in(client, staff_system, new_approver):
    _sign_in(client, new_approver, with_code=False)
    response = _authorize(client, staff_system[0])
    assert response.status_code == 403
    page = response.content.decode()
    assert "审批内网" in page and "身份验证器" in page  # in Chinese, the portal's default language
    assert reverse("mfa_activate_totp") in page
    assert _codes_issued() == 0
    # The way back tells the system the user was refused.
    assert _params(response.context["return_url"]) == {
        "error": "access_denied", "error_description": "The user has no second factor.", "state": "s-1"
    }


def test_a_system_made_staff_only_refuses_a_silent_renewal(client, staff_system, new_approver):
    system, secret = staff_system
    OIDCClientPolicy.objects.filter(client=system).update(staff_only=False)
    _sign_in(client, new_approver, with_code=False)
    _id_token_claims(client, system, secret)  # a grant from before the system became staff-only
    OIDCClientPolicy.objects.filter(client=system).update(staff_only=True)
    codes = _codes_issued()
    callback = _callback(_authorize(client, system, prompt="none"))
    assert callback["error"] == "access_denied" and "code" not in callback
    assert _codes_issued() == codes


def test_a_staff_only_system_asks_enrolled_staff_for_the_code_they_skipped(client, staff_system, approver):
    client.force_login(approver)  # a session that passed no second factor
    response = _authorize(client, staff_system[0])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate") + "?next=")
    assert _codes_issued() == 0
    back = client.post(response["Location"], {"code": totp_code()})
    assert back.status_code == 302 and back["Location"].startswith("/identity/o/authorize?")
    claims = _id_token_claims(client, *staff_system)
    assert claims["amr"] == ["otp"] and claims["acr"] == ACR_MFA


def test_a_staff_only_system_accepts_staff_who_signed_in_with_the_code(client, staff_system, approver):
    _sign_in(client, approver, with_code=True)
    claims = _id_token_claims(client, *staff_system)
    assert claims["sub"] == str(approver.pk) and claims["acr"] == ACR_MFA


def test_a_staff_only_system_refuses_citizens_even_with_a_second_factor(client, staff_system):
    person = citizen()
    enrol_totp(person)
    _sign_in(client, person, with_code=True)
    callback = _callback(_authorize(client, staff_system[0]))
    assert callback == {"error": "access_denied", "error_description": "This system is for staff only.", "state": "s-1"}
    assert _codes_issued() == 0


def test_a_staff_only_system_refuses_citizens_at_once_without_offering_a_second_factor(client, staff_system):
    _sign_in(client, citizen(), with_code=False)
    callback = _callback(_authorize(client, staff_system[0]))
    assert callback == {"error": "access_denied", "error_description": "This system is for staff only.", "state": "s-1"}
    assert _codes_issued() == 0


def test_an_administrator_marks_a_system_staff_only_in_the_admin(client, public_system, approver):
    approver.is_staff = approver.is_superuser = True
    approver.save(update_fields=["is_staff", "is_superuser"])
    sign_in_with_totp(client, approver)
    page = client.get(reverse("admin:allauth_idp_oidc_client_change", args=[public_system[0].pk]))
    assert page.status_code == 200 and 'name="onegate_policy-0-staff_only"' in page.content.decode()
