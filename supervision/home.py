"""Supervision's part of the home page (portal.home gathers it through SupervisionConfig)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from portal.home import NewsItem
from supervision.accountability.selectors import published_notices
from supervision.ratings.selectors import awaiting_rating

NOTICE_LIMIT = 3
TODO_LIMIT = 5


def front(*, at: datetime.datetime) -> dict:
    """The latest published notices of criticism: public by design (a department and the
    facts, never an applicant's data), as on /notices/. One query."""
    return {"news": [NewsItem(at=notice.published_at, notice=notice) for notice in published_notices(limit=NOTICE_LIMIT)]}


def to_dos(user, *, at: datetime.datetime) -> dict:
    """Decided applications and window visits `user` may still rate. Two queries."""
    applications, visits = awaiting_rating(user, today=timezone.localdate(at))
    return {"ratings": applications[:TODO_LIMIT], "visits": visits[:TODO_LIMIT]}
