"""Signing in with a second factor, as allauth records it.

`client.force_login(user)` makes a session that passed no sign-in step at all:
staff pages treat it as one without a second factor. Tests that are about what
staff do, not about how they sign in, use `sign_in_with_totp` instead.
"""

import time

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator

# Where allauth keeps whose steps the session records (allauth.account.internal.flows.login).
AUTHENTICATION_USER_SESSION_KEY = "account_authentication_methods_user"


def record_second_factor(client, user) -> None:
    """Record in `client`'s session that `user` signed in with a password and their TOTP code."""
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    now = time.time()
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "id": totp.pk, "type": Authenticator.Type.TOTP},
    ]
    session[AUTHENTICATION_USER_SESSION_KEY] = str(user.pk)
    session.save()


def sign_in_with_totp(client, user) -> None:
    """`client.force_login(user)`, with the password and TOTP steps recorded; `user` has TOTP enrolled."""
    client.force_login(user)
    record_second_factor(client, user)


def sign_in(client, user) -> None:
    """`client.force_login(user)` as the sign-in form would leave it: with the TOTP step when the account has TOTP."""
    if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        sign_in_with_totp(client, user)
    else:
        client.force_login(user)
