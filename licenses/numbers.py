"""License numbers: prefix, year, sequence and a keyed check group, e.g. ``YYZZ-2026-000123-7KQ4M``.

The sequence alone would let anyone walk through every license on /verify/.
The check group is five characters of an HMAC of the rest under a server-side
key (LICENSE_NUMBER_KEY, else derived from SECRET_KEY), so a number cannot be
guessed from its neighbours: one try in 32⁵ (about 33 million) hits, and the
page is rate-limited besides. A mistyped number is refused from its check
group alone, without a database query. Numbers are stored whole, so changing
the key later does not invalidate numbers already issued.
"""

import re

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

# 32 symbols: digits and capitals without 0, 1, I and O, which are easily misread.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CHECK_LENGTH = 5
NUMBER_RE = re.compile(r"^(?P<body>[A-Z][A-Z0-9]{0,11}-\d{4}-\d{6,})-(?P<check>[%s]{%d})$" % (ALPHABET, CHECK_LENGTH))


def _key() -> str:
    return getattr(settings, "LICENSE_NUMBER_KEY", "") or settings.SECRET_KEY


def check_group(body: str) -> str:
    digest = salted_hmac("onegate.licenses.number", body, secret=_key(), algorithm="sha256").digest()
    value = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(CHECK_LENGTH):
        value, r = divmod(value, len(ALPHABET))
        chars.append(ALPHABET[r])
    return "".join(chars)


def format_number(*, prefix: str, year: int, sequence: int) -> str:
    body = f"{prefix}-{year:04d}-{sequence:06d}"
    return f"{body}-{check_group(body)}"


def normalise(value: str) -> str:
    """What people type or scan: any case, spaces around."""
    return "".join((value or "").split()).upper()


def is_well_formed(value: str) -> bool:
    """Whether `value` has the shape of a license number and a correct check group."""
    match = NUMBER_RE.match(value or "")
    return bool(match) and constant_time_compare(match["check"], check_group(match["body"]))
