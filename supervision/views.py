"""Supervision's pages, for supervisors: /supervision/visits/ ("run at most
once" violations per department and per item) and /supervision/overdue/
(late work now, decisions on time in a period, the overdue list)."""

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deadlines.selectors import stored_calendar
from portal.permissions import has_role
from supervision import bundle_selectors, overdue_selectors, selectors


class PeriodForm(forms.Form):
    # An <input type=date> takes and gives ISO dates whatever the language.
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period cannot be before its start."))
        return cleaned


@login_required
def visits(request):
    if not has_role(request.user, "supervisor"):
        raise PermissionDenied
    form = PeriodForm(request.GET or None)
    period = form.cleaned_data if form.is_bound and form.is_valid() else {}
    since, until = period.get("since"), period.get("until")
    by_department = selectors.visit_violations_by_department(since=since, until=until)
    return render(
        request,
        "supervision/visits.html",
        {
            "form": form,
            "by_department": by_department,
            "by_item": selectors.visit_violations_by_item(since=since, until=until),
            "recent": selectors.recent_violations(since=since, until=until),
            "total_visits": sum(t.visits for t in by_department),
            "total_violations": sum(t.violations for t in by_department),
        },
    )


class OverduePeriodForm(PeriodForm):
    """The period of /supervision/overdue/: by default the last 30 days, today included."""

    DEFAULT_DAYS = 30

    def __init__(self, data=None, *, today: datetime.date):
        self.today = today
        super().__init__(data, initial=self.default_period(today))

    @classmethod
    def default_period(cls, today: datetime.date) -> dict:
        return {"since": today - datetime.timedelta(days=cls.DEFAULT_DAYS - 1), "until": today}

    def clean(self):
        cleaned = super().clean()
        since = cleaned.get("since")
        if since and since > self.today:
            self.add_error("since", _("The period cannot start after today."))
        return cleaned

    def period(self) -> tuple[datetime.date, datetime.date]:
        """The period to show: what was asked for, with the defaults for what was left out or wrong."""
        default = self.default_period(self.today)
        if not (self.is_bound and self.is_valid()):
            return default["since"], default["until"]
        until = self.cleaned_data.get("until") or default["until"]
        since = self.cleaned_data.get("since") or until - datetime.timedelta(days=self.DEFAULT_DAYS - 1)
        return since, until


@login_required
def overdue(request):
    if not has_role(request.user, "supervisor"):
        raise PermissionDenied
    today = timezone.localdate()
    calendar = stored_calendar(today=today)
    form = OverduePeriodForm(request.GET or None, today=today)
    since, until = form.period()
    now = overdue_selectors.open_work_by_department(today=today, calendar=calendar)
    period = overdue_selectors.period_by_department(since=since, until=until)
    return render(
        request,
        "supervision/overdue.html",
        {
            "form": form,
            "today": today,
            "since": since,
            "until": until,
            "now": now,
            "now_totals": overdue_selectors.now_totals(now),
            "period": period,
            "period_totals": overdue_selectors.period_totals(period),
            "overdue": overdue_selectors.overdue_applications(today=today, calendar=calendar),
        },
    )


@login_required
def bundles(request):
    """Bundles ("get one thing done") against their promised limit, next to their members' limits."""
    if not has_role(request.user, "supervisor"):
        raise PermissionDenied
    today = timezone.localdate()
    rows, recent = bundle_selectors.bundle_performance(today=today)
    return render(request, "supervision/bundles.html", {"rows": rows, "recent": recent, "today": today})
