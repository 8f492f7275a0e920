"""Cursor pagination: each page links to the next with an opaque, signed cursor.

The cursor holds the list version being walked and the last code seen, so a
walk reads one version of the list from start to end, each item once, even if
a new version is published halfway through.
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
    query = {key: value for key, value in params.items() if value not in (None, "")}
    query["cursor"] = encode(position)
    return request.build_absolute_uri(f"{request.path}?{urlencode(query)}")
