"""Seal keys on a PKCS#11 token (a hardware security module; SoftHSM2 in tests).

The module path and the user PIN come from settings (SEAL_PKCS11_MODULE,
SEAL_PKCS11_PIN or SEAL_PKCS11_PIN_FILE); a seal names its token and key by
label. Keys generated here never leave the token (sensitive, not extractable).
"""

import threading

from asn1crypto import keys as asn1_keys
from cryptography.hazmat.primitives.serialization import load_der_public_key
from django.conf import settings

from seals import pki

_lock = threading.Lock()
_libs: dict[str, object] = {}
_sessions: dict[tuple[str, str], object] = {}


class TokenError(RuntimeError):
    pass


def _lib(module: str):
    import pkcs11

    lib = _libs.get(module)
    if lib is None:
        try:
            lib = pkcs11.lib(module)
        except pkcs11.exceptions.PKCS11Error as exc:
            raise TokenError(f"The PKCS#11 module {module} cannot be loaded: {exc!r}") from None
        _libs[module] = lib
    return lib


def session(token_label: str):
    """An open, logged-in session on the token, kept for the life of the process."""
    import pkcs11

    module = settings.SEAL_PKCS11_MODULE
    key = (module, token_label)
    with _lock:
        found = _sessions.get(key)
        if found is None:
            lib = _lib(module)
            try:
                token = lib.get_token(token_label=token_label)
                found = token.open(user_pin=settings.SEAL_PKCS11_PIN or None, rw=True)
            except pkcs11.exceptions.NoSuchToken:
                raise TokenError(f"No PKCS#11 token labelled {token_label!r} in {module}.") from None
            except pkcs11.exceptions.PKCS11Error as exc:
                raise TokenError(f"The PKCS#11 token {token_label!r} cannot be opened: {exc!r}") from None
            _sessions[key] = found
        return found


def forget_session(token_label: str) -> None:
    """Drop a cached session (after the token was reset or the PIN changed)."""
    with _lock:
        stale = _sessions.pop((settings.SEAL_PKCS11_MODULE, token_label), None)
    if stale is not None:
        try:
            stale.close()
        except Exception:  # noqa: BLE001  the session is already unusable
            pass


def _public_key_of(public) -> object:
    from pkcs11 import Attribute, KeyType
    from pkcs11.util.ec import encode_ec_public_key
    from pkcs11.util.rsa import encode_rsa_public_key

    if public.key_type == KeyType.EC:
        return load_der_public_key(encode_ec_public_key(public))
    if public.key_type == KeyType.RSA:
        spki = asn1_keys.PublicKeyInfo.wrap(asn1_keys.RSAPublicKey.load(encode_rsa_public_key(public)), "rsa")
        return load_der_public_key(spki.dump())
    raise TokenError(f"Unsupported key type {public[Attribute.KEY_TYPE]} on the token.")


def ensure_key(*, token_label: str, key_label: str, algorithm: str = pki.EC_P256):
    """The public key of the key pair `key_label`, generated on the token if it is not there yet."""
    import pkcs11
    from pkcs11 import Attribute, KeyType, ObjectClass
    from pkcs11.util.ec import encode_named_curve_parameters

    s = session(token_label)
    try:
        public = s.get_key(object_class=ObjectClass.PUBLIC_KEY, label=key_label)
    except pkcs11.exceptions.NoSuchKey:
        private_template = {Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False}
        if algorithm == pki.EC_P256:
            params = s.create_domain_parameters(
                KeyType.EC, {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")}, local=True
            )
            public, _private = params.generate_keypair(
                store=True, label=key_label, private_template=private_template
            )
        elif algorithm == pki.RSA_3072:
            public, _private = s.generate_keypair(
                KeyType.RSA, 3072, store=True, label=key_label, private_template=private_template
            )
        else:
            raise ValueError(f"unsupported key algorithm {algorithm!r}") from None
    except pkcs11.exceptions.MultipleObjectsReturned:
        raise TokenError(f"More than one key labelled {key_label!r} on token {token_label!r}.") from None
    return _public_key_of(public)
