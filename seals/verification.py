"""verify_pdf: what an uploaded PDF's seals are worth, in plain words.

pyHanko checks each signature cryptographically, against our root only
(explicit trust root, no network). The verdict trusts signatures, not rows:

- A seal counts only if the portal made it: the seal-usage log must hold an
  entry for the signed revision, and that entry must still fit the log's hash
  chain (its hash, the link to the entry before it, and the links on to the
  next daily anchor, whose RFC 3161 token is signed outside the database).
  A genuine seal key used any other way is "not issued through the portal".
- What was appended after a signature is harmless only when every later
  revision is vouched for: a portal seal signed that very revision (it may
  add its own signature field), or the revision holds validation data only:
  the DSS, or a document timestamp from a TSA we trust (the portal's, under
  our root), as PAdES B-LTA adds them. Anything else, pyHanko's "form
  filling" included (an unsigned signature field can paint over the page),
  makes the document "changed after sealing".

Revocation is judged from our own records, which are the CRL's source, at the
signing time established by this rule:

1. a timestamp token from a timestamp authority we trust (PAdES B-T), else
2. the seal-usage log entry for exactly the signed bytes (if it fits the chain), else
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
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel, SuspiciousModification
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature, validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import NO_REVOCATION, CertRevTrustPolicy

from portal.i18n import prefers_chinese
from seals import pki
from seals.models import Authority, Seal, SealUsage
from seals.selectors import root_authority, timestamp_trust_roots, usage_entry_sound
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
NOT_ISSUED = "not_issued"  # a genuine seal key, but the portal's log has no (sound) record of this sealing
LOG_BROKEN = "log_broken"  # the log entry for this sealing does not fit the hash chain


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
        "signatures_added": _(
            "After sealing, only validation data, trusted timestamps or further portal seals were added; "
            "none of them changes what the document shows."
        ),
        MODIFIED: _("The document was changed after it was sealed: an update appended later alters its content."),
        "sealed_by": _("Sealed by %(department)s."),
        "time_timestamp": _("Sealed on %(time)s, according to a trusted timestamp."),
        "time_log": _("Sealed on %(time)s, according to the portal's seal-usage log (entry %(seq)s)."),
        "time_claimed": _("The signer's own clock says %(time)s; nothing confirms this time."),
        NOT_ISSUED: _(
            "The seal's key made this signature, but the portal did not: its seal-usage log has no record "
            "of this sealing, so the document was not issued through the portal."
        ),
        LOG_BROKEN: _(
            "The portal's record of this sealing does not fit its tamper-evident seal-usage log "
            "(the record was altered), so it cannot be relied on."
        ),
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
        if NOT_ISSUED in self.all_reasons:
            return _("Not trusted: this document was not issued through the portal.")
        return _("Not trusted: this seal cannot be relied on.")


def _tsa_roots() -> list[asn1_x509.Certificate]:
    path = settings.SEAL_TSA_TRUST_FILE
    return list(load_certs_from_pemder([path])) if path else []


def _asn1(certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(pki.certificate_der(certificate))


def _validation_context(trust_roots, moment: datetime, *, other_certs=()) -> ValidationContext:
    return ValidationContext(
        trust_roots=trust_roots,
        other_certs=list(other_certs),
        allow_fetching=False,
        moment=moment,
        # Revocation is judged from our records below, at the established signing time.
        revinfo_policy=CertRevTrustPolicy(revocation_checking_policy=NO_REVOCATION),
    )


@dataclass
class _Trust:
    """What one verification trusts: our root, the CA certificates under it, the TSA roots."""

    root: x509.Certificate | None
    authorities: list[x509.Certificate]
    tsa_roots: list[asn1_x509.Certificate]

    @classmethod
    def load(cls) -> "_Trust":
        root = root_authority()
        return cls(
            root=pki.load_certificate(root.certificate_pem) if root else None,
            # Issuing CAs only, retired ones included: only they may stand between our root and a seal.
            authorities=[
                pki.load_certificate(a.certificate_pem)
                for a in Authority.objects.filter(role=Authority.Role.ISSUING).order_by("pk")
            ],
            tsa_roots=_tsa_roots(),
        )

    @property
    def roots(self) -> list[asn1_x509.Certificate]:
        return [_asn1(self.root)] if self.root is not None else []

    @property
    def intermediates(self) -> list[asn1_x509.Certificate]:
        return [_asn1(c) for c in self.authorities]

    def issued(self, certificate: x509.Certificate) -> bool:
        return self.root is not None and pki.issued_by(certificate, self.root, via=self.authorities)


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


def _signed_end(embedded) -> int:
    _start, _length_1, offset_2, length_2 = (int(v) for v in embedded.byte_range)
    return offset_2 + length_2


def _usage_for(seal: Seal, pdf_bytes: bytes, report: "SignatureReport", later_ends: list[int]) -> SealUsage | None:
    """The log entry for this signature: the one for exactly the signed revision, else one for
    the file as it stood after later validation data and timestamps (what a B-LTA sealing returns)."""
    candidates = [report.signed_revision_sha256]
    candidates += [hashlib.sha256(pdf_bytes[:end]).hexdigest() for end in later_ends]
    found = {u.document_sha256: u for u in seal.usages.filter(document_sha256__in=candidates).order_by("-seq")}
    return next((found[c] for c in candidates if c in found), None)


def _check_signature(embedded, pdf_bytes: bytes, trust: _Trust, at: datetime, later_ends: list[int]) -> "_Checked":
    """Everything about one signature except what was appended after it (see `_judge_additions`)."""
    report = SignatureReport(field_name=embedded.field_name or "")
    signer_certificate = embedded.signer_cert
    certificate = x509.load_der_x509_certificate(signer_certificate.dump())
    report.signed_revision_sha256 = hashlib.sha256(pdf_bytes[: _signed_end(embedded)]).hexdigest()

    seal = Seal.objects.select_related("department").filter(fingerprint_sha256=pki.fingerprint(certificate)).first()
    report.seal = seal
    log_sound = False
    if seal is not None:
        report.department_zh, report.department_en = seal.name_zh, seal.name_en
        report.usage = _usage_for(seal, pdf_bytes, report, later_ends)
        log_sound = report.usage is not None and usage_entry_sound(report.usage)
    else:
        names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        report.department_zh = names[0].value if names else certificate.subject.rfc4514_string()
    report.chains_to_root = trust.issued(certificate)

    # Only a sound log entry may set the moment the certificate is judged at.
    moment = report.usage.signed_at if log_sound else at
    try:
        status = outside_event_loop(
            validate_pdf_signature,
            embedded,
            signer_validation_context=_validation_context(trust.roots, moment, other_certs=trust.intermediates),
            ts_validation_context=_validation_context(
                [*trust.roots, *trust.tsa_roots], at, other_certs=trust.intermediates
            ),
        )
    except Exception as exc:  # noqa: BLE001  a malformed signature is a broken seal, not a crash
        logger.info("seals: signature %s could not be validated: %s", report.field_name, exc)
        report.reasons.append(TAMPERED)
        report.findings.append(Finding(TAMPERED, BAD))
        return _Checked(embedded, report, status=None)

    report.intact = bool(status.intact and status.valid)
    report.claimed_signed_at = status.signer_reported_dt
    tst = status.timestamp_validity
    report.timestamped = tst is not None
    report.timestamp_trusted = bool(tst and tst.intact and tst.valid and tst.trusted)
    if report.timestamp_trusted:
        report.signed_at, report.signed_at_source = tst.timestamp, "timestamp"
    elif log_sound:
        report.signed_at, report.signed_at_source = report.usage.signed_at, "usage_log"

    # 1. integrity
    if report.intact:
        report.findings.append(Finding("intact", OK))
    else:
        report.reasons.append(TAMPERED)
        report.findings.append(Finding(TAMPERED, BAD))

    # 2. who issued the certificate, and whether the portal made this signature
    if trust.root is None:
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
        if report.usage is None:
            report.reasons.append(NOT_ISSUED)
            report.findings.append(Finding(NOT_ISSUED, BAD))
        elif not log_sound:
            report.reasons.append(LOG_BROKEN)
            report.findings.append(Finding(LOG_BROKEN, BAD))

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
    report.coverage = _coverage(status)
    report.modification_level = _modification_level(status.modification_level)
    return _Checked(embedded, report, status)


@dataclass
class _Checked:
    embedded: object
    report: "SignatureReport"
    status: object | None

    @property
    def vouches(self) -> bool:
        """A portal seal, sound in every respect: it vouches for the revision it signed."""
        return self.status is not None and not self.report.reasons


class _Revisions:
    """The document's revisions, each compared with a signed one (pyHanko's diff policy, which,
    like pyHanko's own review, judges every later revision against the signed revision)."""

    def __init__(self, reader):
        self.reader = reader
        self.count = reader.xrefs.total_revisions
        self._diffs = {}

    def diff(self, base: int, revision: int):
        """What changed from `base` to `revision`, or None if pyHanko finds it suspicious."""
        if (base, revision) not in self._diffs:
            try:
                self._diffs[base, revision] = DEFAULT_DIFF_POLICY.apply(
                    old=self.reader.get_historical_resolver(base),
                    new=self.reader.get_historical_resolver(revision),
                )
            except (SuspiciousModification, Exception) as exc:  # noqa: BLE001  unexplained is suspicious
                logger.info("seals: revision %s of an uploaded PDF is suspicious: %s", revision, exc)
                self._diffs[base, revision] = None
        return self._diffs[base, revision]


