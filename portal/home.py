"""The home page's reads. The portal sits at the bottom of the apps' import graph, so it
imports none of them: each app that has something for the front door offers it through its
AppConfig, as "my office" gathers its sections:

- `home_front(*, at) -> dict`: parts of what every visitor sees (the same for everyone, so
  the anonymous page can be cached by list version and language); a "news" list in it is
  merged with the other apps' and sorted newest first;
- `home_to_dos(user, *, at) -> dict`: lists of what a signed-in person should do next;
- `home_suggestions(query, *, at, limit) -> (items, more)`: the search box's suggestions.

Each provider runs a fixed number of queries, so the page does too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps

SUGGESTION_LIMIT = 8


@dataclass
class NewsItem:
    """A line under "Notices": a published list version or a public notice."""

    at: datetime.datetime
    list_version: object = None
    notice: object = None


def _providers(name: str):
    for config in apps.get_app_configs():
        provider = getattr(config, name, None)
        if provider is not None:
            yield provider


def front_page(*, at: datetime.datetime) -> dict:
    front = {"news": []}
    for provider in _providers("home_front"):
        part = provider(at=at)
        front["news"] += part.pop("news", [])
        front.update(part)
    front["news"].sort(key=lambda entry: entry.at, reverse=True)
    return front


class ToDos(dict):
    """A signed-in person's to-dos by kind (corrections, licenses, ratings, visits)."""

    def __bool__(self) -> bool:
        return any(self.values())


def to_dos(user, *, at: datetime.datetime) -> ToDos:
    result = ToDos()
    for provider in _providers("home_to_dos"):
        result.update(provider(user, at=at))
    return result


def suggestions(query: str, *, at: datetime.datetime, limit: int = SUGGESTION_LIMIT) -> tuple[list, bool]:
    if not query.strip():
        return [], False
    for provider in _providers("home_suggestions"):
        return provider(query, at=at, limit=limit)
    return [], False
