"""Supervision's pages. /supervision/visits/: "run at most once" violations
per department and per item, for supervisors."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from portal.permissions import has_role
from supervision import selectors


class PeriodForm(forms.Form):
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

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
