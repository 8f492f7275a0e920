"""Accountability's pages. Staff pages (under /supervision/): the case list,
a case with its events and the steps allowed now, the open-case form, the
feedback meetings. Public pages (under /notices/): the published notices of
criticism. The views are thin: the services decide who may do what."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from approvals.forms import service_errors
from portal.permissions import has_role
from supervision.accountability import selectors, services
from supervision.accountability.forms import (
    ActionDoneForm,
    CaseDecideForm,
    CaseFilterForm,
    CaseOpenForm,
    CaseStepForm,
    MeetingForm,
)
from supervision.accountability.models import AccountabilityCase, FeedbackAction
from supervision.accountability.workflow import OPEN_STATES, Action

STEP_BUTTONS = {
    Action.OPEN: gettext_lazy("Open the case"),
    Action.DISMISS: gettext_lazy("Dismiss the proposal"),
    Action.FINDINGS: gettext_lazy("Record findings"),
    Action.DECIDE: gettext_lazy("Record the decision"),
    Action.CLOSE: gettext_lazy("Close the case"),
}


def _require_supervisor(user) -> None:
    if not services.is_supervisor(user):
        raise PermissionDenied


def _step_form(action: str, data=None):
    return CaseDecideForm(data) if action == Action.DECIDE else CaseStepForm(data)


@login_required
def case_list(request):
    if not (services.is_supervisor(request.user) or has_role(request.user, ("head", "approver"))):
        raise PermissionDenied
    departments = selectors.departments_for_filter(request.user)
    form = CaseFilterForm(request.GET or None, departments=departments)
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    cases = selectors.case_list(request.user, state=chosen.get("state", ""), department=chosen.get("department"))
    return render(
        request,
        "supervision/accountability/case_list.html",
        {"form": form, "cases": cases, "is_supervisor": services.is_supervisor(request.user)},
    )


@login_required
def case_new(request):
    _require_supervisor(request.user)
    form = CaseOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            service_errors(exc, form)
        else:
            messages.success(request, _("Case %(number)s is open.") % {"number": case.number})
            return redirect("accountability_case", number=case.number)
    return render(request, "supervision/accountability/case_new.html", {"form": form})


def _visible_case(request, number: str) -> AccountabilityCase:
    case = selectors.case_with_events(number)
    if case is None or not services.can_view(request.user, case):
        raise Http404
    return case


def _render_case(request, case, *, bound: tuple[str, object] | None = None, status: int = 200):
    actions = services.allowed_actions(request.user, case)
    steps = []
    for action in actions:
        form = bound[1] if bound and bound[0] == action else _step_form(action)
        steps.append({"action": action, "label": STEP_BUTTONS[action], "form": form})
    return render(
        request,
        "supervision/accountability/case_detail.html",
        {"case": case, "steps": steps, "events": list(case.events.all()), "user_label": selectors.user_label},
        status=status,
    )


@login_required
def case_detail(request, number: str):
    return _render_case(request, _visible_case(request, number))


@login_required
@require_POST
def case_step(request, number: str, action: str):
    case = _visible_case(request, number)
    if action not in STEP_BUTTONS:
        raise Http404
    form = _step_form(action, request.POST)
    if form.is_valid():
        try:
            services.case_step(case=case, actor=request.user, action=action, **form.cleaned_data)
        except ValidationError as exc:
            service_errors(exc, form)
        else:
            messages.success(request, _("The step is recorded."))
            return redirect("accountability_case", number=case.number)
    return _render_case(request, case, bound=(action, form), status=400)


# -- feedback meetings -------------------------------------------------------------------


@login_required
def meeting_list(request):
    _require_supervisor(request.user)
    today = timezone.localdate()
    return render(
        request,
        "supervision/accountability/meeting_list.html",
        {"meetings": selectors.meeting_list(), "late": selectors.late_actions(today=today), "today": today},
    )


@login_required
def meeting_new(request):
    _require_supervisor(request.user)
    form = MeetingForm(
        request.POST or None,
        cases=AccountabilityCase.objects.filter(state__in=OPEN_STATES).select_related("department"),
        owners=services.staff_owners(),
    )
    if request.method == "POST" and form.is_valid():
        data = {key: form.cleaned_data[key] for key in ("held_on", "title", "attendees", "reports", "cases")}
        try:
            meeting = services.meeting_record(actor=request.user, decisions=form.decisions(), **data)
        except ValidationError as exc:
            service_errors(exc, form)
        else:
            messages.success(request, _("The meeting is recorded."))
            return redirect("accountability_meeting", pk=meeting.pk)
    return render(request, "supervision/accountability/meeting_new.html", {"form": form})


def _visible_meeting(request, pk: int):
    if not selectors.meetings_visible_to(request.user).filter(pk=pk).exists():
        raise Http404
    return selectors.meeting_detail(pk)


@login_required
def meeting_detail(request, pk: int, *, bound: tuple[int, object] | None = None, status: int = 200):
    meeting = _visible_meeting(request, pk)
    today = timezone.localdate()
    supervisor = services.is_supervisor(request.user)
    rows = []
    for action in meeting.actions.all():
        may_complete = action.done_at is None and (supervisor or action.owner_id == request.user.pk)
        form = bound[1] if bound and bound[0] == action.pk else ActionDoneForm(prefix=f"a{action.pk}")
        rows.append({"action": action, "late": action.is_late(today), "form": form if may_complete else None})
    return render(
        request,
        "supervision/accountability/meeting_detail.html",
        {"meeting": meeting, "rows": rows, "user_label": selectors.user_label, "is_supervisor": supervisor},
        status=status,
    )


@login_required
@require_POST
def action_done(request, pk: int):
    action = FeedbackAction.objects.filter(pk=pk).first()
    if action is None:
        raise Http404
    _visible_meeting(request, action.meeting_id)
    form = ActionDoneForm(request.POST, prefix=f"a{action.pk}")
    if form.is_valid():
        try:
            services.action_complete(action=action, actor=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            service_errors(exc, form)
        else:
            messages.success(request, _("The decision is marked as carried out."))
            return redirect("accountability_meeting", pk=action.meeting_id)
    return meeting_detail.__wrapped__(request, action.meeting_id, bound=(action.pk, form), status=400)


# -- public notices ----------------------------------------------------------------------


def notice_list(request):
    return render(
        request, "supervision/accountability/notice_list.html", {"notices": selectors.published_notices()}
    )


def notice_detail(request, number: str):
    notice = selectors.notice_by_number(number)
    if notice is None:
        raise Http404
    return render(request, "supervision/accountability/notice_detail.html", {"notice": notice})


