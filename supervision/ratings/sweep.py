"""The case sweep: rectification cases past their callback or fix limit are
escalated to the department's heads and to supervision.

Like the deadline sweep (approvals.sweep): people are told only on working
days by the calendar; an escalation is recorded once per case and limit (a
unique constraint), and only the rows this run inserted are told, so a second
run, a retry or two sweeps at once tell nobody twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deadlines.selectors import stored_calendar
from portal.models import StaffRole, User
from portal.notifications import notify
from supervision.ratings.models import CaseEscalation
from supervision.ratings.selectors import late_cases_for_accountability


@transaction.atomic
def sweep_cases(*, at: datetime) -> dict:
    today = timezone.localdate(at)
    calendar = stored_calendar(today=today)
    report = {"today": today.isoformat(), "working_day": calendar.is_working_day(today), "escalations": 0, "messages": 0}
    if not report["working_day"]:
        return report
    created = []
    for case in late_cases_for_accountability(today).prefetch_related("escalations"):
        done = {e.limit for e in case.escalations.all()}
        late = []
        if case.callback_at is None and case.callback_due < today:
            late.append(("callback", case.callback_due))
        if case.fix_at is None and case.fix_due < today:
            late.append(("fix", case.fix_due))
        for limit, due_on in late:
            if limit in done:
                continue
            try:
                with transaction.atomic():
                    created.append(CaseEscalation.objects.create(case=case, limit=limit, due_on=due_on, at=at))
            except IntegrityError:
                continue  # another sweep recorded it, and told its people
    report["escalations"] = len(created)
    if not created:
        return report
    departments = {e.case.department_id for e in created}
    heads = defaultdict(list)
    for user in User.objects.filter(
        staff_roles__role=StaffRole.Role.HEAD, staff_roles__department_id__in=departments, is_active=True
    ).prefetch_related("staff_roles"):
        for role in user.staff_roles.all():
            if role.role == StaffRole.Role.HEAD and role.department_id in departments:
                heads[role.department_id].append(user)
    supervisors = list(
        User.objects.filter(staff_roles__role=StaffRole.Role.SUPERVISOR, is_active=True).distinct()
    )
    # One message per person, however many of their cases ran late.
    news: dict[int, User] = {}
    for escalation in created:
        for user in [*heads[escalation.case.department_id], *supervisors]:
            news[user.pk] = user
    for user in news.values():
        notify(
            recipients=[user],
            subject=_("Rectification cases past their limit"),
            body=_("Some rectification cases missed their callback or fix limit. Open the list to see them."),
            link=reverse("ratings_cases"),
        )
    report["messages"] = len(news)
    return report
