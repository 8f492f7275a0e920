"""Writes for seals: the CA hierarchy and its CRLs, the seal lifecycle, sealing PDFs
(PAdES B-LTA), archive timestamps and the usage log.

Views, admin actions, commands, tasks and other apps call these. `seal_pdf` is
the one way the portal signs a document: it refuses a seal that is not in use
and records every signature in the tamper-evident seal-usage log.

Public hooks for other apps: `portal_timestamper()` (an RFC 3161 timestamper),
`on_seal_revoked(handler)` and `register_archive(...)`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from seals import artwork, keystore, ledger, pki
from seals.models import Authority, PublishedCRL, RootAuthority, Seal, SealLogHead, SealUsage

if TYPE_CHECKING:
    from seals import signing

# pyHanko (seals.signing, seals.timestamping) is imported where a seal signs or a timestamp is made,
# not when Django starts: every process, manage.py command and worker would pay for it otherwise.

logger = logging.getLogger(__name__)

ROOT_NAME = "OneGate Root CA"
ISSUING_NAME = "OneGate Seal Issuing CA"
TSA_NAME = "OneGate Timestamp Authority"
# The TSA key is replaced (tsa_ensure, run weekly) this long before its usage period
# (pki.TSA_KEY_USAGE) ends, so that it never signs after the end its certificate states.
TSA_ROTATE_AHEAD = timedelta(days=14)
# From this long before the root ends, tsa_ensure logs an error every time it runs: nothing
# under the root outlives it, so a new root is needed.
ROOT_RENEW_BEFORE = timedelta(days=2 * 365)
# A fresh CRL is signed when the stored one is older than this (the beat task runs hourly).
CRL_REFRESH_AFTER = timedelta(hours=1)


def _require_perm(actor, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied(_("You do not have permission to do this."))


def crl_url() -> str:
    """Where relying parties fetch the issuing CA's CRL; written into every seal certificate."""
    return settings.SITE_URL + reverse("verify_crl")


def root_crl_url() -> str:
    """Where relying parties fetch the root's CRL; written into the issuing CA and TSA certificates."""
    return settings.SITE_URL + reverse("verify_root_crl")


# -- the CA hierarchy ----------------------------------------------------------


@transaction.atomic
def root_create(*, algorithm: str = pki.EC_P256, common_name: str = ROOT_NAME, at: datetime | None = None) -> RootAuthority:
    """Create the portal's CA hierarchy: the root, the issuing CA and the TSA, and sign their CRLs.

    It is made once: an existing root is never replaced.
    """
    at = at or timezone.now()
    existing = RootAuthority.objects.first()
    if existing is not None:
        raise ValidationError(
            _("The root CA already exists (fingerprint %(fp)s); it is never overwritten.")
            % {"fp": existing.fingerprint_sha256}
        )
    key = pki.generate_key(algorithm)
    certificate = pki.build_root_certificate(
        key, subject=pki.root_name(common_name=common_name, organisation=settings.SITE_NAME), at=at
    )
    blob, kek_id = keystore.encrypt_private_key(key)
    root = RootAuthority(
        common_name=common_name,
        certificate_pem=pki.certificate_pem(certificate),
        fingerprint_sha256=pki.fingerprint(certificate),
        algorithm=algorithm,
        encrypted_key=blob,
        kek_id=kek_id,
        created_at=at,
    )
    root.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            root.save()
    except IntegrityError:
        raise ValidationError(_("The root CA already exists; it is never overwritten.")) from None
    logger.info("seals: root CA created, fingerprint %s", root.fingerprint_sha256)
    root_certificate = pki.load_certificate(root.certificate_pem)
    for role in (Authority.Role.ISSUING, Authority.Role.TSA):
        _authority_create(role=role, root_certificate=root_certificate, root_key=key, algorithm=algorithm, at=at)
    crl_publish(at=at)
    return root


def _authority_create(*, role: str, root_certificate, root_key, algorithm: str, at: datetime) -> Authority:
    key = pki.generate_key(algorithm)
    name = ISSUING_NAME if role == Authority.Role.ISSUING else TSA_NAME
    build = pki.build_issuing_certificate if role == Authority.Role.ISSUING else pki.build_tsa_certificate
    certificate = build(
        public_key=key.public_key(),
        subject=pki.root_name(common_name=name, organisation=settings.SITE_NAME),
        root_certificate=root_certificate,
        root_key=root_key,
        crl_url=root_crl_url(),
        at=at,
    )
    blob, kek_id = keystore.encrypt_private_key(key)
    authority = Authority(
        role=role,
        common_name=name,
        certificate_pem=pki.certificate_pem(certificate),
        fingerprint_sha256=pki.fingerprint(certificate),
        algorithm=algorithm,
        encrypted_key=blob,
        kek_id=kek_id,
        not_after=certificate.not_valid_after_utc,
        created_at=at,
    )
    authority.full_clean(validate_unique=False)
    authority.save()
    logger.info("seals: %s created, fingerprint %s", role, authority.fingerprint_sha256)
    return authority


