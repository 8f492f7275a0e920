"""Writes for seals: the root CA, the seal lifecycle, sealing PDFs and the usage log.

Views, admin actions, commands and other apps call these. `seal_pdf` is the
one way the portal signs a document: it refuses a seal that is not in use and
records every signature in the tamper-evident seal-usage log.
"""

import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from seals import artwork, keystore, ledger, pki, signing
from seals.models import RootAuthority, Seal, SealLogHead, SealUsage

logger = logging.getLogger(__name__)

ROOT_NAME = "OneGate Root CA"


def _require_perm(actor, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied(_("You do not have permission to do this."))


def crl_url() -> str:
    """Where relying parties fetch our CRL; written into every seal certificate."""
    return settings.SITE_URL + reverse("verify_crl")


# -- the root CA ---------------------------------------------------------------


@transaction.atomic
def root_create(*, algorithm: str = pki.EC_P256, common_name: str = ROOT_NAME, at: datetime | None = None) -> RootAuthority:
    """Create the portal's root CA. It is made once: an existing root is never replaced."""
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
    return root


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


def _root_key(root: RootAuthority, certificate):
    return keystore.decrypt_private_key(
        root.encrypted_key, stored_kek_id=root.kek_id, public_key=certificate.public_key()
    )


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
) -> Seal:
    root_certificate = pki.load_certificate(root.certificate_pem)
    # Opened first: under a KEK this process does not hold (a rotation committed
    # while we waited for the root's lock) this fails before any key is made.
    root_key = _root_key(root, root_certificate)
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
        ),
        root_certificate=root_certificate,
        root_key=root_key,
        crl_url=crl_url(),
        at=at,
    )
    seal = Seal(
        department=department,
        purpose=purpose,
        name_zh=department.name_zh,
        name_en=department.name_en,
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
) -> Seal:
    """Issue a department's seal: a new key, a certificate from the root and the seal image.

    Takes the root CA's row lock first (see `_root`): it waits for a running KEK rotation.
    """
    _require_perm(actor, "seals.add_seal")
    if purpose not in Seal.Purpose.values:
        raise ValidationError({"purpose": _("Choose a purpose.")})
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
    return f"seal {record.serial_number} (pk {record.pk}, {record.get_status_display()})"


@transaction.atomic
def kek_rotate(*, new_kek_file: str | os.PathLike, dry_run: bool = False) -> KekRotation:
    """Re-wrap every stored private key from the KEK in SEAL_KEK_FILE to the one in `new_kek_file`.

    Root CA and every encrypted seal key, whatever the seal's status (rotated-out
    and revoked seals keep their keys). All rows are locked and change in this
    one transaction, so either every key moves or none does. Issuing and rotating
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


def _signer_for(seal: Seal, root_certificate):
    """A pyHanko signer for the seal, kept for SEAL_SIGNER_CACHE_SECONDS in this process."""
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
            root_certificate=root_certificate,
        )
    else:
        private_key = keystore.decrypt_private_key(
            seal.encrypted_key, stored_kek_id=seal.kek_id, public_key=certificate.public_key()
        )
        signer = signing.key_signer(private_key, certificate=certificate, root_certificate=root_certificate)
    if ttl > 0:
        with _signers_lock:
            _signers[seal.pk] = (now + ttl, seal.fingerprint_sha256, signer)
    return signer


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

    PAdES B-B, or B-T when SEAL_TSA_URL names an RFC 3161 timestamp authority.
    The visible seal goes on `page` (0 is the first, -1 the last) in `box`
    (x1, y1, x2, y2 in PDF points from the lower-left corner; by default 40 mm
    wide, 20 mm from the lower right corner). `reason` is written into the
    signature and is the purpose in the usage log; `related` (a model instance
    or a (type, id) pair) and `actor` (a user) or `task` (a job name) say what
    the signature was for and who asked for it.
    """
    at = at or timezone.now()
    if actor is None and not task:
        raise ValidationError(_("Say who or which task is using the seal."))
    if not pdf_bytes.startswith(b"%PDF-"):
        raise ValidationError(_("Only PDF documents can be sealed."))
    current = Seal.objects.select_related("department").get(pk=seal.pk)
    if current.status != Seal.Status.ACTIVE:
        raise ValidationError(
            _("This seal is %(status)s and can no longer seal documents.") % {"status": current.get_status_display()}
        )
    if not current.not_before <= at <= current.not_after:
        raise ValidationError(_("The seal's certificate is not valid at this time."))
    root = _root()
    root_certificate = pki.load_certificate(root.certificate_pem)
    certificate_sizes = len(current.certificate_pem) + len(root.certificate_pem)  # PEM > DER: a safe bound
    signer = _signer_for(current, root_certificate)
    signed = signing.sign_pdf(
        pdf_bytes,
        signer=signer,
        certificate_sizes=certificate_sizes,
        reason=reason,
        location=location,
        placement=signing.Placement(page=page, box=box),
        appearance=bytes(current.appearance),
        appearance_size=artwork.SIZE_PT,
        tsa_url=settings.SEAL_TSA_URL,
    )
    with transaction.atomic():
        # A revocation that landed while we were signing wins: nothing is logged or returned.
        if not list(Seal.objects.select_for_update().filter(pk=current.pk, status=Seal.Status.ACTIVE).values_list("pk")):
            raise ValidationError(_("The seal was revoked or rotated out while the document was being sealed."))
        usage_append(
            seal=current,
            document_sha256=hashlib.sha256(signed).hexdigest(),
            purpose=reason,
            related=related,
            actor=actor,
            task=task,
            at=at,
        )
    return signed
