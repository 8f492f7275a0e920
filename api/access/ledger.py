"""The access log as a hash chain, linked and audited as `portal.hashchain` describes.

An entry's payload holds every stored field (ids for the rows it points to), so
that changing any of them breaks the chain as surely as deleting an entry.
"""

from datetime import UTC

from portal import hashchain


def payload_of(entry) -> str:
    return hashchain.canonical(
        {
            "seq": entry.seq,
            "client": entry.client_id,
            "department": entry.department_id,
            "endpoint": entry.endpoint,
            "subject_hash": entry.subject_hash,
            "subject_masked": entry.subject_masked,
            "person": entry.person_id,
            "enterprise": entry.enterprise_id,
            "purpose": entry.purpose_id,
            "reference": entry.reference,
            "result": entry.result,
            "accessed_at": entry.accessed_at.astimezone(UTC).isoformat(timespec="microseconds"),
        }
    )


def hash_of(entry) -> str:
    """Recompute an entry's hash from its stored fields."""
    return hashchain.link(entry.prev_hash, payload_of(entry))