def _authority(role: str, *, lock: bool = False) -> Authority:
    rows = Authority.objects.filter(role=role, retired_at__isnull=True)
    found = rows.select_for_update().first() if lock else rows.first()
    if found is None:
        raise ValidationError(_("There is no root CA yet: run manage.py seals_init first."))
    return found


def _key_of(record):
    """Open the stored private key of the root, the issuing CA or the TSA (never in a web request
    that only publishes: the CRL views read PublishedCRL)."""
    certificate = pki.load_certificate(record.certificate_pem)
    return keystore.decrypt_private_key(
        record.encrypted_key, stored_kek_id=record.kek_id, public_key=certificate.public_key()
    )


def tsa_key_usage_ends(tsa: Authority) -> datetime:
    """When the TSA's key stops signing: the end of the usage period its certificate states
    (privateKeyUsagePeriod), or, for a certificate that states none, pki.TSA_KEY_USAGE after
    it was made."""
    stated = pki.key_usage_ends(pki.load_certificate(tsa.certificate_pem))
    return stated or min(tsa.created_at + pki.TSA_KEY_USAGE, tsa.not_after)


@transaction.atomic
def tsa_ensure(*, at: datetime | None = None) -> Authority:
    """The TSA in use. When its key's usage period (pki.TSA_KEY_USAGE) ends within
    TSA_ROTATE_AHEAD, it is replaced by a new key with a new certificate, valid until
    the root ends, and the old key is destroyed.

    The old certificate stays valid and is not revoked: the key was not compromised, it
    only reached the end of its use, and every timestamp it made must still check out
    at the current time until the certificate ends (ETSI EN 319 421). Revoking it would
    make a validator reject those timestamps unless a later timestamp proved that they
    existed before the revocation.
    """
    at = at or timezone.now()
    root = _root(lock=True)
    current = _authority(Authority.Role.TSA, lock=True)
    root_certificate = pki.load_certificate(root.certificate_pem)
    root_ends = root_certificate.not_valid_after_utc
    if root_ends - at <= ROOT_RENEW_BEFORE:
        logger.error("seals: the root CA ends on %s: a new root is needed", root_ends)
    if tsa_key_usage_ends(current) - at > TSA_ROTATE_AHEAD or root_ends - at <= TSA_ROTATE_AHEAD:
        return current
    # The key is destroyed (its wrapped copy is wiped), so that nothing signs with it again;
    # database backups made before keep it until they are discarded. The certificate stays.
    current.retired_at = at
    current.encrypted_key = b""
    current.kek_id = ""
    current.save(update_fields=["retired_at", "encrypted_key", "kek_id"])
    new = _authority_create(
        role=Authority.Role.TSA,
        root_certificate=root_certificate,
        root_key=_key_of(root),
        algorithm=root.algorithm,
        at=at,
    )
    _forget_timestamper()
    logger.info(
        "seals: TSA %s retired, its key destroyed; TSA %s in use",
        current.fingerprint_sha256[:16],
        new.fingerprint_sha256[:16],
    )
    return new


# -- CRLs ----------------------------------------------------------------------


def _publish_one(*, issuer, revoked: list[tuple[int, datetime, str]], at: datetime) -> PublishedCRL:
    certificate = pki.load_certificate(issuer.certificate_pem)
    previous = PublishedCRL.objects.select_for_update().filter(issuer_fingerprint=issuer.fingerprint_sha256).first()
    number = max(int(at.timestamp()), previous.number + 1 if previous else 0)
    crl = pki.build_crl(issuer_certificate=certificate, issuer_key=_key_of(issuer), revoked=revoked, at=at, number=number)
    der = crl.public_bytes(pki.serialization.Encoding.DER)
    published, _created = PublishedCRL.objects.update_or_create(
        issuer_fingerprint=issuer.fingerprint_sha256,
        defaults={
            "number": number,
            "this_update": crl.last_update_utc,
            "next_update": crl.next_update_utc,
            "der": der,
        },
    )
    return published


@transaction.atomic
def crl_publish(*, at: datetime | None = None) -> list[PublishedCRL]:
    """Sign and store the CRLs of the root (issuing CA and TSA certificates) and of every issuing
    CA (seal certificates). A worker runs this on a schedule and after each revocation; the
    public CRL addresses only read what is stored here."""
    at = at or timezone.now()
    root = _root()
    published = [_publish_one(issuer=root, revoked=[], at=at)]
    issuers = Authority.objects.filter(role=Authority.Role.ISSUING).order_by("pk")
    current = issuers.filter(retired_at__isnull=True).first()
    for issuer in issuers:
        revoked = Seal.objects.revoked().filter(issuer=issuer)
        if issuer == current:
            revoked = revoked | Seal.objects.revoked().filter(issuer__isnull=True)
        entries = [(int(s.serial_number, 16), s.revoked_at, s.revocation_reason) for s in revoked]
        published.append(_publish_one(issuer=issuer, revoked=entries, at=at))
    return published