def _trusted_timestamp_revisions(reader, trust: _Trust, at: datetime) -> set[int]:
    """Revisions signed by an intact document timestamp from a TSA we trust (the portal's,
    under our root, or one whose root is in SEAL_TSA_TRUST_FILE)."""
    revisions = set()
    roots = [*trust.roots, *trust.tsa_roots]
    for embedded in reader.embedded_timestamp_signatures if roots else ():
        try:
            status = outside_event_loop(
                validate_pdf_timestamp,
                embedded,
                validation_context=_validation_context(roots, at, other_certs=trust.intermediates),
                skip_diff=True,
            )
        except Exception as exc:  # noqa: BLE001  a broken timestamp vouches for nothing
            logger.info("seals: a document timestamp could not be validated: %s", exc)
            continue
        if status.intact and status.valid and status.trusted:
            revisions.add(embedded.signed_revision)
    return revisions


def _additions_vouched(
    signed_revision: int, revisions: _Revisions, *, sealed: set[int], stamped: set[int], fields
) -> bool:
    """Whether every revision after `signed_revision` is harmless.

    Each later revision is compared with the signed one. Validation data only
    (pyHanko's LTA updates: the DSS, a document timestamp) cannot change what
    the document shows; B-LTA sealing and archive renewals add exactly these.
    Form-filling changes are harmless only when every form field changed is
    the signature of a portal seal, sound in every respect, and the revision
    that brought each change is the one such a seal signed. A revision that
    adds any signature must be one a sound portal seal or a trusted document
    timestamp signed. Anything else is a change, whatever signs it later: a
    timestamp says when bytes existed, not that their content is ours.
    """
    vouched_fields = {name for revision in sealed for name in fields.get(revision, ())}
    changed_before: set[str] = set()
    level_before = ModificationLevel.NONE
    for revision in range(signed_revision + 1, revisions.count):
        diff = revisions.diff(signed_revision, revision)
        if diff is None or diff.modification_level > ModificationLevel.FORM_FILLING:
            return False
        if revision in fields and revision not in sealed and revision not in stamped:
            return False  # a signature from someone we do not trust
        if diff.changed_form_fields - vouched_fields:
            return False  # a field that no sound portal seal signed
        grew = diff.changed_form_fields != changed_before or diff.modification_level > level_before
        if grew and diff.modification_level > ModificationLevel.LTA_UPDATES and revision not in sealed:
            return False  # form filling brought in by a revision no portal seal signed
        changed_before, level_before = set(diff.changed_form_fields), diff.modification_level
    return True


