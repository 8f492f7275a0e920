"""The third-party apps as the portal names them, in INSTALLED_APPS instead of their own configs.

Their own names are English-only or say something else in Chinese than the
portal does (账户 for 账号), and the admin index shows them to staff. Each
config below keeps its app's behaviour and only renames the app and, where
the app gives them no translatable name, its models.
"""

from allauth.account.apps import AccountConfig
from allauth.idp.oidc.apps import OIDCConfig
from allauth.mfa.apps import MFAConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext_lazy
from oauth2_provider.apps import DOTConfig


def _rename_models(config, names: dict) -> None:
    for model in config.get_models():
        if model.__name__ in names:
            model._meta.verbose_name, model._meta.verbose_name_plural = names[model.__name__]


class PortalAccountConfig(AccountConfig):
    verbose_name = _("Account email addresses")


class PortalMFAConfig(MFAConfig):
    verbose_name = _("Second factor")

    def ready(self):
        super().ready()
        _rename_models(self, {"Authenticator": (_("authenticator"), _("authenticators"))})


class PortalOIDCConfig(OIDCConfig):
    verbose_name = _("Sign-in for departmental systems (OpenID Connect)")

    def ready(self):
        super().ready()
        _rename_models(self, {"Token": (_("sign-in token"), _("sign-in tokens"))})


class PortalOAuthConfig(DOTConfig):
    verbose_name = _("Departmental API authorisation (OAuth 2.0)")

    def ready(self):
        super().ready()
        _rename_models(
            self,
            {
                "AccessToken": (_("access token"), _("access tokens")),
                "Application": (_("API client"), _("API clients")),
                "Grant": (_("authorisation code"), _("authorisation codes")),
                "IDToken": (_("ID token"), _("ID tokens")),
                "RefreshToken": (_("refresh token"), _("refresh tokens")),
            },
        )


# Strings that Django and allauth show on the portal's pages and whose Chinese
# in their own catalogues is missing or reads wrong (你 for 您, ASCII
# punctuation). The portal's catalogue, which Django reads first, carries its
# own Chinese for them; listing them here keeps them in it.
THIRD_PARTY_MSGIDS = [
    # django.contrib.admin: the app list's table headings, read by screen readers.
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Recent actions"),
    gettext_noop("My actions"),
    gettext_noop("None available"),
    # django.contrib.auth: the password rules, shown as help on password fields.
    gettext_noop("Your password can’t be too similar to your other personal information."),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    # allauth
    gettext_noop("Enter your password:"),
    gettext_noop("Email or phone"),
]
