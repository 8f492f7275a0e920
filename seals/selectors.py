"""Reads for seals: the published root, CA certificates and CRLs, seals in use, and the usage log."""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.permissions import Role, departments_for, has_role, require_role
from seals import ledger, pki
from seals.models import Authority, PublishedCRL, RootAuthority, Seal, SealLogAnchor, SealLogHead, SealUsage


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


def timestamp_trust_roots() -> list:
    """Whom timestamp tokens may come from: our root (the portal TSA is under it) and the
    roots of SEAL_TSA_TRUST_FILE (an external TSA). asn1crypto certificates."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.keys import load_certs_from_pemder

    roots = []
    root = root_authority()
    if root is not None:
        roots.append(asn1_x509.Certificate.load(pki.certificate_der(pki.load_certificate(root.certificate_pem))))
    if settings.SEAL_TSA_TRUST_FILE:
        roots += load_certs_from_pemder([settings.SEAL_TSA_TRUST_FILE])
    return roots


def log_anchors(start: date, end: date):
    """The daily anchors of the seal-usage log from `start` to `end` (both included), oldest first:
    each says how many entries the log had at the end of its day and the newest entry's hash,
    with the timestamp token that vouches for them."""
    return SealLogAnchor.objects.filter(day__gte=start, day__lte=end).order_by("day")


def _anchor_problem(anchors, trust_roots) -> ledger.AuditResult | None:
    for anchor in anchors:
        if ledger.token_time(anchor.token, seq=anchor.seq, head_hash=anchor.head_hash, trust_roots=trust_roots) is None:
            return ledger.AuditResult(
                False, 0, anchor.seq, f"the anchor of {anchor.day} has no valid timestamp token over its head"
            )
    return None


def audit_usage_log(*, chunk_size: int = 2000) -> ledger.AuditResult:
    """Check the whole hash chain of the seal-usage log, its head row, and every daily anchor
    (its token, and that the chain still passes through the head it recorded)."""
    anchors = list(SealLogAnchor.objects.order_by("seq", "day"))
    problem = _anchor_problem(anchors, timestamp_trust_roots())
    if problem is not None:
        return problem
    head = SealLogHead.objects.filter(pk=1).first()
    entries = SealUsage.objects.select_related("seal").order_by("seq").iterator(chunk_size=chunk_size)
    return ledger.audit(
        entries,
        head_seq=head.seq if head else 0,
        head_hash=head.last_hash if head else ledger.GENESIS,
        anchors={anchor.seq: anchor.head_hash for anchor in anchors},
    )


def usage_entry_sound(usage: SealUsage) -> bool:
    """Whether a usage-log entry is the one the chain holds: its own hash, its link to the entry
    before, and the links on to the first anchor at or after it (whose token must vouch for the
    head it records), or on to the head row when no anchor has reached it yet.

    /verify/ asks this for the entry it relies on, so an entry edited in the database (a
    signing time moved before a revocation, say) stops vouching for the document at once,
    without waiting for the nightly audit."""
    previous = None
    if usage.seq > 1:
        previous = SealUsage.objects.select_related("seal").filter(seq=usage.seq - 1).first()
    anchor = SealLogAnchor.objects.filter(seq__gte=usage.seq).order_by("seq").first()
    if anchor is not None:
        if ledger.token_time(
            anchor.token, seq=anchor.seq, head_hash=anchor.head_hash, trust_roots=timestamp_trust_roots()
        ) is None:
            return False
        end_seq, end_hash = anchor.seq, anchor.head_hash
    else:
        head = SealLogHead.objects.filter(pk=1).first()
        if head is None or head.seq < usage.seq:
            return False
        end_seq, end_hash = head.seq, head.last_hash
    following = SealUsage.objects.select_related("seal").filter(seq__gt=usage.seq, seq__lte=end_seq).order_by("seq")
    return ledger.entry_sound(usage, previous=previous, following=following.iterator(chunk_size=500), end_hash=end_hash)


# -- the usage log, as people read it ----------------------------------------------------------

# The tasks that seal without a person, in words (usage.task holds the task's name).
TASK_WORDS = {
    "licenses.issue": gettext_lazy("Issue licenses"),
    "approvals.documents": gettext_lazy("Seal decisions and notices"),
    "supervision.reports.tasks.make_due_report_task": gettext_lazy("Make the half-monthly report"),
}


def task_words(task: str) -> str:
    return str(TASK_WORDS.get(task, task))


@dataclass(frozen=True)
class Subject:
    """What a usage-log entry sealed, named for people, with a link when the viewer may open it."""

    name: str
    url: str = ""


def _license_subject(license, user) -> Subject:
    url = ""
    if has_role(user, ("approver", "head"), department=license.department_id):
        url = reverse("staff_license", args=[license.number])
    return Subject(_("Electronic license %(number)s") % {"number": license.number}, url)


def _decision_subject(document, user) -> Subject:
    url = ""
    if document.is_produced and (
        has_role(user, ("approver", "head"), department=document.department_id) or has_role(user, Role.SUPERVISOR)
    ):
        url = reverse("decision_document", args=[document.uid])
    return Subject(f"{capfirst(document.get_kind_display())} {document.number}", url)


# By the related object's model (usage.related_type); other apps' models are looked up by
# name, so the seals app imports none of them.
_SUBJECTS = {
    "licenses.license": _license_subject,
    "approvals.decisiondocument": _decision_subject,
}
_REPORT_TASK = "supervision.reports.tasks.make_due_report_task"


def usage_subjects(usages, user) -> None:
    """Set `subject` (a Subject, or None) and `task_words` on each entry of one page of the log:
    one query per kind of related object, whatever the page's length."""
    from django.apps import apps

    wanted: dict[str, set[str]] = {}
    for usage in usages:
        if usage.related_type in _SUBJECTS:
            wanted.setdefault(usage.related_type, set()).add(usage.related_id)
    found = {}
    for label, ids in wanted.items():
        model = apps.get_model(label)
        pks = [int(pk) for pk in ids if pk.isdigit()]
        found[label] = {str(obj.pk): obj for obj in model._default_manager.filter(pk__in=pks)}
    for usage in usages:
        obj = found.get(usage.related_type, {}).get(usage.related_id)
        if obj is not None:
            usage.subject = _SUBJECTS[usage.related_type](obj, user)
        elif usage.task == _REPORT_TASK and not usage.related_type:
            url = reverse("supervision_reports") if has_role(user, Role.SUPERVISOR) else ""
            usage.subject = Subject(capfirst(_("half-monthly report")), url)
        elif usage.related_type:
            usage.subject = Subject(f"{usage.related_type} #{usage.related_id}")
        else:
            usage.subject = None
        usage.task_words = task_words(usage.task) if usage.task else ""
