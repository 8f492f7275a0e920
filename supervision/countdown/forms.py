from django import forms
from django.utils.translation import gettext_lazy as _

from services.models import Department
from supervision.countdown.models import MetricCode


class TargetForm(forms.Form):
    metric = forms.ChoiceField(label=_("Metric"), choices=MetricCode.choices)
    department = forms.ModelChoiceField(
        label=_("Scope"), queryset=Department.objects.serving().order_by("code"), required=False,
        empty_label=_("City-wide"), help_text=_("The city, or one department."),
    )
    value = forms.DecimalField(
        label=_("Target value (%)"), min_value=0, max_value=100, decimal_places=1, max_digits=4 + 1,
        help_text=_("For example 100 for online availability, 98 for the on-time rate."),
    )
    # An <input type=date> takes and gives ISO dates whatever the language.
    start_on = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    due_on = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
