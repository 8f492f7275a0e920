"""The catalogue's public pages, cached for anonymous visitors by list version.

The catalogue, its search, the item pages and the list metrics are the same
for every anonymous visitor who asks the same thing of the same list version.
`portal.public_cache.public_page` keeps them; here the stamp is the list
version in force, so publishing a version is seen at once (a new version is a
new key) and nothing has to be deleted.
"""

from __future__ import annotations

from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

from portal import public_cache
from services.models import ListVersion

STAMP_KEY = f"{public_cache.KEY_PREFIX}:list-stamp"
STAMP_SECONDS = 30

def list_stamp() -> tuple[int, datetime | None]:
    """The number and publication time of the list version in force (0, None before the first).

    Kept in the cache for STAMP_SECONDS, so that a page served from the cache
    runs no query; `list_publish` forgets it, so a publication shows at once.
    A version published for a later moment shows within STAMP_SECONDS of it.
    """
    stamp = cache.get(STAMP_KEY)
    if stamp is None:
        row = (
            ListVersion.objects.filter(published_at__lte=timezone.now())
            .order_by("-number")
            .values_list("number", "published_at")
            .first()
        )
        stamp = row or (0, None)
        cache.set(STAMP_KEY, stamp, STAMP_SECONDS)
    return stamp


def forget_list_stamp() -> None:
    cache.delete(STAMP_KEY)


def public_page(view=None, *, ttl: int | None = None):
    """`portal.public_cache.public_page`, keyed by the list version in force."""
    return public_cache.public_page(view, ttl=ttl, stamp=list_stamp)
