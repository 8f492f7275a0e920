"""The seal-usage log as a hash chain.

entry_hash = SHA-256(prev_hash + "\\n" + canonical JSON of the entry), where
the canonical JSON has sorted keys, no spaces and UTF-8 text. The first entry's
prev_hash is 64 zeros. The head row remembers the newest entry, so that
deleting entries from the end is caught as well as editing or deleting any
other entry.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

GENESIS = "0" * 64


def canonical(*, seq, seal_serial, document_sha256, purpose, related_type, related_id, actor_id, task, signed_at):
    payload = {
        "seq": seq,
        "seal": seal_serial,
        "document_sha256": document_sha256,
        "purpose": purpose,
        "related_type": related_type,
        "related_id": related_id,
        "actor": actor_id,
        "task": task,
        "signed_at": signed_at.astimezone(UTC).isoformat(timespec="microseconds"),
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, payload: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{payload}".encode()).hexdigest()


def hash_of(usage, seal_serial: str) -> str:
    """Recompute an entry's hash from its stored fields."""
    payload = canonical(
        seq=usage.seq,
        seal_serial=seal_serial,
        document_sha256=usage.document_sha256,
        purpose=usage.purpose,
        related_type=usage.related_type,
        related_id=usage.related_id,
        actor_id=usage.actor_id,
        task=usage.task,
        signed_at=usage.signed_at,
    )
    return entry_hash(usage.prev_hash, payload)


@dataclass(frozen=True)
class AuditResult:
    ok: bool
    checked: int
    broken_seq: int | None = None  # the first entry that does not fit the chain
    problem: str = ""


def audit(entries, *, head_seq: int, head_hash: str) -> AuditResult:
    """Walk `entries` (ordered by seq, with `seal__serial_number` available) and report the first break."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for usage in entries:
        if usage.seq != expected_seq:
            return AuditResult(False, checked, expected_seq, f"entry {expected_seq} is missing")
        if usage.prev_hash != expected_prev:
            return AuditResult(False, checked, usage.seq, "its link to the previous entry does not match")
        if hash_of(usage, usage.seal.serial_number) != usage.entry_hash:
            return AuditResult(False, checked, usage.seq, "its content does not match its hash")
        expected_prev = usage.entry_hash
        expected_seq += 1
        checked += 1
    if checked != head_seq or expected_prev != head_hash:
        return AuditResult(
            False, checked, checked + 1, f"the log ends at entry {checked}, but its head records entry {head_seq}"
        )
    return AuditResult(True, checked)
