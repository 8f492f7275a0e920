"""Reads for seals: the published root and CRL, seals in use, and the usage log."""

from datetime import datetime

from cryptography.hazmat.primitives import serialization
from django.core.cache import cache
from django.db.models import Count, Max

from portal.permissions import Role, departments_for, has_role, require_role
from seals import keystore, ledger, pki
from seals.models import RootAuthority, Seal, SealLogHead, SealUsage

CRL_CACHE_SECONDS = 3600


def root_authority() -> RootAuthority | None:
    return RootAuthority.objects.first()


def active_seal(*, department, purpose: str = Seal.Purpose.LICENSE) -> Seal | None:
    """The seal a department signs with now (None if it has none in use)."""
    return Seal.objects.active().filter(department=department, purpose=purpose).first()


def crl(*, at: datetime) -> bytes | None:
    """The root's CRL (DER), signed afresh when a revocation changes it and at least hourly."""
    root = root_authority()
    if root is None:
        return None
    revoked = Seal.objects.revoked()
    state = revoked.aggregate(n=Count("pk"), last=Max("revoked_at"))
    key = f"seals:crl:{root.fingerprint_sha256[:16]}:{state['n']}:{state['last'] and state['last'].timestamp()}"
    der = cache.get(key)
    if der is None:
        certificate = pki.load_certificate(root.certificate_pem)
        root_key = keystore.decrypt_private_key(
            root.encrypted_key, stored_kek_id=root.kek_id, public_key=certificate.public_key()
        )
        entries = [(int(s.serial_number, 16), s.revoked_at, s.revocation_reason) for s in revoked]
        der = pki.build_crl(root_certificate=certificate, root_key=root_key, revoked=entries, at=at).public_bytes(
            serialization.Encoding.DER
        )
        cache.set(key, der, CRL_CACHE_SECONDS)
    return der


def _usage_departments(user) -> list[int] | None:
    """None for city-wide readers; the departments a head may see otherwise."""
    require_role(user, [Role.HEAD, Role.SUPERVISOR])
    if has_role(user, Role.SUPERVISOR):
        return None
    return departments_for(user, Role.HEAD)


def seals_visible_to(user):
    """Seals a department head (their departments) or a supervisor (all) may browse."""
    departments = _usage_departments(user)
    seals = Seal.objects.select_related("department")
    return seals if departments is None else seals.for_departments(departments)


def usages_visible_to(user):
    """The seal-usage log as a department head (their departments) or a supervisor (all) sees it."""
    departments = _usage_departments(user)
    usages = SealUsage.objects.with_seal().order_by("-seq")
    return usages if departments is None else usages.for_departments(departments)


def audit_usage_log(*, chunk_size: int = 2000) -> ledger.AuditResult:
    """Check the whole hash chain of the seal-usage log."""
    head = SealLogHead.objects.filter(pk=1).first()
    entries = SealUsage.objects.select_related("seal").order_by("seq").iterator(chunk_size=chunk_size)
    return ledger.audit(
        entries,
        head_seq=head.seq if head else 0,
        head_hash=head.last_hash if head else ledger.GENESIS,
    )