def _crls_for_signing(at: datetime) -> list[bytes]:
    """The stored CRLs, re-signed first if any is missing or older than CRL_REFRESH_AFTER (the
    beat task normally keeps them fresh; this runs where documents are sealed, in a worker)."""
    fingerprints = [_root().fingerprint_sha256, _authority(Authority.Role.ISSUING).fingerprint_sha256]
    crls = list(PublishedCRL.objects.filter(issuer_fingerprint__in=fingerprints))
    if len(crls) < len(fingerprints) or any(
        c.this_update > at or at - c.this_update > CRL_REFRESH_AFTER for c in crls
    ):
        crls = crl_publish(at=at)
    return [bytes(c.der) for c in crls if c.issuer_fingerprint in fingerprints]


def _enqueue_crl_publish() -> None:
    from celery import current_app

    current_app.signature("seals.tasks.publish_crls").delay()


# -- hooks for other apps ------------------------------------------------------

_revocation_handlers: list[Callable] = []


def on_seal_revoked(handler: Callable) -> None:
    """Call `handler(seal, reason)` after the commit of every seal revocation.

    `reason` is a Seal.RevocationReason value. For "key_compromise" the handler
    should re-issue what the seal sealed under the department's new seal and
    tell the holders: documents sealed before the revocation stay valid for
    any other reason (their timestamps place them before it).
    """
    if handler not in _revocation_handlers:
        _revocation_handlers.append(handler)


def _root(*, lock: bool = False) -> RootAuthority:
    """The root CA row. `lock=True` (only inside a transaction) takes its row lock.

    Everything that creates a key under the root (issuing and rotating seals)
    locks it, so a creation waits for a running KEK rotation (`kek_rotate`
    holds the same lock) and then sees the re-wrapped root key: it either opens
    it with the new KEK or fails with the wrong-KEK error, and never wraps a
    new key under a KEK that is being retired. Signing reads it without a lock.
    """
    rows = RootAuthority.objects.order_by("pk")
    root = rows.select_for_update().first() if lock else rows.first()
    if root is None:
        raise ValidationError(_("There is no root CA yet: run manage.py seals_init first."))
    return root




# -- the seal lifecycle --------------------------------------------------------


def _new_seal(
    *,
    root: RootAuthority,
    department,
    purpose: str,
    actor,
    at: datetime,
    key_store: str,
    pkcs11_token_label: str,
    pkcs11_key_label: str,
    algorithm: str,
    credit_code: str,
) -> Seal:
    issuer = _authority(Authority.Role.ISSUING)
    issuer_certificate = pki.load_certificate(issuer.certificate_pem)
    # Opened first: under a KEK this process does not hold (a rotation committed
    # while we waited for the root's lock) this fails before any key is made.
    issuer_key = _key_of(issuer)
    encrypted_key, kek_id = None, ""
    if key_store == Seal.KeyStore.ENCRYPTED:
        private_key = pki.generate_key(algorithm)
        public_key = private_key.public_key()
        encrypted_key, kek_id = keystore.encrypt_private_key(private_key)
    elif key_store == Seal.KeyStore.PKCS11:
        if not (pkcs11_token_label and pkcs11_key_label):
            raise ValidationError(_("A seal on a PKCS#11 token needs the token label and the key label."))
        from seals import hsm

        try:
            public_key = hsm.ensure_key(
                token_label=pkcs11_token_label, key_label=pkcs11_key_label, algorithm=algorithm
            )
        except hsm.TokenError as exc:
            raise ValidationError(str(exc)) from None
    else:
        raise ValidationError({"key_store": _("Choose a key store.")})

    purpose_zh = Seal.PURPOSE_ZH[purpose]
    try:
        image = artwork.draw_seal(department.name_zh, purpose_zh)
    except artwork.SealArtworkError as exc:
        raise ValidationError(str(exc)) from None
    certificate = pki.build_seal_certificate(
        public_key=public_key,
        subject=pki.seal_name(
            department_zh=department.name_zh,
            department_en=department.name_en,
            purpose_zh=purpose_zh,
            organisation=settings.SITE_NAME,
            credit_code=credit_code,
        ),
        issuer_certificate=issuer_certificate,
        issuer_key=issuer_key,
        crl_url=crl_url(),
        at=at,
    )
    seal = Seal(
        department=department,
        purpose=purpose,
        name_zh=department.name_zh,
        name_en=department.name_en,
        credit_code=credit_code,
        issuer=issuer,
        serial_number=format(certificate.serial_number, "x"),
        certificate_pem=pki.certificate_pem(certificate),
        fingerprint_sha256=pki.fingerprint(certificate),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        image_svg=image.svg(),
        appearance=image.pdf_operators(),
        key_store=key_store,
        encrypted_key=encrypted_key,
        kek_id=kek_id,
        pkcs11_token_label=pkcs11_token_label if key_store == Seal.KeyStore.PKCS11 else "",
        pkcs11_key_label=pkcs11_key_label if key_store == Seal.KeyStore.PKCS11 else "",
        issued_at=at,
        issued_by=actor,
    )
    seal.full_clean()
    seal.save()
    logger.info("seals: issued seal %s for %s (%s)", seal.serial_number, department.code, purpose)
    return seal


