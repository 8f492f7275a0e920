from django import forms
from django.utils.translation import gettext_lazy as _

from licenses.models import LicenseType
from services.models import Department


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The holder sees it in their messages."),
        error_messages={"required": _("Give the reason; the holder will see it.")},
    )


class NoteForm(forms.Form):
    reason = forms.CharField(
        label=_("Note to the holder (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReissueForm(forms.Form):
    license_type = forms.ModelChoiceField(
        label=_("License type"),
        queryset=LicenseType.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose the license type.")},
    )
    department = forms.ModelChoiceField(
        label=_("Issued by"),
        queryset=Department.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose the department.")},
    )
    reason = forms.CharField(
        label=_("Why re-issue?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: the template was corrected. Numbers and validity stay the same."),
        error_messages={"required": _("Say why the licenses are re-issued.")},
    )

    def __init__(self, *args, department_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.serving().filter(pk__in=department_ids)
        self.fields["license_type"].queryset = LicenseType.objects.filter(
            licenses__department_id__in=department_ids
        ).distinct()


class NumberForm(forms.Form):
    number = forms.CharField(
        label=_("License number"),
        max_length=40,
        help_text=_("As printed on the license, for example YYZZ-2026-000123-7KQ4M."),
        error_messages={"required": _("Enter the license number.")},
    )
