"""Reads of accountability, each a fixed number of queries whatever the number of rows."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch

from portal.permissions import departments_for, has_role
from services.models import Department
from supervision.accountability.models import (
    AccountabilityCase,
    AccountabilityEvent,
    AccountabilityNotice,
    FeedbackAction,
    FeedbackMeeting,
)

LIST_LIMIT = 200


def cases_visible_to(user):
    """Every case for a supervisor; the opened cases of their own departments for a head or an approver."""
    if has_role(user, "supervisor"):
        return AccountabilityCase.objects.all()
    departments = departments_for(user, ("head", "approver"))
    if not departments:
        return AccountabilityCase.objects.none()
    return AccountabilityCase.objects.opened().filter(department_id__in=departments)


def case_list(user, *, state: str = "", department: Department | None = None, limit: int = LIST_LIMIT):
    cases = cases_visible_to(user).with_list_data()
    if state:
        cases = cases.filter(state=state)
    if department is not None:
        cases = cases.filter(department=department)
    return list(cases.order_by("-created_at", "-id")[:limit])


def departments_for_filter(user):
    if has_role(user, "supervisor"):
        return Department.objects.serving().order_by("code")
    return Department.objects.serving().filter(pk__in=departments_for(user, ("head", "approver"))).order_by("code")


def case_with_events(number: str) -> AccountabilityCase | None:
    return (
        AccountabilityCase.objects.select_related("department", "notice")
        .prefetch_related(
            Prefetch("events", queryset=AccountabilityEvent.objects.select_related("actor__person")),
            Prefetch("meetings", queryset=FeedbackMeeting.objects.only("id", "title", "held_on")),
        )
        .filter(number=number)
        .first()
    )


def meeting_list(*, limit: int = LIST_LIMIT):
    return list(FeedbackMeeting.objects.prefetch_related("actions").order_by("-held_on", "-id")[:limit])


def meeting_detail(pk: int) -> FeedbackMeeting | None:
    return (
        FeedbackMeeting.objects.select_related("recorded_by__person")
        .prefetch_related(
            Prefetch("cases", queryset=AccountabilityCase.objects.select_related("department")),
            Prefetch("actions", queryset=FeedbackAction.objects.select_related("owner__person")),
        )
        .filter(pk=pk)
        .first()
    )


def meetings_visible_to(user):
    """Supervisors see every meeting; anyone else the meetings that gave them a decision."""
    if has_role(user, "supervisor"):
        return FeedbackMeeting.objects.all()
    return FeedbackMeeting.objects.filter(actions__owner=user).distinct()


def late_actions(*, today: datetime.date):
    return list(FeedbackAction.objects.late(today=today).select_related("owner__person", "meeting"))


def published_notices(*, limit: int = LIST_LIMIT):
    return list(AccountabilityNotice.objects.select_related("department").order_by("-published_at", "-id")[:limit])


def notice_by_number(number: str) -> AccountabilityNotice | None:
    return AccountabilityNotice.objects.select_related("department").filter(number=number).first()


def user_label(user) -> str:
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return (getattr(person, "real_name", "") if person else "") or user.get_full_name() or user.email


