"""Machine clients' public keys and their client assertions (RFC 7523 `private_key_jwt`).

A client that registered a public key authenticates at the token endpoint with
a short JWT signed by its private key instead of a shared secret:
`client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`
and `client_assertion=<JWT>`, whose `iss` and `sub` are its client id, `aud`
the token endpoint, `exp` at most five minutes ahead, and `jti` never used
before (each is remembered until it expires).
"""

from __future__ import annotations

import json
import time

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OKPKey, RSAKey, import_key
from joserfc.jwt import JWTClaimsRegistry

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ALGORITHMS = ["RS256", "PS256", "ES256", "ES384", "EdDSA"]
MAX_LIFETIME_SECONDS = 300
LEEWAY_SECONDS = 30
MIN_RSA_BITS = 2048


class AssertionRejected(Exception):
    """The client assertion does not authenticate anyone (the reason is for the log, never the client)."""


def load_public_key(text: str) -> RSAKey | ECKey | OKPKey:
    """A public JWK (JSON) or PEM key, refused if it is private, symmetric or weak."""
    text = (text or "").strip()
    try:
        if text.startswith("{"):
            key = import_key(json.loads(text))
        else:
            key = _import_pem(text.encode())
    except (ValueError, JoseError, TypeError):
        raise ValidationError(_("This is not a public key in JWK (JSON) or PEM form."), code="invalid") from None
    if not isinstance(key, RSAKey | ECKey | OKPKey):
        raise ValidationError(_("Use an RSA, EC or Ed25519 public key."), code="key_type")
    if key.is_private:
        raise ValidationError(_("This is a private key. Register only the public key."), code="private")
    if isinstance(key, RSAKey) and key.public_key.key_size < MIN_RSA_BITS:
        raise ValidationError(_("RSA keys need at least %(bits)s bits.") % {"bits": MIN_RSA_BITS}, code="weak")
    return key


def _import_pem(data: bytes):
    for key_type in ("EC", "OKP", "RSA"):
        try:
            return import_key(data, key_type)
        except (ValueError, JoseError, TypeError):
            continue
    raise ValueError("not a PEM key")


def unverified_issuer(assertion: str) -> str:
    """The assertion's `iss`, read before its signature is checked (to find the key to check it with)."""
    try:
        claims = json.loads(jws.extract_compact(assertion.encode()).payload)
    except (ValueError, JoseError, TypeError, UnicodeDecodeError):
        raise AssertionRejected("malformed") from None
    issuer = claims.get("iss") if isinstance(claims, dict) else None
    if not isinstance(issuer, str) or not issuer:
        raise AssertionRejected("no issuer")
    return issuer


def verify_assertion(assertion: str, *, client_id: str, public_key: str, audiences: list[str], now: float | None = None):
    """Check the signature and the claims; remember the `jti` so that the assertion is used once."""
    now = time.time() if now is None else now
    try:
        key = load_public_key(public_key)
        token = jwt.decode(assertion, key, algorithms=ALGORITHMS)
        JWTClaimsRegistry(
            now=int(now),
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": client_id},
            sub={"essential": True, "value": client_id},
            aud={"essential": True, "values": audiences},
            exp={"essential": True},
            jti={"essential": True},
        ).validate(token.claims)
    except (ValidationError, JoseError, ValueError) as exc:
        raise AssertionRejected(f"{type(exc).__name__}: {exc}") from None
    expires = token.claims["exp"]
    if not isinstance(expires, int | float) or expires - now > MAX_LIFETIME_SECONDS + LEEWAY_SECONDS:
        raise AssertionRejected("lives too long")
    remember = int(max(expires - now, 0)) + LEEWAY_SECONDS + 1
    if not cache.add(f"api:assertion-jti:{client_id}:{token.claims['jti']}", 1, remember):
        raise AssertionRejected("replayed")
