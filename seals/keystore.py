"""Private keys at rest: AES-256-GCM under a key-encryption key (KEK).

The KEK is 32 bytes in the file named by SEAL_KEK_FILE (raw, 64 hex digits
or base64). Every stored key carries the id of the KEK that wrapped it, so a
wrong KEK is reported as such instead of as a decryption failure. Key material
and the KEK are never logged, and no key is ever serialised as PEM. A KEK is
changed by re-wrapping every stored key (services.kek_rotate, seals_rekey).
"""

import base64
import binascii
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

BLOB_VERSION = b"OGK1"
NONCE_BYTES = 12


class KeyEncryptionKeyError(ImproperlyConfigured):
    """The KEK is missing, unreadable, malformed, or not the one that wrapped a key."""


def _decode_kek(raw: bytes, what: str) -> bytes:
    """32 bytes from a KEK file's content; `what` names the file in the error."""
    if len(raw) == 32:
        return raw
    text = raw.strip()
    for decode in (binascii.unhexlify, lambda v: base64.b64decode(v, validate=True)):
        try:
            value = decode(text)
        except (binascii.Error, ValueError):
            continue
        if len(value) == 32:
            return value
    raise KeyEncryptionKeyError(
        f"{what} must hold a 32-byte key (raw, 64 hex digits or base64); "
        "create one with: openssl rand -hex 32"
    )


def _may_create_kek() -> bool:
    return bool(settings.DEBUG or settings.DEMO_MODE)


def load_kek(*, create: bool | None = None) -> bytes:
    """The KEK from SEAL_KEK_FILE. In DEBUG/DEMO mode a missing file is created (mode 0600)."""
    path = settings.SEAL_KEK_FILE
    if not path:
        raise KeyEncryptionKeyError(
            "SEAL_KEK_FILE is not set: name the file that holds the seals' key-encryption key."
        )
    file = Path(path)
    if create is None:
        create = _may_create_kek()
    if create and not file.exists():
        file.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32) + "\n")
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise KeyEncryptionKeyError(
            f"SEAL_KEK_FILE={path} cannot be read ({exc.strerror or exc}): "
            "the seals' key-encryption key is required."
        ) from None
    return _decode_kek(raw, f"SEAL_KEK_FILE={path}")


def read_kek_file(path: str | os.PathLike) -> bytes:
    """A KEK from any file, by the same rules as SEAL_KEK_FILE (for a KEK rotation).

    Nothing is ever created here.
    """
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise KeyEncryptionKeyError(f"The KEK file {path} cannot be read ({exc.strerror or exc}).") from None
    return _decode_kek(raw, f"The KEK file {path}")


def kek_id(kek: bytes) -> str:
    """A public name for a KEK: it identifies the key without revealing it."""
    return hashlib.sha256(b"onegate-seal-kek-id|" + kek).hexdigest()[:16]


def current_kek_id() -> str:
    return kek_id(load_kek())


def _spki(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _aad(public_key) -> bytes:
    return b"onegate-seal-key|" + hashlib.sha256(_spki(public_key)).hexdigest().encode()


def encrypt_private_key(private_key) -> tuple[bytes, str]:
    """(blob, kek id): the key as PKCS#8 DER, sealed with AES-256-GCM.

    The associated data binds the blob to the key's own public key, so a blob
    copied onto another record fails to open.
    """
    return _wrap(private_key, kek=load_kek())


def _wrap(private_key, *, kek: bytes) -> tuple[bytes, str]:
    der = private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    nonce = os.urandom(NONCE_BYTES)
    blob = BLOB_VERSION + nonce + AESGCM(kek).encrypt(nonce, der, _aad(private_key.public_key()))
    return blob, kek_id(kek)


def decrypt_private_key(blob: bytes, *, stored_kek_id: str, public_key):
    """Open a blob from encrypt_private_key; `public_key` is the one in the certificate."""
    kek = load_kek()
    if kek_id(kek) != stored_kek_id:
        raise KeyEncryptionKeyError(
            f"Wrong key-encryption key: this key was wrapped under KEK {stored_kek_id}, "
            f"but SEAL_KEK_FILE holds KEK {kek_id(kek)}."
        )
    return _unwrap(blob, kek=kek, public_key=public_key)


def _unwrap(blob: bytes, *, kek: bytes, public_key):
    blob = bytes(blob)
    if not blob.startswith(BLOB_VERSION):
        raise KeyEncryptionKeyError("The stored key is not in a format this version understands.")
    nonce = blob[len(BLOB_VERSION) : len(BLOB_VERSION) + NONCE_BYTES]
    ciphertext = blob[len(BLOB_VERSION) + NONCE_BYTES :]
    try:
        der = AESGCM(kek).decrypt(nonce, ciphertext, _aad(public_key))
    except InvalidTag:
        raise KeyEncryptionKeyError(
            "The stored key does not open under the configured key-encryption key "
            "(wrong KEK, or the record was altered)."
        ) from None
    return serialization.load_der_private_key(der, password=None)


def rewrap_private_key(blob: bytes, *, public_key, old_kek: bytes, new_kek: bytes) -> tuple[bytes, str]:
    """(blob, kek id): a key wrapped under `old_kek`, wrapped anew under `new_kek`.

    The new blob is opened again under `new_kek` and its key compared with
    `public_key` (the certificate's) before it is returned, so a blob that
    would not open later is never handed back.
    """
    private_key = _unwrap(blob, kek=old_kek, public_key=public_key)
    new_blob, new_id = _wrap(private_key, kek=new_kek)
    reopened = _unwrap(new_blob, kek=new_kek, public_key=public_key)
    if _spki(reopened.public_key()) != _spki(public_key):
        raise KeyEncryptionKeyError("The re-wrapped key does not match its certificate's public key.")
    return new_blob, new_id
