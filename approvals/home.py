"""Applications' part of the home page (portal.home gathers it through ApprovalsConfig)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count

from approvals.apply.selectors import mine
from approvals.models import Application
from approvals.workflow import State
from services.models import ItemVersion
from services.selectors import current_list

# Most used services: applications submitted over this many days, and how many to show.
POPULAR_DAYS = 90
POPULAR_LIMIT = 6
TODO_LIMIT = 5


@dataclass
class PopularItem:
    version: ItemVersion
    applications: int


def popular_items(*, at: datetime.datetime, limit: int = POPULAR_LIMIT) -> list[PopularItem]:
    """The items on the current list with the most applications submitted in the last
    POPULAR_DAYS, most first (ties by code). Items nobody applied for are left out, and so
    are items no longer on the list, whatever their counts. Three queries."""
    list_version = current_list(at=at)
    if list_version is None:
        return []
    on_list = ItemVersion.objects.on_list(list_version)
    counts = list(
        Application.objects.submitted()
        .filter(submitted_at__gt=at - datetime.timedelta(days=POPULAR_DAYS), submitted_at__lte=at)
        .filter(item_version__item__in=on_list.values("item"))
        .values("item_version__item")
        .annotate(applications=Count("pk"))
        .order_by("-applications", "item_version__item__code")[:limit]
    )
    if not counts:
        return []
    versions = {
        version.item_id: version
        for version in on_list.with_page_relations().filter(item__in=[row["item_version__item"] for row in counts])
    }
    return [
        PopularItem(version=versions[row["item_version__item"]], applications=row["applications"])
        for row in counts
        if row["item_version__item"] in versions
    ]


def front(*, at: datetime.datetime) -> dict:
    return {"popular": popular_items(at=at), "popular_days": POPULAR_DAYS}


def to_dos(user, *, at: datetime.datetime) -> dict:
    """The applications (in person or for an enterprise `user` acts for) waiting for a
    correction, newest first. One query."""
    return {"corrections": list(mine(user).filter(state=State.CORRECTION)[:TODO_LIMIT])}