@transaction.atomic
def seal_issue(
    *,
    department,
    purpose: str = Seal.Purpose.LICENSE,
    actor=None,
    at: datetime | None = None,
    key_store: str = Seal.KeyStore.ENCRYPTED,
    pkcs11_token_label: str = "",
    pkcs11_key_label: str = "",
    algorithm: str = pki.EC_P256,
    credit_code: str = "",
) -> Seal:
    """Issue a department's seal: a new key, a certificate from the issuing CA and the seal image.

    `credit_code` is the department's unified social credit code, written into the
    certificate's subject (organizationIdentifier NTRCN-<code>).
    Takes the root CA's row lock first (see `_root`): it waits for a running KEK rotation.
    """
    from portal.identifiers import validate_credit_code

    _require_perm(actor, "seals.add_seal")
    if purpose not in Seal.Purpose.values:
        raise ValidationError({"purpose": _("Choose a purpose.")})
    if credit_code:
        credit_code = validate_credit_code(credit_code)
    root = _root(lock=True)
    if Seal.objects.active().filter(department=department, purpose=purpose).exists():
        raise ValidationError(_("This department already has a seal in use for this purpose: rotate it instead."))
    return _new_seal(
        root=root,
        department=department,
        purpose=purpose,
        actor=actor,
        at=at or timezone.now(),
        key_store=key_store,
        pkcs11_token_label=pkcs11_token_label,
        pkcs11_key_label=pkcs11_key_label,
        algorithm=algorithm,
        credit_code=credit_code,
    )


@transaction.atomic
def seal_rotate(
    *,
    seal: Seal,
    actor=None,
    at: datetime | None = None,
    pkcs11_key_label: str = "",
) -> Seal:
    """Replace a seal in use by a new one (new key, new certificate).

    The old seal is rotated out, not revoked: documents it sealed stay valid.
    A seal on a token gets its new key on the same token, under `pkcs11_key_label`
    (by default the old label with the rotation time appended).
    The root CA's row is locked before the seal's, the order `kek_rotate` uses.
    """
    _require_perm(actor, "seals.add_seal")
    at = at or timezone.now()
    root = _root(lock=True)
    old = Seal.objects.select_for_update().select_related("department").get(pk=seal.pk)
    if old.status != Seal.Status.ACTIVE:
        raise ValidationError(_("Only a seal in use can be rotated."))
    old.status = Seal.Status.RETIRED
    old.retired_at = at
    old.save(update_fields=["status", "retired_at"])
    if old.key_store == Seal.KeyStore.PKCS11 and not pkcs11_key_label:
        pkcs11_key_label = f"{old.pkcs11_key_label[:48]}-{at:%Y%m%d%H%M%S}"
    new = _new_seal(
        root=root,
        department=old.department,
        purpose=old.purpose,
        actor=actor,
        at=at,
        key_store=old.key_store,
        pkcs11_token_label=old.pkcs11_token_label,
        pkcs11_key_label=pkcs11_key_label,
        algorithm=pki.key_algorithm(pki.load_certificate(old.certificate_pem).public_key()),
        credit_code=old.credit_code,
    )
    old.replaced_by = new
    old.save(update_fields=["replaced_by"])
    _forget_signer(old.pk)
    seal.refresh_from_db()
    return new


