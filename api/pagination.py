"""Cursor pagination: each page links to the next with an opaque, signed cursor.

The catalogue's cursor holds the list version being walked and the last code
seen, so a walk reads one version of the list from start to end, each item
once, even if a new version is published halfway through. Other walks keep
the last row's sort key (`encode_key`), bound to the walk it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core import signing

SALT = "api.pagination"


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Position:
    list_version: int
    after: str = ""


def encode(position: Position) -> str:
    return signing.dumps([position.list_version, position.after], salt=SALT, compress=True)


def decode(cursor: str) -> Position:
    try:
        list_version, after = signing.loads(cursor, salt=SALT)
        return Position(list_version=int(list_version), after=str(after))
    except (signing.BadSignature, ValueError, TypeError):
        raise BadCursor(cursor) from None


def next_link(request, position: Position, **params) -> str:
    return cursor_link(request, encode(position), **params)


def encode_key(walk: str, key: list) -> str:
    """A cursor for a walk in keyset order: the last row's sort key, bound to its walk (a cursor
    of another walk, say another holder's licenses, is refused)."""
    return signing.dumps([walk, key], salt=f"{SALT}.key", compress=True)


def decode_key(walk: str, cursor: str) -> list:
    try:
        cursor_walk, key = signing.loads(cursor, salt=f"{SALT}.key")
    except (signing.BadSignature, ValueError, TypeError):
        raise BadCursor(cursor) from None
    if cursor_walk != walk or not isinstance(key, list):
        raise BadCursor(cursor)
    return key


def cursor_link(request, cursor: str, **params) -> str:
    query = {key: value for key, value in params.items() if value not in (None, "")}
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{urlencode(query)}")
