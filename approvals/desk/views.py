"""The approver desk: /desk/ (the department's list), /desk/<tracking number>/
(one application and the actions allowed now), /desk/<tracking number>/<action>/
(each action, through approvals.services) and /desk/team/ (the head's view).

Access: approvers and heads of a department see its applications; anyone
else signed in gets 403 on the desk, and 404 for an application of another
department. StaffMFAMiddleware makes staff enrol a second factor first.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from approvals import services
from approvals.desk import selectors
from approvals.documents.selectors import documents_of
from approvals.desk.forms import (
    ACTION_FORMS,
    ACTION_VERBS,
    ASSIGNEE_NONE,
    FORWARD_ACTIONS,
    WARNING_ACTIONS,
    DeskFilterForm,
)
from approvals.forms import service_errors
from approvals.workflow import CLOCKED_STATES, OPEN_STATES, Action, State, extension_room
from deadlines.selectors import stored_calendar
from deadlines.workdays import SLA, CalendarUnavailable
from portal.i18n import long_date
from portal.models import User
from portal.permissions import departments_for

# The service function for each desk action.
PERFORM = {
    Action.ACCEPT: services.application_accept,
    Action.NOT_ACCEPT: services.application_not_accept,
    Action.START_REVIEW: services.application_start_review,
    Action.REQUEST_CORRECTION: services.application_request_correction,
    Action.SUSPEND: services.application_suspend,
    Action.RESUME: services.application_resume,
    Action.EXTEND: services.application_extend,
    Action.APPROVE: services.application_approve,
    Action.DENY: services.application_deny,
}


def _desk_departments(request):
    departments = selectors.desk_departments(request.user)
    if not departments:
        raise PermissionDenied
    return departments


def _chosen(departments, code):
    """The department picked by the switcher (its code), or the first one."""
    return next((d for d in departments if d.code == code), departments[0])


def _department_staff(department_id):
    return list(
        User.objects.filter(staff_roles__department_id=department_id, staff_roles__role__in=selectors.DESK_ROLES)
        .select_related("person")
        .distinct()
        .order_by("person__real_name", "email")
    )


@login_required
def desk(request):
    departments = _desk_departments(request)
    department = _chosen(departments, request.GET.get("department"))
    today = timezone.localdate()
    calendar = stored_calendar(today=today)
    staff = _department_staff(department.pk)
    items = selectors.department_items(department.pk)
    form = DeskFilterForm(request.GET or None, departments=departments, items=items, staff=staff)
    assignee = form.value("assignee", "")
    item_id = form.value("item")
    filters = selectors.DeskFilters(
        states=form.states(),
        item_id=item_id,
        item_version_ids=next((item.version_ids for item in items if item.id == item_id), ()),
        channel=form.value("channel", ""),
        sla=form.value("sla", ""),
        assignee_id=int(assignee) if assignee.isdigit() else None,
        unassigned=assignee == ASSIGNEE_NONE,
    )
    counts = selectors.desk_counts(department.pk, filters, today=today, calendar=calendar)
    form.set_counts(counts)
    after = selectors.Cursor.decode(request.GET.get("after"))
    names = {user.pk: user.get_full_name() or user.email for user in staff}
    page = selectors.desk_page(department.pk, filters, today=today, calendar=calendar, after=after, names=names)
    _present(page.rows)
    query = request.GET.copy()
    query.pop("after", None)
    if len(departments) > 1:
        query["department"] = department.code
    context = {
        "department": department,
        "departments": departments,
        "form": form,
        "filters": filters,
        "counts": counts,
        "page": page,
        "next_url": f"?{urlencode({**query.dict(), 'after': page.next_cursor})}" if page.next_cursor else "",
        "first_url": f"?{query.urlencode()}",
        "is_head": department.pk in selectors.head_departments(request.user),
        "state_links": _state_links(counts, query),
    }
    return render(request, "approvals/desk/list.html", context)


def deadline_words(days_left: int | None, sla: str | None) -> str:
    """Working days to the due date, in words: "3 working days left", "due today", "2 working days late"."""
    if days_left is None:
        return ""
    if sla == SLA.OVERDUE:
        if days_left < 0:
            return ngettext("%(days)d working day late", "%(days)d working days late", -days_left) % {"days": -days_left}
        return _("due date passed")
    if days_left == 0:
        return _("due today")
    return ngettext("%(days)d working day left", "%(days)d working days left", days_left) % {"days": days_left}


def sla_badges() -> dict[str, tuple[str, str]]:
    """The badge (CSS modifier, label) of each SLA state, in the active language."""
    return {
        SLA.OVERDUE: ("bad", SLA.OVERDUE.label),
        SLA.DUE_SOON: ("warn", SLA.DUE_SOON.label),
        SLA.ON_TIME: ("ok", SLA.ON_TIME.label),
    }


def _present(rows) -> None:
    """What each row shows, worked out here once per page (a page shares a few due dates and
    states) rather than by filters and includes in every row."""
    badges = sla_badges()
    states = {state.value: str(state.label) for state in State}
    dates = {}
    for row in rows:
        row.state_label = states[row.state]
        row.badge = badges.get(row.sla)
        row.words = deadline_words(row.days_left, row.sla)
        shown = row.due_on or row.acceptance_due_on
        if shown is not None:
            if shown not in dates:
                dates[shown] = long_date(shown)
            row.due_text = dates[shown]
        if row.waited_days is not None:
            row.waited = ngettext(
                "waiting %(days)d working day", "waiting %(days)d working days", row.waited_days
            ) % {"days": row.waited_days}


def _state_links(counts, query):
    """Links to the list of each open state, with its count (the filters other than state kept)."""
    base = query.copy()
    base.pop("sla", None)
    links = []
    for state in OPEN_STATES:
        base["state"] = state.value
        links.append({"state": state, "label": capfirst(state.label), "count": counts.of(state), "url": f"?{base.urlencode()}"})
    return links


def _application_or_404(request, tracking_number):
    departments = departments_for(request.user, selectors.DESK_ROLES)
    if not departments:
        raise PermissionDenied
    application = selectors.desk_application(tracking_number, department_ids=departments)
    if application is None or not services.can_view(request.user, application):
        raise Http404
    return application


@login_required
def desk_application(request, tracking_number):
    application = _application_or_404(request, tracking_number)
    return _detail(request, application)


def _detail(request, application, *, bound=None, status=200):
    """The application page, with a form for each action allowed now (`bound`: the one just posted)."""
    today = timezone.localdate()
    calendar = stored_calendar(today=today)
    allowed = services.allowed_actions(request.user, application)
    actions = []
    for action in ACTION_FORMS:
        if action not in allowed:
            continue
        form = bound if bound is not None and bound.action == action else ACTION_FORMS[action](application=application)
        style = "" if action in FORWARD_ACTIONS else "button--warning" if action in WARNING_ACTIONS else "button--secondary"
        actions.append({"action": action, "label": ACTION_VERBS[action], "form": form, "style": style})
    days_left = sla = None
    if application.state in CLOCKED_STATES and application.due_on:
        try:
            days_left = calendar.working_days_between(today, application.due_on)
            sla = calendar.sla_state(application.due_on, at=today)
        except CalendarUnavailable:
            sla = application.sla or None
    acceptance = None
    if application.state == State.SUBMITTED and application.acceptance_due_on:
        left, acceptance_sla = selectors.deadline_status(
            application.state, application.acceptance_due_on, today=today, calendar=calendar
        )
        acceptance = {
            "due_on": application.acceptance_due_on,
            "waited": selectors.waited_days(application.received_at, today=today, calendar=calendar) or 0,
            "badge": sla_badges().get(acceptance_sla),
            "words": deadline_words(left, acceptance_sla),
        }
    version = application.item_version
    context = {
        "application": application,
        "acceptance": acceptance,
        "version": version,
        "answers": selectors.form_answers(application),
        "materials": selectors.material_rows(application),
        "events": list(application.events.all()),
        "documents": documents_of(application),
        "corrections": list(application.corrections.all()),
        "pauses": selectors.clock_pauses(application),
        "badge": sla_badges().get(sla),
        "deadline_words": deadline_words(days_left, sla),
        "extension_room": extension_room(application),
        "actions": actions,
        "today": today,
    }
    return render(request, "approvals/desk/detail.html", context, status=status)


def _success_message(application, action: Action) -> str:
    due = application.due_on
    if action in (Action.ACCEPT, Action.RESUME, Action.EXTEND) and due:
        return _("%(number)s: %(action)s. It is due by %(due)s.") % {
            "number": application.tracking_number,
            "action": action.label,
            "due": long_date(due),
        }
    return _("%(number)s: %(action)s.") % {"number": application.tracking_number, "action": action.label}


@login_required
@require_POST
def desk_action(request, tracking_number, action):
    if action not in ACTION_FORMS:
        raise Http404
    application = _application_or_404(request, tracking_number)
    form = ACTION_FORMS[action](request.POST, application=application)
    if form.is_valid():
        try:
            application = PERFORM[action](application=application, actor=request.user, **form.service_kwargs())
        except ValidationError as exc:  # also a WorkflowError: the state changed meanwhile
            service_errors(exc, form)
        else:
            messages.success(request, _success_message(application, Action(action)))
            return redirect("desk_application", tracking_number=application.tracking_number)
    problems = " ".join(str(e) for e in form.non_field_errors())
    if problems:
        messages.error(request, _("Nothing was changed. %(problems)s") % {"problems": problems})
    else:
        messages.error(request, _("Nothing was changed: see the problem below."))
    # Show the page as it is now, with what was typed kept in the form.
    application = _application_or_404(request, tracking_number)
    form.application = application
    return _detail(request, application, bound=form, status=400)


@login_required
def desk_team(request):
    heads = selectors.head_departments(request.user)
    if not heads:
        raise PermissionDenied
    departments = [d for d in selectors.desk_departments(request.user) if d.pk in heads]
    department = _chosen(departments, request.GET.get("department"))
    today = timezone.localdate()
    calendar = stored_calendar(today=today)
    rows = selectors.team_rows(department.pk, today=today, calendar=calendar)

    desk_url = reverse("desk")

    def link(row, **params):
        """The desk's list of this approver's open work (or the unassigned), with `params` as filters."""
        query = {"assignee": str(row.user.pk) if row.user else ASSIGNEE_NONE, **params}
        if len(departments) > 1:
            query["department"] = department.code
        return f"{desk_url}?{urlencode(query)}"

    for row in rows:
        row.links = {
            "open": link(row),
            "waiting": link(row, state="submitted"),
            "overdue": link(row, sla="overdue"),
            "due_soon": link(row, sla="due_soon"),
            "on_time": link(row, sla="on_time"),
        }
    return render(
        request,
        "approvals/desk/team.html",
        {"department": department, "departments": departments, "rows": rows},
    )
