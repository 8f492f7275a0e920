"""Signing a webhook's body, and checking it on the receiving side.

The header is `OneGate-Signature: t=<unix seconds>,v1=<hex>`, where the hex
is HMAC-SHA256 with the subscription's secret over `<t>.` followed by the raw
body. A receiver checks it with `verify_signature` (or the same few lines in
its own language, docs/api.md): the timestamp bounds replays, and the
comparison takes constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "OneGate-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(int(timestamp)).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify_signature(
    secret: str, header: str, body: bytes, tolerance: int = DEFAULT_TOLERANCE_SECONDS, *, now: float | None = None
) -> bool:
    """Whether `header` (the OneGate-Signature value) signs `body` with `secret`, within `tolerance` seconds.

    `body` is the request body exactly as received (bytes, before any JSON parsing).
    A header may carry several v1 values (while a secret is replaced); one match is enough.
    """
    timestamp, candidates = None, []
    for part in (header or "").split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            timestamp = int(value)
        elif name == "v1" and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body if isinstance(body, bytes) else body.encode())
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)
