"""verify_pdf: what an uploaded PDF's seals are worth, in plain words.

pyHanko checks each signature cryptographically, against our root only
(explicit trust root, no network), and analyses what was appended after
signing. Revocation is judged from our own records, which are the CRL's
source, at the signing time established by this rule:

1. a timestamp token from a timestamp authority we trust (PAdES B-T), else
2. the seal-usage log entry for exactly the signed bytes, else
3. unknown: the signer's own clock is shown but not believed, so a seal that
   is revoked now counts as revoked for this document.
"""

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import NO_REVOCATION, CertRevTrustPolicy

from portal.i18n import prefers_chinese
from seals import pki
from seals.models import Seal, SealUsage
from seals.selectors import root_authority
from seals.signing import outside_event_loop

logger = logging.getLogger(__name__)

VALID = "valid"
INVALID = "invalid"  # the document was altered, or cannot be read
UNTRUSTED = "untrusted"  # intact, but the seal is not one we vouch for (now)
UNSIGNED = "unsigned"

OK, WARN, BAD = "ok", "warn", "bad"

# Reason codes (SignatureReport.reasons and VerificationReport.reasons).
TAMPERED = "tampered"
MODIFIED = "modified"
UNTRUSTED_ISSUER = "untrusted_issuer"
UNKNOWN_CERTIFICATE = "unknown_certificate"
CERTIFICATE_INVALID = "certificate_invalid"
REVOKED = "revoked"
NO_ROOT = "no_root"
UNREADABLE = "unreadable"
NOT_SIGNED = "not_signed"


