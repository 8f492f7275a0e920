"""Facts that propose accountability cases.

A source is a function `source(day) -> Iterable[Proposal]`, listed by its
dotted path in `rules.PROPOSAL_SOURCES`. Each proposal names its fact with a
stable `key`, so that running the sources again (the daily run, a retry)
proposes no second case for the same fact. Facts name the department, the
item and the tracking number, never the applicant.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from approvals.models import Application, Visit
from approvals.workflow import CLOCKED_STATES
from deadlines.selectors import stored_calendar
from deadlines.workdays import CalendarUnavailable
from services.models import Department
from supervision.accountability import rules
from supervision.selectors import start_of


@dataclass(frozen=True)
class Proposal:
    kind: str  # a CaseSource value
    key: str  # a stable id of the fact: one fact proposes at most one case
    department: Department
    facts_zh: str
    facts_en: str
    evidence: tuple[tuple[str, str], ...] = ()  # (label, url)


def overdue_applications(day: datetime.date) -> Iterable[Proposal]:
    """Applications against the clock overdue by more than `rules.OVERDUE_WORKING_DAYS` working days on `day`."""
    calendar = stored_calendar(today=day)
    late = (
        Application.objects.filter(state__in=CLOCKED_STATES, due_on__lt=day)
        .select_related("department", "item_version__item")
        .only(
            "tracking_number", "due_on", "department__code", "department__name_zh", "department__name_en",
            "item_version__name_zh", "item_version__name_en", "item_version__item__code",
        )
        .order_by("due_on", "id")
    )
    for application in late:
        try:
            days = calendar.working_days_between(application.due_on, day)
        except CalendarUnavailable:
            continue
        if days <= rules.OVERDUE_WORKING_DAYS:
            continue
        item = application.item_version
        number = application.tracking_number
        yield Proposal(
            kind="overdue",
            key=f"overdue:{number}:{application.due_on.isoformat()}",
            department=application.department,
            facts_zh=(
                f"办件 {number}（{item.item.code} {item.name_zh}）应于 {application.due_on:%Y-%m-%d} 办结，"
                f"截至 {day:%Y-%m-%d} 已超期 {days} 个工作日。"
            ),
            facts_en=(
                f"Application {number} ({item.item.code} {item.name_en or item.name_zh}) was due on "
                f"{application.due_on:%Y-%m-%d}; on {day:%Y-%m-%d} it is {days} working days overdue."
            ),
            evidence=(
                (f"{number}", reverse("desk_application", kwargs={"tracking_number": number})),
                ("Overdue work / 超期办件", reverse("supervision_overdue")),
            ),
        )


def is_accepted_reason(reason: str) -> bool:
    text = (reason or "").strip().casefold()
    return any(text.startswith(accepted.casefold()) for accepted in rules.ACCEPTED_VISIT_REASONS)


def visit_violations(day: datetime.date) -> Iterable[Proposal]:
    """"Run at most once" violations of the last `rules.LOOKBACK_DAYS` days, unless supervision accepts the reason."""
    since = day - datetime.timedelta(days=rules.LOOKBACK_DAYS)
    visits = (
        Visit.objects.filter(
            violation=True, at__gte=start_of(since), at__lt=start_of(day + datetime.timedelta(days=1))
        )
        .select_related("department", "application__department", "item_version__item")
        .order_by("at", "id")
    )
    for visit in visits:
        if is_accepted_reason(visit.reason):
            continue
        department = visit.department or (visit.application.department if visit.application else None)
        if department is None:
            continue
        item = visit.item_version
        code = item.item.code if item else ""
        when = timezone.localtime(visit.at)
        about_zh = f"（{code} {item.name_zh}）" if item else ""
        about_en = f" ({code} {item.name_en or item.name_zh})" if item else ""
        yield Proposal(
            kind="visit",
            key=f"visit:{visit.pk}",
            department=department,
            facts_zh=(
                f"{when:%Y-%m-%d} 窗口第 {visit.number} 次到场{about_zh}，超出允许的 {visit.allowed} 次，"
                f"违反“最多跑一次”。登记理由：{visit.reason}"
            ),
            facts_en=(
                f"On {when:%Y-%m-%d}, visit number {visit.number}{about_en} exceeded the {visit.allowed} "
                f"allowed, a “run at most once” violation. Reason recorded: {visit.reason}"
            ),
            evidence=(("Run at most once / 最多跑一次", reverse("supervision_visits")),),
        )


def missed_countdown_nodes(day: datetime.date) -> Iterable[Proposal]:
    """Departments below the plan of a countdown target on one of its 10-day nodes."""
    from django.utils import translation

    from supervision.countdown.models import MetricCode
    from supervision.countdown.selectors import missed_nodes_for_accountability

    for missed in missed_nodes_for_accountability(day):
        target, department = missed.target, missed.department
        metric = MetricCode(target.metric)
        with translation.override("zh-hans"):
            label_zh = str(metric.label)
        with translation.override("en"):
            label_en = str(metric.label)
        yield Proposal(
            kind="countdown",
            key=missed.key,
            department=department,
            facts_zh=(
                f"倒计时目标“{label_zh}达到 {target.value}%”（{target.due_on:%Y-%m-%d} 到期）在 "
                f"{missed.day:%Y-%m-%d} 节点应达到 {missed.expected}%，{department.name_zh}实际为 {missed.value}%。"
            ),
            facts_en=(
                f"Countdown target \u201c{label_en} {target.value}%\u201d (due {target.due_on:%Y-%m-%d}) planned "
                f"{missed.expected}% at the node of {missed.day:%Y-%m-%d}; "
                f"{department.name_en or department.name_zh} had {missed.value}%."
            ),
            evidence=(("Countdown targets / 倒计时目标", reverse("countdown")),),
        )


def late_rating_cases(day: datetime.date) -> Iterable[Proposal]:
    """Bad-rating and complaint cases past their callback or fix limit (rules of supervision.ratings)."""
    from supervision.ratings.selectors import late_cases_for_accountability

    for case in late_cases_for_accountability(day):
        if case.callback_at is None and case.callback_due < day:
            limit, due = "callback", case.callback_due
            what_zh, what_en = "回访核实", "callback"
        else:
            limit, due = "fix", case.fix_due
            what_zh, what_en = "整改反馈", "rectification and feedback"
        about_zh = "投诉" if case.complaint_id else "差评"
        about_en = "complaint" if case.complaint_id else "bad rating"
        yield Proposal(
            kind="rating",
            key=f"rating:{case.pk}:{limit}",
            department=case.department,
            facts_zh=f"{about_zh}整改案件 {case.pk} 的{what_zh}应于 {due:%Y-%m-%d} 前完成，截至 {day:%Y-%m-%d} 仍未完成。",
            facts_en=(
                f"The {what_en} of {about_en} case {case.pk} was due by {due:%Y-%m-%d}; "
                f"on {day:%Y-%m-%d} it has not been done."
            ),
            evidence=(("Bad ratings and complaints / 差评和投诉", reverse("ratings_case", args=[case.pk])),),
        )