@transaction.atomic
def seal_revoke(*, seal: Seal, reason: str, note: str, actor=None, at: datetime | None = None) -> Seal:
    """Revoke a seal: it signs nothing more, and the CRL lists it from now on.

    Documents it sealed before `at` (per a trusted timestamp or the usage log)
    remain valid; anything signed with its key afterwards is rejected.
    """
    _require_perm(actor, "seals.change_seal")
    at = at or timezone.now()
    if reason not in Seal.RevocationReason.values:
        raise ValidationError({"revocation_reason": _("Choose the reason for revoking the seal.")})
    note = " ".join((note or "").split())
    if not note:
        raise ValidationError({"revocation_note": _("Explain why the seal is revoked.")})
    locked = Seal.objects.select_for_update().get(pk=seal.pk)
    if locked.status == Seal.Status.REVOKED:
        raise ValidationError(_("This seal is already revoked."))
    locked.status = Seal.Status.REVOKED
    locked.revoked_at = at
    locked.revocation_reason = reason
    locked.revocation_note = note
    locked.revoked_by = actor
    locked.full_clean()
    locked.save(update_fields=["status", "revoked_at", "revocation_reason", "revocation_note", "revoked_by"])
    _forget_signer(locked.pk)
    logger.warning("seals: revoked seal %s (%s)", locked.serial_number, reason)
    # After the commit: a worker signs the new CRL, and other apps act on the revocation.
    transaction.on_commit(_enqueue_crl_publish, robust=True)
    for handler in _revocation_handlers:
        transaction.on_commit(lambda handler=handler: handler(locked, reason), robust=True)
    seal.refresh_from_db()
    return locked


# -- the key-encryption key ----------------------------------------------------


@dataclass(frozen=True)
class KekRotation:
    old_kek_id: str
    new_kek_id: str
    rewrapped: int  # keys moved (or, in a dry run, that would move) to the new KEK
    already_new: int  # keys found under the new KEK already (an earlier run)
    dry_run: bool


def _record_name(record) -> str:
    if isinstance(record, RootAuthority):
        return f"root CA {record.fingerprint_sha256[:16]}"
    if isinstance(record, Authority):
        return f"{record.get_role_display()} {record.fingerprint_sha256[:16]}"
    return f"seal {record.serial_number} (pk {record.pk}, {record.get_status_display()})"


@transaction.atomic
def kek_rotate(*, new_kek_file: str | os.PathLike, dry_run: bool = False) -> KekRotation:
    """Re-wrap every stored private key from the KEK in SEAL_KEK_FILE to the one in `new_kek_file`.

    Root CA, issuing CA, the TSA in use (retired TSA keys are destroyed) and every
    encrypted seal key, whatever the seal's status (rotated-out and revoked seals keep
    their keys). All rows are locked and change in this one transaction, so either
    every key moves or none does. Issuing and rotating
    seals lock the root row too, so they wait for this and then see the new KEK.
    Cached signers are dropped once the transaction commits. Keys already under
    the new KEK are skipped, so running it again after a crash is safe. A key
    under neither KEK, or one that does not open, aborts the run naming the
    record. Raises keystore.KeyEncryptionKeyError.
    """
    old_kek = keystore.load_kek(create=False)
    new_kek = keystore.read_kek_file(new_kek_file)
    old_id, new_id = keystore.kek_id(old_kek), keystore.kek_id(new_kek)
    if old_id == new_id:
        raise keystore.KeyEncryptionKeyError(
            f"The new key-encryption key is the one in use (KEK {old_id}): make a new one with "
            "openssl rand -hex 32."
        )
    # Plain pk order, no joins: a fixed lock order, and only these tables' rows are locked.
    records = [*RootAuthority.objects.select_for_update().order_by("pk")]
    # A retired TSA's key was destroyed (tsa_ensure): there is nothing to re-wrap.
    records += Authority.objects.select_for_update().exclude(kek_id="").order_by("pk")
    records += Seal.objects.select_for_update().filter(
        key_store=Seal.KeyStore.ENCRYPTED, encrypted_key__isnull=False
    ).order_by("pk")
    rewrapped, already_new = [], 0
    for record in records:
        if record.kek_id == new_id:
            already_new += 1
            continue
        if record.kek_id != old_id:
            raise keystore.KeyEncryptionKeyError(
                f"The key of {_record_name(record)} is wrapped under KEK {record.kek_id}, which is neither "
                f"the current KEK {old_id} nor the new KEK {new_id}. Nothing was changed."
            )
        try:
            blob, _ = keystore.rewrap_private_key(
                record.encrypted_key,
                public_key=pki.load_certificate(record.certificate_pem).public_key(),
                old_kek=old_kek,
                new_kek=new_kek,
            )
        except keystore.KeyEncryptionKeyError as exc:
            raise keystore.KeyEncryptionKeyError(f"{_record_name(record)}: {exc} Nothing was changed.") from None
        rewrapped.append((record, blob))
    if not dry_run:
        for record, blob in rewrapped:
            rows = type(record).objects.filter(pk=record.pk, kek_id=old_id)
            if rows.update(encrypted_key=blob, kek_id=new_id) != 1:  # the rows are locked: not expected
                raise keystore.KeyEncryptionKeyError(
                    f"{_record_name(record)} changed during the re-wrap. Nothing was changed."
                )
        count = len(rewrapped)

        def committed():
            forget_signers()
            logger.warning("seals: %d keys re-wrapped from KEK %s to KEK %s", count, old_id, new_id)

        transaction.on_commit(committed)
    return KekRotation(
        old_kek_id=old_id, new_kek_id=new_id, rewrapped=len(rewrapped), already_new=already_new, dry_run=dry_run
    )


