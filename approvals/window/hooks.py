"""Where other apps add to what the window prints.

The window imports nothing from the apps that build on it. An app that has
something to print on the receipt registers a provider here from its
`AppConfig.ready()` (supervision does: the rating link of the visit). Registering
the same provider twice is harmless.

    on_receipt_rating_link(provider)   provider(visit=..., clerk=..., at=...) -> a URL, or None
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

_rating_links: list[Callable] = []


def on_receipt_rating_link(provider: Callable) -> Callable:
    """`provider(visit=, clerk=, at=)` returns the link that rates `visit`, for a receipt `clerk` prints.

    It returns None when the visit cannot be rated through a link (already
    rated, too old, or nobody to rate it). A provider may write (a one-time
    token, say): it runs in the request that prints the receipt.
    """
    if provider not in _rating_links:
        _rating_links.append(provider)
    return provider


def receipt_rating_link(*, visit, clerk, at: datetime.datetime) -> str | None:
    """The first link a provider gives for `visit`, or None."""
    for provider in _rating_links:
        link = provider(visit=visit, clerk=clerk, at=at)
        if link:
            return link
    return None
