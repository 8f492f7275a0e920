"""Append-only, hash-chained logs (the seal-usage log, the personal-data access log).

entry_hash = SHA-256(prev_hash + "\\n" + canonical JSON of the entry), where
the canonical JSON has sorted keys, no spaces and UTF-8 text. The first entry's
prev_hash is 64 zeros. Each log decides what goes into its entries' payload,
and keeps a head row with the newest entry's number and hash: it is locked
while appending, so that concurrent appends queue up instead of forking the
chain, and the audit compares the chain's end with it, so that deleting
entries from the end is caught as well as editing or deleting any other entry.
"""

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

GENESIS = "0" * 64


def canonical(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link(prev_hash: str, payload: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{payload}".encode()).hexdigest()


@dataclass(frozen=True)
class AuditResult:
    ok: bool
    checked: int
    broken_seq: int | None = None  # the first entry that does not fit the chain
    problem: str = ""


def audit(
    entries: Iterable,
    *,
    hash_of: Callable[[object], str],
    head_seq: int,
    head_hash: str,
    anchors: dict[int, str] | None = None,
) -> AuditResult:
    """Walk `entries` (with `seq`, `prev_hash` and `entry_hash`, ordered by seq) and report the first break.

    `hash_of(entry)` recomputes an entry's hash from its stored fields.
    `anchors` maps entry numbers to the hash recorded for them outside the
    database (a timestamped anchor): a chain rewritten from some entry on
    (head row included) no longer passes through them."""
    anchors = anchors or {}
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for entry in entries:
        if entry.seq != expected_seq:
            return AuditResult(False, checked, expected_seq, f"entry {expected_seq} is missing")
        if entry.prev_hash != expected_prev:
            return AuditResult(False, checked, entry.seq, "its link to the previous entry does not match")
        if hash_of(entry) != entry.entry_hash:
            return AuditResult(False, checked, entry.seq, "its content does not match its hash")
        if entry.seq in anchors and anchors[entry.seq] != entry.entry_hash:
            return AuditResult(False, checked, entry.seq, "its hash is not the one the anchor of that day recorded")
        expected_prev = entry.entry_hash
        expected_seq += 1
        checked += 1
    beyond = [seq for seq in anchors if seq > checked]
    if beyond:
        return AuditResult(
            False, checked, checked + 1, f"the log ends at entry {checked}, but an anchor records entry {max(beyond)}"
        )
    if checked != head_seq or expected_prev != head_hash:
        return AuditResult(
            False, checked, checked + 1, f"the log ends at entry {checked}, but its head records entry {head_seq}"
        )
    return AuditResult(True, checked)