# -- the usage log -------------------------------------------------------------


def _related(related) -> tuple[str, str]:
    if related is None:
        return "", ""
    if isinstance(related, tuple):
        related_type, related_id = related
        return str(related_type), str(related_id)
    return related._meta.label_lower, str(related.pk)


@transaction.atomic
def usage_append(
    *,
    seal: Seal,
    document_sha256: str,
    purpose: str,
    related=None,
    actor=None,
    task: str = "",
    at: datetime,
) -> SealUsage:
    """Append one entry to the seal-usage log, chained to the entry before it.

    The head row is locked for the duration, so concurrent appends queue up
    instead of forking the chain.
    """
    if actor is None and not task:
        raise ValidationError(_("Say who or which task is using the seal."))
    related_type, related_id = _related(related)
    SealLogHead.objects.get_or_create(pk=1)
    head = SealLogHead.objects.select_for_update().get(pk=1)
    usage = SealUsage(
        seq=head.seq + 1,
        seal=seal,
        document_sha256=document_sha256,
        purpose=purpose[:200],
        related_type=related_type,
        related_id=related_id,
        actor=actor,
        task=task,
        signed_at=at,
        prev_hash=head.last_hash,
    )
    usage.entry_hash = ledger.hash_of(usage, seal.serial_number)
    usage.full_clean(validate_unique=False)
    usage.save()
    head.seq = usage.seq
    head.last_hash = usage.entry_hash
    head.save(update_fields=["seq", "last_hash"])
    return usage


# -- sealing -------------------------------------------------------------------

_signers: dict[int, tuple[float, str, object]] = {}
_signers_lock = threading.Lock()


def _forget_signer(seal_pk: int) -> None:
    with _signers_lock:
        _signers.pop(seal_pk, None)


def forget_signers() -> None:
    """Drop every cached signer (tests; a KEK change)."""
    with _signers_lock:
        _signers.clear()


def _signer_for(seal: Seal, chain):
    """A pyHanko signer for the seal, kept for SEAL_SIGNER_CACHE_SECONDS in this process."""
    from seals import signing

    ttl = settings.SEAL_SIGNER_CACHE_SECONDS
    now = time.monotonic()
    with _signers_lock:
        cached = _signers.get(seal.pk)
        if cached and cached[0] > now and cached[1] == seal.fingerprint_sha256:
            return cached[2]
    certificate = pki.load_certificate(seal.certificate_pem)
    if seal.key_store == Seal.KeyStore.PKCS11:
        from seals import hsm

        signer = signing.pkcs11_signer(
            hsm.session(seal.pkcs11_token_label),
            key_label=seal.pkcs11_key_label,
            certificate=certificate,
            chain=chain,
        )
    else:
        private_key = keystore.decrypt_private_key(
            seal.encrypted_key, stored_kek_id=seal.kek_id, public_key=certificate.public_key()
        )
        signer = signing.key_signer(private_key, certificate=certificate, chain=chain)
    if ttl > 0:
        with _signers_lock:
            _signers[seal.pk] = (now + ttl, seal.fingerprint_sha256, signer)
    return signer


# -- timestamps ----------------------------------------------------------------

_timestamper: list = []  # [(fingerprint, expires at (monotonic), stamper)] for the portal TSA
_timestamper_lock = threading.Lock()


def _forget_timestamper() -> None:
    with _timestamper_lock:
        _timestamper.clear()


def portal_timestamper():
    """An RFC 3161 timestamper (a pyHanko TimeStamper) for any data.

    The authority named by SEAL_TSA_URL when it is set; otherwise the portal's
    own TSA, in-process, with its key from the encrypted store (kept for
    SEAL_SIGNER_CACHE_SECONDS). Use `timestamp_digest` for a token in one call.
    A TSA key whose usage period has ended (the weekly task did not run) is
    replaced first: it never signs after the end its certificate states.
    """
    from seals import timestamping

    if settings.SEAL_TSA_URL:
        return timestamping.http_timestamper(settings.SEAL_TSA_URL)
    tsa = _authority(Authority.Role.TSA)
    if tsa_key_usage_ends(tsa) <= timezone.now():
        tsa = tsa_ensure()
    now = time.monotonic()
    with _timestamper_lock:
        if _timestamper and _timestamper[0][0] == tsa.fingerprint_sha256 and _timestamper[0][1] > now:
            return _timestamper[0][2]
    stamper = timestamping.PortalTimeStamper(
        private_key=_key_of(tsa), certificate=pki.load_certificate(tsa.certificate_pem), clock=timezone.now
    )
    with _timestamper_lock:
        _timestamper[:] = [(tsa.fingerprint_sha256, now + settings.SEAL_SIGNER_CACHE_SECONDS, stamper)]
    return stamper


