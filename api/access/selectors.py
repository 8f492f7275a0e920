"""Reading the access log: what a citizen sees about themselves, and the audit of the chain."""

from api.access import ledger
from api.access.models import AccessLogEntry, AccessLogHead
from api.access.subjects import subject_hash
from portal import hashchain
from portal.models import Enterprise, Person

def access_for(user):
    """The reads of `user`'s own data and of the enterprises they are a member of, newest first.

    Entries are matched by the subject's keyed hash, so a read made before the person
    completed their profile, or before the enterprise registered here, is theirs too.
    Each entry carries `subject_label`: the enterprise's name, or "" for the person.
    """
    subjects = {}
    resident_id = Person.objects.filter(user=user).values_list("resident_id", flat=True).first()
    if resident_id:
        subjects[subject_hash(resident_id)] = ""
    for name, code in Enterprise.objects.filter(memberships__user=user).values_list("name", "credit_code"):
        subjects.setdefault(subject_hash(code), name)
    return AccessLogEntry.objects.about(subjects).for_page()

def audit_access_log(*, chunk_size: int = 2000) -> hashchain.AuditResult:
    """Check the whole hash chain of the access log against its head row."""
    head = AccessLogHead.objects.filter(pk=1).first()
    return hashchain.audit(
        AccessLogEntry.objects.order_by("seq").iterator(chunk_size=chunk_size),
        hash_of=ledger.hash_of,
        head_seq=head.seq if head else 0,
        head_hash=head.last_hash if head else hashchain.GENESIS,
    )
