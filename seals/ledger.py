"""The seal-usage log as a hash chain, linked and audited as `portal.hashchain` describes,
and its daily anchors: the head, timestamped outside the database. pyHanko is imported by the
two functions that need it, so that reading the log does not load it."""

import asyncio
import hashlib
from datetime import UTC, datetime

from asn1crypto import cms
from django.db import IntegrityError, transaction

from portal import hashchain
from seals.models import SealLogAnchor, SealLogHead

GENESIS = hashchain.GENESIS


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
    return hashchain.canonical(payload)


def entry_hash(prev_hash: str, payload: str) -> str:
    return hashchain.link(prev_hash, payload)


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


AuditResult = hashchain.AuditResult


def audit(entries, *, head_seq: int, head_hash: str, anchors: dict[int, str] | None = None) -> AuditResult:
    """Walk `entries` (ordered by seq, with `seal__serial_number` available) and report the first break.

    `anchors` maps entry numbers to the hash each daily anchor recorded for
    them: a chain rewritten from some entry on (head row included) no longer
    passes through them."""
    return hashchain.audit(
        entries,
        hash_of=lambda usage: hash_of(usage, usage.seal.serial_number),
        head_seq=head_seq,
        head_hash=head_hash,
        anchors=anchors,
    )


# -- checking one entry, for /verify/ ---------------------------------------------


def entry_sound(usage, *, previous, following, end_hash: str | None) -> bool:
    """Whether one entry fits the chain around it.

    `previous` is the entry before it (None for the first), `following` the
    entries after it up to a point whose hash is known from elsewhere
    (`end_hash`: an anchor's, or the head's; None when `following` runs to an
    anchor-less, head-less end). Each entry is `hash_of`-checked and linked.
    """
    expected_prev = GENESIS
    if usage.seq > 1:
        if previous is None or previous.seq != usage.seq - 1:
            return False
        if hash_of(previous, previous.seal.serial_number) != previous.entry_hash:
            return False
        expected_prev = previous.entry_hash
    last = None
    for entry in [usage, *following]:
        expected_seq = usage.seq if last is None else last.seq + 1
        if entry.seq != expected_seq or entry.prev_hash != (expected_prev if last is None else last.entry_hash):
            return False
        if hash_of(entry, entry.seal.serial_number) != entry.entry_hash:
            return False
        last = entry
    return end_hash is None or last.entry_hash == end_hash


# -- anchors: the head, timestamped outside the database ---------------------------

ANCHOR_HASH = "sha256"


def anchor_message(*, seq: int, head_hash: str) -> bytes:
    """What an anchor's timestamp token covers: the head's entry number and hash."""
    return f"OneGate seal-usage log\n{seq}\n{head_hash}".encode()


def anchor_digest(*, seq: int, head_hash: str) -> bytes:
    return hashlib.sha256(anchor_message(seq=seq, head_hash=head_hash)).digest()


def token_time(token_der: bytes, *, seq: int, head_hash: str, trust_roots) -> datetime | None:
    """The time an RFC 3161 token (a CMS ContentInfo, DER) gives this head, if the token is
    intact, covers exactly this head, and comes from a TSA that chains to `trust_roots`
    (asn1crypto certificates). None otherwise."""
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.policy_decl import NO_REVOCATION, CertRevTrustPolicy

    from seals.signing import outside_event_loop

    if not trust_roots:
        return None
    digest = anchor_digest(seq=seq, head_hash=head_hash)
    try:
        signed_data = cms.ContentInfo.load(bytes(token_der))["content"]
        gen_time = signed_data["encap_content_info"]["content"].parsed["gen_time"].native
        context = ValidationContext(
            trust_roots=list(trust_roots),
            allow_fetching=False,
            moment=gen_time,
            revinfo_policy=CertRevTrustPolicy(revocation_checking_policy=NO_REVOCATION),
        )
        status = outside_event_loop(
            asyncio.run,
            validate_tst_signed_data(
                signed_data, context, lambda algorithm: digest if algorithm == ANCHOR_HASH else b""
            ),
        )
    except Exception:  # noqa: BLE001  a token that does not parse vouches for nothing
        return None
    if status.get("intact") and status.get("valid") and status.get("trust_problem_indic") is None:
        return gen_time
    return None


def request_token(timestamper, *, seq: int, head_hash: str) -> bytes:
    """Ask `timestamper` (a pyHanko TimeStamper) for a token over this head; the token as DER."""
    from seals.signing import outside_event_loop

    digest = anchor_digest(seq=seq, head_hash=head_hash)
    return outside_event_loop(asyncio.run, timestamper.async_timestamp(digest, ANCHOR_HASH)).dump()


def anchor_create(*, timestamper, day, at=None):
    """Anchor the log's head for `day`: one SealLogAnchor per day, whose RFC 3161 token
    (from `timestamper`, a pyHanko TimeStamper; the portal's is
    `seals.services.portal_timestamper()`) covers the head's entry number and hash.

    The token is asked for outside any transaction and no lock is held: appends
    go on meanwhile, and the anchor records the head as it was read. A second
    call for the same day returns the first anchor.
    """
    existing = SealLogAnchor.objects.filter(day=day).first()
    if existing is not None:
        return existing
    head = SealLogHead.objects.filter(pk=1).first()
    seq, head_hash = (head.seq, head.last_hash) if head else (0, GENESIS)
    token = request_token(timestamper, seq=seq, head_hash=head_hash)
    gen_time = cms.ContentInfo.load(token)["content"]["encap_content_info"]["content"].parsed["gen_time"].native
    anchor = SealLogAnchor(day=day, seq=seq, head_hash=head_hash, token=token, anchored_at=gen_time or at)
    anchor.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            anchor.save()
    except IntegrityError:  # another worker anchored the day first
        return SealLogAnchor.objects.get(day=day)
    return anchor