def timestamp_digest(digest: bytes, *, md_algorithm: str = "sha256"):
    """An RFC 3161 timestamp token (asn1crypto cms.ContentInfo) over `digest`, from
    `portal_timestamper()`; `.dump()` gives its DER."""
    import asyncio

    from seals import signing

    stamper = portal_timestamper()
    return signing.outside_event_loop(lambda: asyncio.run(stamper.async_timestamp(digest, md_algorithm)))


def _validation_context(*, crls: list[bytes], extra_certs=()):
    """Our root as the only trust anchor (plus SEAL_TSA_TRUST_FILE's roots for an external TSA),
    our CA and TSA certificates and the CRLs we signed: everything the DSS needs."""
    from seals import signing

    root = pki.load_certificate(_root().certificate_pem)
    authorities = [pki.load_certificate(a.certificate_pem) for a in Authority.objects.order_by("pk")]
    trust_roots = [root]
    if settings.SEAL_TSA_URL and settings.SEAL_TSA_TRUST_FILE:
        trust_roots += pki.load_certificates_file(settings.SEAL_TSA_TRUST_FILE)
    return signing.validation_context(
        trust_roots=trust_roots,
        other_certs=[*authorities, *extra_certs],
        crls=crls,
        # An external TSA publishes its own revocation data: only then may pyHanko fetch.
        allow_fetching=bool(settings.SEAL_TSA_URL),
    )


def _chain_of(seal: Seal) -> list:
    issuer = seal.issuer or _authority(Authority.Role.ISSUING)
    return [pki.load_certificate(issuer.certificate_pem), pki.load_certificate(_root().certificate_pem)]


def seal_pdf(
    pdf_bytes: bytes,
    *,
    seal: Seal,
    reason: str,
    location: str = "",
    page: int = -1,
    box: signing.Box | None = None,
    related=None,
    actor=None,
    task: str = "",
    at: datetime | None = None,
) -> bytes:
    """Seal a PDF with a department's seal and log it; returns the sealed PDF.

    PAdES B-LTA: the signature, an RFC 3161 signature timestamp (from the
    portal's TSA, or the one SEAL_TSA_URL names), the DSS with every
    certificate and CRL of the chains, and a document timestamp.
    The visible seal goes on `page` (0 is the first, -1 the last) in `box`
    (x1, y1, x2, y2 in PDF points from the lower-left corner; by default 40 mm
    wide, 20 mm from the lower right corner). `reason` is written into the
    signature and is the purpose in the usage log; `related` (a model instance
    or a (type, id) pair) and `actor` (a user) or `task` (a job name) say what
    the signature was for and who asked for it. The usage log records the
    SHA-256 of the signed revision (the file up to the end of the signature's
    byte range), which later validation data and archive timestamps do not change.
    """
    from seals import signing

    at = at or timezone.now()
    if actor is None and not task:
        raise ValidationError(_("Say who or which task is using the seal."))
    if not pdf_bytes.startswith(b"%PDF-"):
        raise ValidationError(_("Only PDF documents can be sealed."))
    current = Seal.objects.select_related("department", "issuer").get(pk=seal.pk)
    if current.status != Seal.Status.ACTIVE:
        raise ValidationError(
            _("This seal is %(status)s and can no longer seal documents.") % {"status": current.get_status_display()}
        )
    if not current.not_before <= at <= current.not_after:
        raise ValidationError(_("The seal's certificate is not valid at this time."))
    chain = _chain_of(current)
    signer = _signer_for(current, chain)
    signed = signing.sign_pdf(
        pdf_bytes,
        signer=signer,
        certificate_sizes=len(current.certificate_pem) + sum(len(pki.certificate_pem(c)) for c in chain),
        reason=reason,
        location=location,
        placement=signing.Placement(page=page, box=box),
        appearance=bytes(current.appearance),
        appearance_size=artwork.SIZE_PT,
        stamper=portal_timestamper(),
        validation_context=_validation_context(crls=_crls_for_signing(timezone.now())),
    )
    with transaction.atomic():
        # A revocation that landed while we were signing wins: nothing is logged or returned.
        if not list(Seal.objects.select_for_update().filter(pk=current.pk, status=Seal.Status.ACTIVE).values_list("pk")):
            raise ValidationError(_("The seal was revoked or rotated out while the document was being sealed."))
        usage_append(
            seal=current,
            # The new signature's revision is the first one appended to the input.
            document_sha256=hashlib.sha256(signed[: signing.signature_ends(signed, start=len(pdf_bytes))[0]]).hexdigest(),
            purpose=reason,
            related=related,
            actor=actor,
            task=task,
            at=at,
        )
    return signed


