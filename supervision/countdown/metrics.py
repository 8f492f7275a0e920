"""The registry of supervision metrics. Each metric is one function computing
its value (a percentage to one decimal, or None without data) for every
department and the city (key None) on a day, in a fixed number of queries.
The definitions are the owners': the approval list's rates come from
`services.selectors.list_metrics`, decisions on time from supervision's overdue
reads, satisfaction and callbacks from the ratings."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from services import selectors as list_selectors
from services.models import Department
from supervision.countdown.models import MetricCode
from supervision import overdue_selectors
from supervision.ratings import selectors as rating_selectors
from supervision.selectors import share_percentage, start_of

# Decisions, ratings and callbacks are judged over the 30 days up to the day.
WINDOW_DAYS = 30

Values = dict[int | None, Decimal | None]


@dataclass(frozen=True)
class Metric:
    code: str
    compute: Callable[[datetime.date], Values]
    description: str

    @property
    def label(self) -> str:
        return MetricCode(self.code).label


def _window(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    return day - datetime.timedelta(days=WINDOW_DAYS - 1), day


def _list_rate(attribute: str) -> Callable[[datetime.date], Values]:
    def compute(day: datetime.date) -> Values:
        at = start_of(day + datetime.timedelta(days=1))  # the list in force at the end of the day
        city, departments = list_selectors.list_metrics(list_version=list_selectors.current_list(at=at))
        values: Values = {m.department.pk: getattr(m, attribute) for m in departments}
        values[None] = getattr(city, attribute)
        return values

    return compute


def _on_time(day: datetime.date) -> Values:
    since, until = _window(day)
    rows = overdue_selectors.period_by_department(since=since, until=until)
    ids = dict(Department.objects.filter(code__in=[r.code for r in rows]).values_list("code", "pk"))
    # The overdue page's own rates (`percentage`, already to one decimal), as Decimals.
    rates = {ids[r.code]: r.rate for r in rows if r.decided}
    rates[None] = overdue_selectors.period_totals(rows)["rate"]
    return {key: None if rate is None else Decimal(str(rate)) for key, rate in rates.items()}


def _ratings(read) -> Callable[[datetime.date], Values]:
    def compute(day: datetime.date) -> Values:
        since, until = _window(day)
        shares = read(since=since, until=until)  # fractions of 1
        return {key: share_percentage(share) for key, share in shares.items()}

    return compute


METRICS: dict[str, Metric] = {
    metric.code: metric
    for metric in (
        Metric(
            MetricCode.ONLINE, _list_rate("online_rate"),
            _("Share of the items on the list that can be applied for online."),
        ),
        Metric(
            MetricCode.FULL_ONLINE, _list_rate("full_online_rate"),
            _("Share of the items on the list done with no visit."),
        ),
        Metric(
            MetricCode.ONE_VISIT, _list_rate("at_most_one_visit_rate"),
            _("Share of the items on the list needing at most one visit."),
        ),
        Metric(
            MetricCode.ON_TIME, _on_time,
            _("Share of the decisions of the last 30 days made on or before their due date."),
        ),
        Metric(
            MetricCode.SATISFACTION, _ratings(rating_selectors.satisfaction_by_department),
            _("Share of the ratings of the last 30 days that are fairly satisfied or better."),
        ),
        Metric(
            MetricCode.CALLBACK, _ratings(rating_selectors.callback_rate_by_department),
            _("Share of the real-name bad ratings of the last 30 days that were called back."),
        ),
    )
}
