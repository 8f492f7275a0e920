"""Reads for seals: the published root, CA certificates and CRLs, seals in use, and the usage log."""

from datetime import datetime

from portal.permissions import Role, departments_for, has_role, require_role
from seals import ledger, pki
from seals.models import Authority, PublishedCRL, RootAuthority, Seal, SealLogHead, SealUsage


def root_authority() -> RootAuthority | None:
    return RootAuthority.objects.first()


def active_seal(*, department, purpose: str = Seal.Purpose.LICENSE) -> Seal | None:
    """The seal a department signs with now (None if it has none in use)."""
    return Seal.objects.active().filter(department=department, purpose=purpose).first()


def issuing_authority() -> Authority | None:
    return Authority.objects.filter(role=Authority.Role.ISSUING, retired_at__isnull=True).first()


def tsa_authority() -> Authority | None:
    return Authority.objects.filter(role=Authority.Role.TSA, retired_at__isnull=True).first()


def published_crl(*, issuer) -> PublishedCRL | None:
    """The newest CRL a worker signed for `issuer` (the root or the issuing CA), as stored.

    Nothing here signs or opens a key: publishing is services.crl_publish's job.
    """
    if issuer is None:
        return None
    return PublishedCRL.objects.filter(issuer_fingerprint=issuer.fingerprint_sha256).first()


def crl(*, at: datetime | None = None) -> bytes | None:
    """The issuing CA's CRL (DER): the one the seal certificates name."""
    published = published_crl(issuer=issuing_authority())
    return bytes(published.der) if published else None


def root_crl() -> bytes | None:
    """The root's CRL (DER): the one the issuing CA and TSA certificates name."""
    published = published_crl(issuer=root_authority())
    return bytes(published.der) if published else None


def ca_certificates() -> list:
    """Our CA and TSA certificates under the root (cryptography objects), old ones included."""
    return [pki.load_certificate(a.certificate_pem) for a in Authority.objects.order_by("pk")]


def usage_of(pdf_bytes: bytes) -> SealUsage | None:
    """The usage-log entry of the newest seal in a sealed PDF (by the signed revision's SHA-256,
    which later validation data and archive timestamps leave unchanged)."""
    from seals.signing import signed_revision_sha256

    try:
        sha256 = signed_revision_sha256(pdf_bytes)
    except (IndexError, ValueError):
        return None
    return SealUsage.objects.filter(document_sha256=sha256).order_by("-seq").first()


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
