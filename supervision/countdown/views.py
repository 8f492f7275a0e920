"""The countdown pages (supervisors; a department's staff read their own
department's targets) and the public /performance/ page."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from approvals.forms import service_errors
from portal.permissions import departments_for, has_role
from supervision.countdown import selectors, services
from supervision.countdown.forms import TargetForm

DEPARTMENT_ROLES = ("head", "approver")


@login_required
@require_GET
def countdown(request):
    today = timezone.localdate()
    if has_role(request.user, "supervisor"):
        department_ids = None
    else:
        department_ids = departments_for(request.user, DEPARTMENT_ROLES)
        if not department_ids:
            raise PermissionDenied
    return render(
        request,
        "supervision/countdown/countdown.html",
        {
            "today": today,
            "countdowns": selectors.countdowns(today=today, department_ids=department_ids),
            "can_edit": department_ids is None,
        },
    )


def _save(request, form, *, target=None):
    if not form.is_valid():
        return False
    fields = form.cleaned_data
    try:
        if target is None:
            services.target_create(actor=request.user, **fields)
        else:
            services.target_update(actor=request.user, target=target, **fields)
    except ValidationError as error:
        service_errors(error, form)
        return False
    return True


@login_required
def target_create(request):
    if not has_role(request.user, "supervisor"):
        raise PermissionDenied
    form = TargetForm(request.POST or None)
    if request.method == "POST" and _save(request, form):
        return redirect("countdown")
    return render(request, "supervision/countdown/target_form.html", {"form": form, "target": None})


@login_required
def target_edit(request, pk: int):
    if not has_role(request.user, "supervisor"):
        raise PermissionDenied
    target = selectors.target_for_edit(pk)
    if target is None:
        raise Http404
    initial = {
        "metric": target.metric, "department": target.department, "value": target.value,
        "start_on": target.start_on, "due_on": target.due_on,
    }
    form = TargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and _save(request, form, target=target):
        return redirect("countdown")
    return render(request, "supervision/countdown/target_form.html", {"form": form, "target": target})


@require_GET
def performance(request):
    """Public and anonymous: aggregates only, read from the daily snapshots (cached)."""
    return render(
        request, "supervision/countdown/performance.html",
        {"performance": selectors.performance(today=timezone.localdate())},
    )
