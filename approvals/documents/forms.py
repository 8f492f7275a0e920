from django import forms
from django.utils.translation import gettext_lazy as _

from approvals.documents.services import POST_REFERENCE_MAX_LENGTH


class DispatchForm(forms.Form):
    post_reference = forms.CharField(label=_("Postal tracking number"), max_length=POST_REFERENCE_MAX_LENGTH)


class DeliveredForm(forms.Form):
    delivered_on = forms.DateField(label=_("Delivered on"), widget=forms.DateInput(attrs={"type": "date"}))