# -- archive timestamps (keeping B-LTA documents verifiable) ---------------------


def archive_renewal_due(pdf_bytes: bytes, *, at: datetime | None = None) -> bool:
    """Whether the document's newest timestamp ends within SEAL_ARCHIVE_RENEW_DAYS (or it has none)."""
    from seals import signing

    at = at or timezone.now()
    ends = signing.newest_timestamp_expiry(pdf_bytes)
    return ends is None or ends - at <= timedelta(days=settings.SEAL_ARCHIVE_RENEW_DAYS)


def archive_renew(pdf_bytes: bytes, *, at: datetime | None = None) -> bytes:
    """Add a document timestamp (with fresh validation data in the DSS) to a sealed PDF; bytes in,
    bytes out. The TSA key is replaced first if its usage period is ending."""
    from seals import signing

    at = at or timezone.now()
    tsa_ensure(at=at)
    context = _validation_context(crls=_crls_for_signing(at))
    return signing.add_archive_timestamp(pdf_bytes, stamper=portal_timestamper(), validation_context=context)


@dataclass(frozen=True)
class ArchiveSource:
    """Stored sealed PDFs of another app, in a FileField of one of its models."""

    model: str  # "app_label.ModelName"
    file_field: str = "file"
    sha256_field: str = ""  # updated with the new bytes' SHA-256, if named
    size_field: str = ""
    on_renewed: Callable | None = None  # on_renewed(row, old_sha256, new_sha256), inside the transaction


_archive_sources: list[ArchiveSource] = []


def register_archive(model: str, *, file_field: str = "file", sha256_field: str = "", size_field: str = "", on_renewed=None) -> None:
    """Tell seals where sealed PDFs are stored, so the renewal task keeps their archive timestamps fresh.

    Seals imports no other app: apps register their model here from AppConfig.ready().
    """
    source = ArchiveSource(model, file_field, sha256_field, size_field, on_renewed)
    if source not in _archive_sources:
        _archive_sources.append(source)


def _renew_row(source: ArchiveSource, row, at: datetime) -> bool:
    from django.core.files.base import ContentFile

    field_file = getattr(row, source.file_field)
    if not field_file:
        return False
    with field_file.open("rb") as fh:
        old = fh.read()
    if not old.startswith(b"%PDF-") or not archive_renewal_due(old, at=at):
        return False
    new = archive_renew(old, at=at)
    old_sha256, new_sha256 = hashlib.sha256(old).hexdigest(), hashlib.sha256(new).hexdigest()
    name = field_file.name.rsplit("/", 1)[-1]
    with transaction.atomic():
        # A new file beside the old one: the bytes as issued stay, and a crash leaves the row as it was.
        field_file.save(name, ContentFile(new), save=False)
        fields = [source.file_field]
        if source.sha256_field:
            setattr(row, source.sha256_field, new_sha256)
            fields.append(source.sha256_field)
        if source.size_field:
            setattr(row, source.size_field, len(new))
            fields.append(source.size_field)
        row.save(update_fields=fields)
        if source.on_renewed:
            source.on_renewed(row, old_sha256, new_sha256)
    logger.info("seals: archive timestamp renewed for %s %s", source.model, row.pk)
    return True


def archive_renew_due_documents(*, at: datetime | None = None) -> int:
    """Renew the archive timestamps of every registered document that needs it; the number renewed.

    With the portal's own TSA, nothing is opened unless one of its certificates that has
    not ended yet ends within SEAL_ARCHIVE_RENEW_DAYS: only then can a document's newest
    timestamp be near its end and still be saved (a timestamp added after it ended proves
    nothing for it). Its certificates last until the root ends, so that is the root's last
    year, when a timestamp from the TSA in use would end within the window as well: then
    nothing is renewed and an error says that a new root is needed. With an external TSA
    (SEAL_TSA_URL) every document is opened: its certificates are not ours to know.
    """
    from django.apps import apps

    at = at or timezone.now()
    horizon = at + timedelta(days=settings.SEAL_ARCHIVE_RENEW_DAYS)
    if not settings.SEAL_TSA_URL:
        tsas = Authority.objects.filter(role=Authority.Role.TSA)
        if not tsas.filter(not_after__gt=at, not_after__lte=horizon).exists():
            return 0
        if _authority(Authority.Role.TSA).not_after <= horizon:
            logger.error(
                "seals: archive timestamps are due but the TSA in use ends within the window too: a new root is needed"
            )
            return 0
    renewed = 0
    for source in _archive_sources:
        model = apps.get_model(source.model)
        for row in model._default_manager.order_by("pk").iterator(chunk_size=200):
            renewed += _renew_row(source, row, at)
    return renewed
