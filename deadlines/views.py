"""The working-day calendar's pages: the public month grid, and the
administrators' overview and notice entry under /staff/calendar/."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines import selectors
from deadlines.forms import notice_forms, notice_from_forms
from deadlines.services import calendar_notice_enter, notice_validate
from deadlines.models import CalendarYear
from deadlines.workdays import CalendarUnavailable, YearStatus


def calendar_index(request):
    return redirect("calendar_year", year=timezone.localdate().year)


def calendar_year(request, year: int):
    today = timezone.localdate()
    calendar = selectors.stored_calendar(today=today)
    grid = selectors.year_grid(calendar, year)
    context = {
        "year": year,
        "grid": grid,
        "record": CalendarYear.objects.filter(year=year).first() if grid else None,
        "previous_year": year - 1 if calendar.status(year - 1) != YearStatus.UNAVAILABLE else None,
        "next_year": year + 1 if calendar.status(year + 1) != YearStatus.UNAVAILABLE else None,
        "unavailable": None if grid else CalendarUnavailable(year),
        "can_edit": selectors.can_edit_calendar(request.user),
    }
    return render(request, "deadlines/calendar_year.html", context, status=200 if grid else 404)


def _require_calendar_editor(request) -> None:
    if not selectors.can_edit_calendar(request.user):
        raise PermissionDenied


@login_required
def staff_calendar(request):
    _require_calendar_editor(request)
    today = timezone.localdate()
    calendar = selectors.stored_calendar(today=today)
    return render(
        request,
        "deadlines/staff_calendar.html",
        {
            "years": selectors.calendar_years(today=today, calendar=calendar),
            "calendar_warning": selectors.calendar_warning(today=today, calendar=calendar),
            "next_notice_year": selectors.next_notice_year(today=today, calendar=calendar),
            "changes": selectors.recent_changes(),
        },
    )


@login_required
def staff_calendar_notice(request):
    _require_calendar_editor(request)
    today = timezone.localdate()
    preview = moving = None
    notice_errors = {}
    if request.method == "POST":
        form, holiday_rows, working_rows = notice_forms(request.POST)
        if form.is_valid() & holiday_rows.is_valid() & working_rows.is_valid():
            notice = notice_from_forms(form, holiday_rows, working_rows)
            try:
                if request.POST.get("action") == "save":
                    calendar_notice_enter(actor=request.user, notice=notice, at=timezone.now())
                    messages.success(
                        request,
                        _("The notice for %(year)s is saved: the year is official, and its open deadlines are being recomputed.")
                        % {"year": notice.year},
                    )
                    return redirect("calendar_year", year=notice.year)
                notice_validate(notice, today=today)
                candidate = selectors.candidate_calendar(notice, today=today)
                preview = selectors.year_grid(candidate, notice.year)
                moving = selectors.clocks_that_would_move(candidate, years={notice.year - 1, notice.year})
            except ValidationError as exc:
                for key, errors in exc.message_dict.items():
                    if key in form.fields:
                        form.add_error(key, errors)
                    else:
                        notice_errors.setdefault(key, []).extend(errors)
    else:
        try:
            year = int(request.GET.get("year", ""))
        except ValueError:
            year = selectors.next_notice_year(today=today)
        reference, holidays, working_days = selectors.notice_initial(year)
        form, holiday_rows, working_rows = notice_forms(
            initial={"year": year, "notice": reference}, holidays=holidays, working_days=working_days
        )
    valid = form.is_bound and form.is_valid() and holiday_rows.is_valid() and working_rows.is_valid()
    has_errors = bool(notice_errors) or (form.is_bound and not valid)
    return render(
        request,
        "deadlines/staff_calendar_notice.html",
        {
            "form": form,
            "holiday_rows": holiday_rows,
            "working_rows": working_rows,
            "notice_errors": notice_errors,
            "has_errors": has_errors,
            "preview": preview,
            "moving": moving,
        },
    )