def _when(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _messages() -> dict[str, str]:
    # Looked up when shown, so that the words follow the reader's language.
    return {
        "intact": _("The signature matches the document: nothing in the sealed content has changed."),
        TAMPERED: _(
            "The signature does not match the document: its sealed content was altered after sealing."
        ),
        "chains": _("The seal certificate was issued by the OneGate root CA."),
        UNTRUSTED_ISSUER: _(
            "The seal certificate was not issued by the OneGate root CA, so this seal was not made by the portal."
        ),
        NO_ROOT: _("The portal has no root CA yet, so no seal can be trusted."),
        UNKNOWN_CERTIFICATE: _(
            "The seal certificate carries our root CA's signature, but it is not one of the portal's seals."
        ),
        "certificate_valid": _("The seal certificate was valid when the document was sealed."),
        CERTIFICATE_INVALID: _(
            "The seal certificate was not valid when the document was sealed "
            "(expired, not yet valid, or not meant for seals)."
        ),
        "not_revoked": _("The seal has not been revoked."),
        "revoked_later": _(
            "The seal was revoked on %(revoked_at)s, after this document was sealed, so the document stays valid."
        ),
        REVOKED: _(
            "The seal was revoked on %(revoked_at)s (%(reason)s), and nothing shows that this document "
            "was sealed before then."
        ),
        "untouched": _("Nothing was added to the document after it was sealed."),
        "signatures_added": _("After sealing, only further signatures or validation data were added."),
        MODIFIED: _("The document was changed after it was sealed: an update appended later alters its content."),
        "sealed_by": _("Sealed by %(department)s."),
        "time_timestamp": _("Sealed on %(time)s, according to a trusted timestamp."),
        "time_log": _("Sealed on %(time)s, according to the portal's seal-usage log (entry %(seq)s)."),
        "time_claimed": _("The signer's own clock says %(time)s; nothing confirms this time."),
        "not_logged": _("This sealing is not in the portal's seal-usage log."),
        "untrusted_timestamp": _(
            "The signature has a timestamp, but not from a timestamp authority the portal trusts."
        ),
    }


@dataclass(frozen=True)
class Finding:
    """One plain-language statement about a signature."""

    code: str
    level: str  # OK, WARN or BAD
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        values = {}
        for key, value in self.params.items():
            if isinstance(value, datetime):
                value = _when(value)
            elif isinstance(value, tuple):  # (Chinese, English)
                value = value[0] if prefers_chinese() else (value[1] or value[0])
            elif key == "reason":
                value = Seal.RevocationReason(value).label if value in Seal.RevocationReason.values else value
            values[key] = value
        return _messages()[self.code] % values


@dataclass
class SignatureReport:
    field_name: str
    intact: bool = False  # the signed bytes and the signature value check out
    chains_to_root: bool = False  # the certificate was issued by our root
    certificate_valid_at_signing: bool = False
    revoked: bool = False  # revoked at signing time, or revoked and the signing time is unknown
    revoked_at: datetime | None = None
    revocation_reason: str = ""
    coverage: str = ""  # entire_file | entire_revision | partial | unclear
    modification_level: str = ""  # none | validation_data | form_filling (incl. signing) | annotations | other
    modified_after_signing: bool = False  # content changed after signing
    seal: Seal | None = None
    department_zh: str = ""
    department_en: str = ""
    signed_at: datetime | None = None  # trusted signing time, if any
    signed_at_source: str = ""  # "timestamp" | "usage_log" | ""
    claimed_signed_at: datetime | None = None  # the signer's clock: shown, never trusted
    timestamped: bool = False
    timestamp_trusted: bool = False
    usage: SealUsage | None = None
    signed_revision_sha256: str = ""
    reasons: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if {TAMPERED, MODIFIED, UNREADABLE} & set(self.reasons):
            return INVALID
        if self.reasons:
            return UNTRUSTED
        return VALID

    @property
    def department(self) -> str:
        return self.department_zh if prefers_chinese() else (self.department_en or self.department_zh)

    @property
    def coverage_label(self) -> str:
        return {
            "entire_file": _("the whole file"),
            "entire_revision": _("the whole document as it was when sealed; more was appended later"),
            "partial": _("only part of the file"),
        }.get(self.coverage, _("unclear"))

    @property
    def modification_label(self) -> str:
        return {
            "none": _("none"),
            "validation_data": _("validation data only"),
            "form_filling": _("further signatures or form filling"),
            "annotations": _("comments and annotations"),
        }.get(self.modification_level, _("changes to the content"))


@dataclass
class VerificationReport:
    document_sha256: str
    signatures: list[SignatureReport] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # reasons about the file itself

    @property
    def verdict(self) -> str:
        if UNREADABLE in self.reasons:
            return INVALID
        if NOT_SIGNED in self.reasons or not self.signatures:
            return UNSIGNED
        verdicts = {s.verdict for s in self.signatures}
        for worst in (INVALID, UNTRUSTED):
            if worst in verdicts:
                return worst
        return VALID

    @property
    def ok(self) -> bool:
        return self.verdict == VALID

    @property
    def all_reasons(self) -> list[str]:
        return self.reasons + [r for s in self.signatures for r in s.reasons]

    @property
    def signature(self) -> SignatureReport | None:
        """The last signature: the one that covers the most of the document."""
        return self.signatures[-1] if self.signatures else None

    @property
    def headline(self) -> str:
        verdict = self.verdict
        if verdict == VALID:
            departments = "、".join(dict.fromkeys(s.department for s in self.signatures))
            return _("Valid: sealed by %(department)s and unchanged since.") % {"department": departments}
        if verdict == UNSIGNED:
            return _("This PDF carries no electronic seal.")
        if UNREADABLE in self.all_reasons:
            return _("Not valid: this file cannot be read as a PDF.")
        if verdict == INVALID:
            return _("Not valid: the document was changed after it was sealed.")
        return _("Not trusted: this seal cannot be relied on.")


def _tsa_roots() -> list[asn1_x509.Certificate]:
    path = settings.SEAL_TSA_TRUST_FILE
    return list(load_certs_from_pemder([path])) if path else []


def _validation_context(trust_roots, moment: datetime) -> ValidationContext:
    return ValidationContext(
        trust_roots=trust_roots,
        allow_fetching=False,
        moment=moment,
        # Revocation is judged from our records below, at the established signing time.
        revinfo_policy=CertRevTrustPolicy(revocation_checking_policy=NO_REVOCATION),
    )


def _coverage(status) -> str:
    return {
        SignatureCoverageLevel.ENTIRE_FILE: "entire_file",
        SignatureCoverageLevel.ENTIRE_REVISION: "entire_revision",
        SignatureCoverageLevel.CONTIGUOUS_BLOCK_FROM_START: "partial",
    }.get(status.coverage, "unclear")


def _modification_level(level) -> str:
    return {
        ModificationLevel.NONE: "none",
        ModificationLevel.LTA_UPDATES: "validation_data",
        ModificationLevel.FORM_FILLING: "form_filling",
        ModificationLevel.ANNOTATIONS: "annotations",
    }.get(level, "other")


def _check_signature(embedded, pdf_bytes: bytes, root_certificate, at: datetime) -> SignatureReport:
    report = SignatureReport(field_name=embedded.field_name or "")
    signer_certificate = embedded.signer_cert
    certificate = x509.load_der_x509_certificate(signer_certificate.dump())
    start, length_1, offset_2, length_2 = (int(v) for v in embedded.byte_range)
    report.signed_revision_sha256 = hashlib.sha256(pdf_bytes[: offset_2 + length_2]).hexdigest()

    seal = Seal.objects.select_related("department").filter(fingerprint_sha256=pki.fingerprint(certificate)).first()
    report.seal = seal
    if seal is not None:
        report.department_zh, report.department_en = seal.name_zh, seal.name_en
        report.usage = seal.usages.filter(document_sha256=report.signed_revision_sha256).order_by("seq").first()
    else:
        names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        report.department_zh = names[0].value if names else certificate.subject.rfc4514_string()
    report.chains_to_root = root_certificate is not None and pki.issued_by(certificate, root_certificate)

    moment = report.usage.signed_at if report.usage else at
    trust = [asn1_x509.Certificate.load(pki.certificate_der(root_certificate))] if root_certificate else []
    tsa_roots = _tsa_roots()
    try:
        status = outside_event_loop(
            validate_pdf_signature,
            embedded,
            signer_validation_context=_validation_context(trust, moment),
            ts_validation_context=_validation_context(tsa_roots, at) if tsa_roots else None,
        )
    except Exception as exc:  # noqa: BLE001  a malformed signature is a broken seal, not a crash
        logger.info("seals: signature %s could not be validated: %s", report.field_name, exc)
        report.reasons.append(TAMPERED)
        report.findings.append(Finding(TAMPERED, BAD))
        return report

    report.intact = bool(status.intact and status.valid)
    report.claimed_signed_at = status.signer_reported_dt
    tst = status.timestamp_validity
    report.timestamped = tst is not None
    report.timestamp_trusted = bool(tst and tst.intact and tst.valid and tst.trusted)
    if report.timestamp_trusted:
        report.signed_at, report.signed_at_source = tst.timestamp, "timestamp"
    elif report.usage:
        report.signed_at, report.signed_at_source = report.usage.signed_at, "usage_log"

    # 1. integrity
    if report.intact:
        report.findings.append(Finding("intact", OK))
    else:
        report.reasons.append(TAMPERED)
        report.findings.append(Finding(TAMPERED, BAD))

    # 2. who issued the certificate
    if root_certificate is None:
        report.reasons.append(NO_ROOT)
        report.findings.append(Finding(NO_ROOT, BAD))
    elif not report.chains_to_root:
        report.reasons.append(UNTRUSTED_ISSUER)
        report.findings.append(Finding(UNTRUSTED_ISSUER, BAD))
    elif seal is None:
        report.reasons.append(UNKNOWN_CERTIFICATE)
        report.findings.append(Finding(UNKNOWN_CERTIFICATE, BAD))
    else:
        report.findings.append(Finding("chains", OK))

    # 3. the certificate at signing time: validity period, key usage, revocation
    if report.chains_to_root and seal is not None:
        when = report.signed_at or at
        in_period = certificate.not_valid_before_utc <= when <= certificate.not_valid_after_utc
        report.certificate_valid_at_signing = bool(status.trusted and in_period)
        if report.certificate_valid_at_signing:
            report.findings.append(Finding("certificate_valid", OK))
        else:
            report.reasons.append(CERTIFICATE_INVALID)
            report.findings.append(Finding(CERTIFICATE_INVALID, BAD))
        if seal.revoked_at is None:
            report.findings.append(Finding("not_revoked", OK))
        else:
            report.revoked_at, report.revocation_reason = seal.revoked_at, seal.revocation_reason
            if report.signed_at is not None and report.signed_at < seal.revoked_at:
                report.findings.append(Finding("revoked_later", OK, {"revoked_at": seal.revoked_at}))
            else:
                report.revoked = True
                report.certificate_valid_at_signing = False
                report.reasons.append(REVOKED)
                report.findings.append(
                    Finding(REVOKED, BAD, {"revoked_at": seal.revoked_at, "reason": seal.revocation_reason})
                )

    # 4. what happened after signing
    report.coverage = _coverage(status)
    report.modification_level = _modification_level(status.modification_level)
    if report.coverage == "entire_file":
        report.findings.append(Finding("untouched", OK))
    elif report.modification_level in ("validation_data", "form_filling") and status.docmdp_ok is not False:
        report.findings.append(Finding("signatures_added", OK))
    else:
        report.modified_after_signing = True
        report.reasons.append(MODIFIED)
        report.findings.append(Finding(MODIFIED, BAD))

    # 5. who and when
    report.findings.append(Finding("sealed_by", OK, {"department": (report.department_zh, report.department_en)}))
    if report.signed_at_source == "timestamp":
        report.findings.append(Finding("time_timestamp", OK, {"time": report.signed_at}))
    elif report.signed_at_source == "usage_log":
        report.findings.append(Finding("time_log", OK, {"time": report.signed_at, "seq": report.usage.seq}))
    elif report.claimed_signed_at is not None:
        report.findings.append(Finding("time_claimed", WARN, {"time": report.claimed_signed_at}))
    if report.timestamped and not report.timestamp_trusted:
        report.findings.append(Finding("untrusted_timestamp", WARN))
    if seal is not None and report.usage is None:
        report.findings.append(Finding("not_logged", WARN))
    return report


def verify_pdf(pdf_bytes: bytes, *, at: datetime | None = None) -> VerificationReport:
    """Check every signature in a PDF against the portal's root, with no network access."""
    at = at or timezone.now()
    report = VerificationReport(document_sha256=hashlib.sha256(pdf_bytes).hexdigest())
    if not pdf_bytes.startswith(b"%PDF-"):
        report.reasons.append(UNREADABLE)
        return report
    try:
        reader = PdfFileReader(BytesIO(pdf_bytes))
        if reader.security_handler is not None:
            reader.decrypt("")
        signatures = reader.embedded_regular_signatures
    except Exception as exc:  # noqa: BLE001  any parse failure means "cannot be read"
        logger.info("seals: an uploaded PDF could not be read: %s", exc)
        report.reasons.append(UNREADABLE)
        return report
    if not signatures:
        report.reasons.append(NOT_SIGNED)
        return report
    root = root_authority()
    root_certificate = pki.load_certificate(root.certificate_pem) if root else None
    for embedded in signatures:
        report.signatures.append(_check_signature(embedded, pdf_bytes, root_certificate, at))
    return report
