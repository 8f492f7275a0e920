from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core import context
from allauth.idp.oidc.adapter import DefaultOIDCAdapter
from allauth.idp.oidc.internal.oauthlib.utils import get_validator_context
from django.conf import settings
from django.contrib.sites.requests import RequestSite
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.models import OIDCSignIn, User
from portal.permissions import has_role
from portal.sms import send_sms


class PortalSite(RequestSite):
    """The portal as its emails name it: its name in the reader's language and its public address.

    django.contrib.sites is not installed, so allauth would otherwise name the
    portal after whatever host the request came in on ("127.0.0.1:8000").
    """

    def __init__(self):
        self.domain = urlsplit(settings.SITE_URL).netloc
        self.name = _(settings.SITE_NAME)


class AccountAdapter(DefaultAccountAdapter):
    """Accounts keep their mobile number on the user row; their emails name the portal, not the host."""

    def send_mail(self, template_prefix, email, context):
        super().send_mail(template_prefix, email, {**context, "current_site": PortalSite()})

    def format_email_subject(self, subject):
        return f"[{PortalSite().name}] {subject}"

    def set_phone(self, user, phone, verified):
        user.phone = phone
        user.phone_verified = verified
        user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user):
        return (user.phone, user.phone_verified) if user.phone else None

    def set_phone_verified(self, user, phone):
        if user.phone == phone:
            user.phone_verified = True
            user.save(update_fields=["phone_verified"])

    def get_user_by_phone(self, phone):
        return User.objects.filter(phone=phone).order_by("pk").first()

    def send_verification_code_sms(self, user, phone, code, **kwargs):
        send_sms(phone, _("OneGate code: %(code)s. Valid for a few minutes. Do not share it.") % {"code": code})

    def send_unknown_account_sms(self, phone, **kwargs):
        send_sms(phone, _("Someone asked for a OneGate sign-in code, but this number has no account."))

    def get_login_redirect_url(self, request):
        """Window clerks start at the window; everyone else in "my office" (a `next` address wins over both)."""
        if has_role(request.user, "clerk"):
            return reverse("window")
        return super().get_login_redirect_url(request)


# -- how the user signed in, for relying parties ----------------------------------------------------
#
# ID tokens carry `amr` (RFC 8176) and `acr`. The values, in the order the steps happened:
#   "pwd"    the password;
#   "sms"    a sign-in code sent to the mobile number;
#   "email"  a code or link sent to the email address (sign-in by email code, password reset);
#   "otp"    the second factor: a TOTP code from the authenticator app, or a recovery code.
# acr is ACR_MFA when the sign-in included the second factor, ACR_SINGLE_FACTOR otherwise.

ACR_MFA = "urn:onegate:acr:mfa"
ACR_SINGLE_FACTOR = "urn:onegate:acr:single-factor"
SECOND_FACTOR_AMR = "otp"


def _amr_value(record: dict) -> str | None:
    method = record.get("method")
    if method == "password":
        return "pwd"
    if method == "code":
        return "sms" if record.get("phone") else "email"
    if method == "password_reset":
        return "email"
    if method == "mfa":
        return SECOND_FACTOR_AMR
    return None


def session_amr(request) -> list[str]:
    """The `amr` values of the steps by which this session's user signed in (allauth records them)."""
    values = [_amr_value(record) for record in get_authentication_records(request, request.user)]
    return list(dict.fromkeys(value for value in values if value))


def acr_for(amr: list[str]) -> str:
    return ACR_MFA if SECOND_FACTOR_AMR in amr else ACR_SINGLE_FACTOR


class OIDCAdapter(DefaultOIDCAdapter):
    """Departmental systems get the account's email and, with `profile`, the real name; every
    ID token says how the user signed in (`amr`, `acr`)."""

    def get_claims(self, purpose, user, client, scopes, email=None, **kwargs):
        claims = super().get_claims(purpose, user, client, scopes, email=email, **kwargs)
        if "profile" in scopes:
            person = getattr(user, "person", None)
            if person is not None:
                claims["name"] = person.real_name
        return claims

    def populate_id_token(self, id_token, client, scopes, **kwargs):
        amr = self._grant_amr()
        if amr is not None:
            id_token["amr"] = amr
            id_token["acr"] = acr_for(amr)

    def populate_server_metadata(self, data):
        data["acr_values_supported"] = [ACR_MFA, ACR_SINGLE_FACTOR]

    def _grant_amr(self) -> list[str] | None:
        """How the user signed in when they authorized the grant this token comes from.

        At the token endpoint (a code or a refresh token) the grant's record
        says so; at the authorization endpoint (implicit and hybrid responses)
        the session itself does.
        """
        validator = get_validator_context()
        grant_id = validator.grant_id
        if grant_id is None and validator.refresh_token is not None:
            grant_id = validator.refresh_token.get_grant_id()
        if grant_id is not None:
            amr = OIDCSignIn.objects.filter(grant_id=grant_id).values_list("amr", flat=True).first()
            if amr is not None:
                return amr
        request = context.request
        if request is not None and request.user.is_authenticated:
            return session_amr(request)
        return None
