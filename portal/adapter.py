from allauth.account.adapter import DefaultAccountAdapter
from allauth.idp.oidc.adapter import DefaultOIDCAdapter
from django.utils.translation import gettext as _

from portal.models import User
from portal.sms import send_sms


class AccountAdapter(DefaultAccountAdapter):
    """Accounts keep their mobile number on the user row."""

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


class OIDCAdapter(DefaultOIDCAdapter):
    """Departmental systems get the account's email and, with `profile`, the real name."""

    def get_claims(self, purpose, user, client, scopes, email=None, **kwargs):
        claims = super().get_claims(purpose, user, client, scopes, email=email, **kwargs)
        if "profile" in scopes:
            person = getattr(user, "person", None)
            if person is not None:
                claims["name"] = person.real_name
        return claims
