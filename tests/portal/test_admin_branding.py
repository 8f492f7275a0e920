"""The admin says whose it is, and names every app and model in the reader's language."""

import pytest
from django.apps import apps
from django.utils import translation

from tests.factories import DepartmentFactory, staff
from tests.mfa import sign_in_with_totp
from portal.models import StaffRole

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    user = staff(StaffRole.Role.APPROVER, DepartmentFactory())
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


def test_it_brands_the_admin_as_onegate(client, superuser):
    sign_in_with_totp(client, superuser)
    client.cookies["django_language"] = "en"
    page = client.get("/admin/").content.decode()
    assert "<title>Records | OneGate administration</title>" in page
    assert "OneGate administration</a>" in page
    assert "Django" not in page


@pytest.mark.parametrize(
    "label, name",
    [
        ("account", "Account email addresses"),
        ("mfa", "Second factor"),
        ("allauth_idp_oidc", "Sign-in for departmental systems (OpenID Connect)"),
        ("oauth2_provider", "Departmental API authorisation (OAuth 2.0)"),
    ],
)
def test_third_party_apps_have_the_portals_names(label, name):
    with translation.override("en"):
        assert str(apps.get_app_config(label).verbose_name) == name


@pytest.mark.parametrize(
    "model, plural",
    [
        ("mfa.Authenticator", "authenticators"),
        ("allauth_idp_oidc.Token", "sign-in tokens"),
        ("oauth2_provider.AccessToken", "access tokens"),
        ("oauth2_provider.Application", "API clients"),
        ("oauth2_provider.Grant", "authorisation codes"),
        ("oauth2_provider.IDToken", "ID tokens"),
        ("oauth2_provider.RefreshToken", "refresh tokens"),
    ],
)
def test_third_party_models_have_the_portals_translatable_names(model, plural):
    meta = apps.get_model(model)._meta
    with translation.override("en"):
        assert str(meta.verbose_name_plural) == plural
    assert not isinstance(meta.verbose_name_plural, str)  # lazy: it follows the reader's language
