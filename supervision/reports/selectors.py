"""Reads for the half-monthly report: its figures, and the reports a user may see.

`report_figures` is a pure read and deterministic: everything is counted by
its own timestamp within the period, so a report re-run for a past period
gives the same figures. The rules themselves live in the selectors it calls:
decisions on time are the overdue page's (`period_by_department`), so the two
pages agree.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count

from approvals.models import Application
from deadlines.selectors import stored_calendar, working_days_between
from portal.permissions import has_role
from services.models import Department
from supervision.accountability.models import AccountabilityCase, AccountabilityEvent
from supervision.accountability.workflow import State
from supervision.countdown.selectors import countdowns
from supervision.ratings.models import Case, Complaint, Rating
from supervision.ratings.selectors import callback_rate_by_department, satisfaction_by_department
from supervision.reports.models import HalfMonthReport
from supervision.overdue_selectors import decided_in, period_by_department
from supervision.selectors import percentage, share_percentage, start_of, visit_violations_by_department

OFFICE_CODE = "supervision"
READER_ROLES = ("supervisor", "head")


def _local_day(moment: datetime.datetime) -> datetime.date:
    from django.utils import timezone

    return timezone.localtime(moment).date()


def _count_by_department(queryset, field: str = "department_id") -> dict[int, int]:
    return {row[field]: row["n"] for row in queryset.values(field).annotate(n=Count("id")).order_by()}


def report_figures(first: datetime.date, last: datetime.date) -> dict:
    """Every department's figures for the period [first, last], and the city's totals."""
    start, end = start_of(first), start_of(last + datetime.timedelta(days=1))
    departments = list(Department.objects.serving().order_by("code"))

    received = _count_by_department(Application.objects.filter(submitted_at__gte=start, submitted_at__lt=end))
    # Decisions on time by the overdue page's own rule, and the working days spent on the same decisions.
    decisions = {row.code: row for row in period_by_department(since=first, until=last)}
    calendar = stored_calendar()
    days: dict[int, list[int]] = defaultdict(list)
    for department_id, submitted_at, accepted_at, decided_at in decided_in(since=first, until=last).values_list(
        "department_id", "submitted_at", "accepted_at", "decided_at"
    ):
        began = accepted_at or submitted_at
        if began:
            days[department_id].append(working_days_between(_local_day(began), _local_day(decided_at), calendar=calendar))

    visits = {tally.code: tally for tally in visit_violations_by_department(since=first, until=last)}
    satisfaction = satisfaction_by_department(since=first, until=last)
    callback = callback_rate_by_department(since=first, until=last)
    ratings = _count_by_department(Rating.objects.counted().filter(rated_on__gte=first, rated_on__lte=last))
    bad_ratings = _count_by_department(
        Rating.objects.counted().bad().filter(rated_on__gte=first, rated_on__lte=last)
    )
    cases = _count_by_department(Case.objects.filter(opened_on__gte=first, opened_on__lte=last))
    complaints = _count_by_department(Complaint.objects.filter(filed_on__gte=first, filed_on__lte=last))
    opened = _count_by_department(AccountabilityCase.objects.filter(opened_at__gte=start, opened_at__lt=end))
    closed = _count_by_department(
        AccountabilityEvent.objects.filter(to_state=State.CLOSED, at__gte=start, at__lt=end),
        field="case__department_id",
    )

    rows = []
    for department in departments:
        pk = department.pk
        tally = visits.get(department.code)
        decided = decisions.get(department.code)
        spent = days.get(pk, [])
        rows.append(
            {
                "code": department.code,
                "name_zh": department.name_zh,
                "name_en": department.name_en,
                "received": received.get(pk, 0),
                "decided": decided.decided if decided else 0,
                "on_time": decided.on_time if decided else 0,
                "on_time_rate": _str(decided.rate if decided else None),
                "average_working_days": _str(round(sum(spent) / len(spent), 1) if spent else None),
                "visits": tally.visits if tally else 0,
                "violations": tally.violations if tally else 0,
                "ratings": ratings.get(pk, 0),
                "bad_ratings": bad_ratings.get(pk, 0),
                "satisfaction": _str(share_percentage(satisfaction.get(pk))),
                "rating_cases": cases.get(pk, 0),
                "callback_rate": _str(share_percentage(callback.get(pk))),
                "complaints": complaints.get(pk, 0),
                "accountability_opened": opened.get(pk, 0),
                "accountability_closed": closed.get(pk, 0),
            }
        )
    counted = ("received", "decided", "on_time", "visits", "violations", "ratings", "bad_ratings",
               "rating_cases", "complaints", "accountability_opened", "accountability_closed")
    city = {key: sum(row[key] for row in rows) for key in counted}
    city["on_time_rate"] = _str(percentage(city["on_time"], city["decided"]))
    everything = [n for spent in days.values() for n in spent]
    city["average_working_days"] = _str(round(sum(everything) / len(everything), 1) if everything else None)
    city["satisfaction"] = _str(share_percentage(satisfaction.get(None)))
    city["callback_rate"] = _str(share_percentage(callback.get(None)))
    return {
        "first": first.isoformat(),
        "last": last.isoformat(),
        "departments": rows,
        "city": city,
        "countdown": _countdown_figures(first, last),
    }


def _str(value) -> str | None:
    return None if value is None else str(value)


def _countdown_figures(first: datetime.date, last: datetime.date) -> list[dict]:
    """The targets running during the period, as of its last day, with their nodes."""
    result = []
    for countdown in countdowns(today=last):
        target = countdown.target
        if target.due_on < first or target.start_on > last:
            continue
        result.append(
            {
                "metric": str(target.metric),
                "metric_label": str(target.get_metric_display()),
                "department": target.department.name_zh if target.department_id else "",
                "department_en": target.department.name_en if target.department_id else "",
                "start_on": target.start_on.isoformat(),
                "due_on": target.due_on.isoformat(),
                "goal": str(target.value),
                "current": _str(countdown.current),
                "nodes": [
                    {
                        "day": node.day.isoformat(),
                        "expected": str(node.expected),
                        "value": _str(node.value),
                        "passed": node.passed,
                        "behind": [department.code for department in node.behind],
                    }
                    for node in countdown.nodes
                ],
            }
        )
    return result


def can_read_reports(user) -> bool:
    return has_role(user, READER_ROLES)


def reports_for(user):
    """The archived reports `user` may read: supervisors and department heads read them all."""
    if not can_read_reports(user):
        return HalfMonthReport.objects.none()
    return HalfMonthReport.objects.all()


def report_for(user, pk: int) -> HalfMonthReport | None:
    return reports_for(user).filter(pk=pk).first()