def _judge_additions(checked: _Checked, revisions: _Revisions, *, sealed, stamped, fields) -> None:
    report, status = checked.report, checked.status
    if status is None:
        return
    if report.coverage == "entire_file":
        report.findings.append(Finding("untouched", OK))
    elif (
        report.coverage == "entire_revision"
        and status.docmdp_ok is not False
        and _additions_vouched(
            checked.embedded.signed_revision, revisions, sealed=sealed, stamped=stamped, fields=fields
        )
    ):
        report.findings.append(Finding("signatures_added", OK))
    else:
        report.modified_after_signing = True
        report.reasons.append(MODIFIED)
        report.findings.append(Finding(MODIFIED, BAD))


def _who_and_when(report: "SignatureReport") -> None:
    report.findings.append(Finding("sealed_by", OK, {"department": (report.department_zh, report.department_en)}))
    if report.signed_at_source == "timestamp":
        report.findings.append(Finding("time_timestamp", OK, {"time": report.signed_at}))
    elif report.signed_at_source == "usage_log":
        report.findings.append(Finding("time_log", OK, {"time": report.signed_at, "seq": report.usage.seq}))
    elif report.claimed_signed_at is not None:
        report.findings.append(Finding("time_claimed", WARN, {"time": report.claimed_signed_at}))
    if report.timestamped and not report.timestamp_trusted:
        report.findings.append(Finding("untrusted_timestamp", WARN))


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
        every_signature = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001  any parse failure means "cannot be read"
        logger.info("seals: an uploaded PDF could not be read: %s", exc)
        report.reasons.append(UNREADABLE)
        return report
    if not signatures:
        report.reasons.append(NOT_SIGNED)
        return report
    trust = _Trust.load()
    ends = sorted({_signed_end(e) for e in every_signature} | {len(pdf_bytes)})
    checked = [
        _check_signature(e, pdf_bytes, trust, at, [end for end in ends if end > _signed_end(e)]) for e in signatures
    ]
    revisions = _Revisions(reader)
    sealed = {c.embedded.signed_revision for c in checked if c.vouches}
    stamped = _trusted_timestamp_revisions(reader, trust, at)
    fields = {}
    for embedded in every_signature:
        fields.setdefault(embedded.signed_revision, set()).add(embedded.field_name)
    for one in checked:
        _judge_additions(one, revisions, sealed=sealed, stamped=stamped, fields=fields)
        _who_and_when(one.report)
        report.signatures.append(one.report)
    return report
