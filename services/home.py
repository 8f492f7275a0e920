"""The approval list's part of the home page (portal.home gathers it through ServicesConfig)."""

from __future__ import annotations

import datetime

from portal.home import NewsItem
from services import selectors
from services.models import Audience, ItemVersion, LifeEvent


def front(*, at: datetime.datetime) -> dict:
    """The current list, its figures (those of /catalogue/metrics/, whose rows are also the
    departments with items on the list) and the events. Four queries."""
    list_version = selectors.current_list(at=at)
    city, departments = selectors.list_metrics(list_version=list_version)
    events = list(LifeEvent.objects.all())
    return {
        "list_version": list_version,
        "city": city,
        "departments": departments,
        "person_events": [e for e in events if e.audience in (Audience.PERSON, Audience.BOTH)],
        "enterprise_events": [e for e in events if e.audience in (Audience.ENTERPRISE, Audience.BOTH)],
        "audiences": Audience,
        "news": [NewsItem(at=list_version.published_at, list_version=list_version)] if list_version else [],
    }


def suggestions(query: str, *, at: datetime.datetime, limit: int) -> tuple[list[ItemVersion], bool]:
    """Up to `limit` items on the current list matching `query` (the catalogue's search), and
    whether more match. Two queries."""
    items = list(
        ItemVersion.objects.on_list(selectors.current_list(at=at))
        .search(query)
        .with_page_relations()
        .order_by("item__code")[: limit + 1]
    )
    return items[:limit], len(items) > limit
