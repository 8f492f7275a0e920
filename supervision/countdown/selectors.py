"""Reads of the countdown and of the public performance figures, each a fixed
number of queries whatever the number of targets, departments or days."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache

from services.models import Department
from supervision.countdown.charts import Chart, line_chart
from supervision.countdown.metrics import METRICS
from supervision.countdown.models import MetricSnapshot, Target
from supervision.services import NODE_STEP_DAYS, countdown_nodes

ONE_PLACE = Decimal("0.1")
PERFORMANCE_DAYS = 60
PERFORMANCE_CACHE_SECONDS = 300

Series = dict[tuple[str, int | None], dict[datetime.date, Decimal | None]]


def _load(metrics, since: datetime.date, until: datetime.date) -> Series:
    """Snapshots of `metrics` in [since, until], keyed by (metric, department id or None) then day (one query)."""
    values: Series = defaultdict(dict)
    rows = MetricSnapshot.objects.filter(metric__in=set(metrics), day__gte=since, day__lte=until).values_list(
        "metric", "department_id", "day", "value"
    )
    for metric, department_id, day, value in rows:
        values[(metric, department_id)][day] = value
    return values


def _round(value) -> Decimal:
    return Decimal(value).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


@dataclass
class NodeRow:
    day: datetime.date
    expected: Decimal  # where the plan puts the value on this node
    value: Decimal | None  # the snapshot of the node's day (None: not reached yet, or no data)
    passed: bool
    needed: Decimal | None = None  # for nodes still ahead: the value to reach from today's
    behind: list[Department] = field(default_factory=list)

    @property
    def missed(self) -> bool:
        return bool(self.behind)


@dataclass
class Countdown:
    target: Target
    today: datetime.date
    nodes: list[NodeRow]
    current: Decimal | None
    series: list[tuple[datetime.date, Decimal | None]]
    behind: list[tuple[Department, Decimal | None]]  # departments below the plan at the last node passed
    chart: Chart

    @property
    def days_left(self) -> int:
        return max((self.target.due_on - self.today).days, 0)

    @property
    def next_node(self) -> NodeRow | None:
        return next((node for node in self.nodes if not node.passed), None)

    @property
    def met(self) -> bool:
        return self.current is not None and self.current >= self.target.value


def _expected(target: Target, baseline: Decimal, day: datetime.date) -> Decimal:
    share = Decimal((day - target.start_on).days) / Decimal((target.due_on - target.start_on).days)
    return _round(baseline + (target.value - baseline) * share)


def _countdown(target: Target, today: datetime.date, values: Series, departments: dict[int, Department]) -> Countdown:
    scope = values.get((target.metric, target.department_id), {})
    last_day = min(today, target.due_on)
    series = [(day, scope[day]) for day in sorted(scope) if target.start_on <= day <= last_day]
    known = [value for _day, value in series if value is not None]
    baseline = known[0] if known else target.value
    current = known[-1] if known else None
    # The departments judged at a node: every department for a city-wide target, else the target's own.
    judged = [target.department_id] if target.department_id else sorted(
        {key[1] for key in values if key[0] == target.metric and key[1] is not None}
    )
    nodes = []
    for day in countdown_nodes(target.start_on, target.due_on):
        expected = _expected(target, baseline, day)
        row = NodeRow(day=day, expected=expected, value=scope.get(day), passed=day <= today)
        if row.passed:
            for department_id in judged:
                value = values.get((target.metric, department_id), {}).get(day)
                if value is not None and value < expected and department_id in departments:
                    row.behind.append(departments[department_id])
        nodes.append(row)
    ahead = [row for row in nodes if not row.passed]
    start_value = current if current is not None else baseline
    for index, row in enumerate(ahead, start=1):
        row.needed = max(_round(start_value + (target.value - start_value) * index / len(ahead)), start_value)
    behind = []
    last_passed = next((row for row in reversed(nodes) if row.passed), None)
    if last_passed:
        for department in last_passed.behind:
            behind.append((department, values[(target.metric, department.pk)].get(last_passed.day)))
    plan = [(target.start_on, baseline), (target.due_on, target.value)]
    chart = line_chart(
        [(str(target.get_metric_display()), series), ("plan", plan)],
        first=target.start_on, last=target.due_on, marks=[row.day for row in nodes], goal=target.value,
    )
    return Countdown(
        target=target, today=today, nodes=nodes, current=current, series=series, behind=behind, chart=chart
    )


def _targets(*, department_ids=None):
    targets = Target.objects.select_related("department").order_by("due_on", "id")
    if department_ids is not None:
        targets = targets.filter(department_id__in=department_ids)
    return targets


def countdowns(*, today: datetime.date, department_ids=None) -> list[Countdown]:
    """Every target (or those of `department_ids`) with its countdown on `today` (three queries)."""
    targets = list(_targets(department_ids=department_ids))
    if not targets:
        return []
    values = _load([t.metric for t in targets], min(t.start_on for t in targets), today)
    departments = Department.objects.serving().in_bulk()
    return [_countdown(target, today, values, departments) for target in targets]


def target_for_edit(pk: int) -> Target | None:
    return Target.objects.select_related("department").filter(pk=pk).first()


@dataclass(frozen=True)
class MissedNode:
    """A department below the plan of a target on one of its nodes (a fact for an accountability case)."""

    target: Target
    day: datetime.date
    department: Department
    expected: Decimal
    value: Decimal

    @property
    def key(self) -> str:
        return f"countdown:{self.target.pk}:{self.day.isoformat()}:{self.department.code}"


def missed_nodes_for_accountability(day: datetime.date) -> list[MissedNode]:
    """The departments behind on each target's latest node in the 10 days up to `day` (three queries).

    A node is judged by the snapshots of its own day, taken late that evening, so a run in the
    morning finds yesterday's node; a node stays on offer for 10 days, and `MissedNode.key`
    names it so that the same miss is proposed once."""
    window_start = day - datetime.timedelta(days=NODE_STEP_DAYS - 1)
    node_days = {}
    for target in _targets().filter(start_on__lte=day, due_on__gte=window_start):
        days = [node for node in countdown_nodes(target.start_on, target.due_on) if window_start <= node <= day]
        if days:
            node_days[target] = days[-1]
    if not node_days:
        return []
    values = _load([t.metric for t in node_days], min(t.start_on for t in node_days), day)
    departments = Department.objects.serving().in_bulk()
    missed = []
    for target, node_day in node_days.items():
        node = next(row for row in _countdown(target, day, values, departments).nodes if row.day == node_day)
        for department in node.behind:
            missed.append(
                MissedNode(
                    target=target, day=node_day, department=department, expected=node.expected,
                    value=values[(target.metric, department.pk)][node_day],
                )
            )
    return missed


# The public performance page ------------------------------------------------------------------------


@dataclass
class MetricFigures:
    code: str
    label: str
    description: str
    city: Decimal | None
    chart: Chart
    city_series: list[tuple[datetime.date, Decimal | None]]


@dataclass
class Performance:
    day: datetime.date | None  # the day of the latest snapshot
    since: datetime.date
    metrics: list[MetricFigures]
    rows: list[tuple[Department, list[Decimal | None]]]  # each department's latest values, in metric order


def _performance_data(today: datetime.date) -> dict:
    since = today - datetime.timedelta(days=PERFORMANCE_DAYS - 1)
    values = _load(METRICS, since, today)
    departments = list(
        Department.objects.serving().filter(pk__in={key[1] for key in values if key[1] is not None})
        .only("code", "name_zh", "name_en").order_by("code")
    )
    return {"since": since, "values": dict(values), "departments": departments}


def performance(*, today: datetime.date) -> Performance:
    """The public figures: the metrics city-wide and per department on the latest snapshot day, and the
    city's trajectory over 60 days. Two queries, then cached for five minutes. Only aggregates."""
    data = cache.get_or_set(f"supervision:performance:{today.isoformat()}", lambda: _performance_data(today),
                            PERFORMANCE_CACHE_SECONDS)
    values, since = data["values"], data["since"]
    days = {day for series in values.values() for day in series}
    latest = max(days) if days else None
    metrics = []
    for code, metric in METRICS.items():
        city = values.get((code, None), {})
        series = sorted(city.items())
        metrics.append(
            MetricFigures(
                code=code, label=metric.label, description=str(metric.description),
                city=city.get(latest), city_series=series,
                chart=line_chart([(metric.label, series)], first=since, last=today),
            )
        )
    rows = [
        (department, [values.get((code, department.pk), {}).get(latest) for code in METRICS])
        for department in data["departments"]
    ]
    return Performance(day=latest, since=since, metrics=metrics, rows=rows)
