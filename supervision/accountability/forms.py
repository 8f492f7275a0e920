"""Forms of accountability. They only read input; the rules are in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from services.models import Department
from supervision.accountability.workflow import Decision, State

DECISION_ROWS = 3


def parse_evidence(text: str) -> list[tuple[str, str]]:
    """One link a line, "label | address"; a line with only an address is its own label."""
    links = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        label, sep, url = line.rpartition("|")
        if not sep:
            label, url = line, line
        links.append((label.strip(), url.strip()))
    return links


class EvidenceField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value):
        return parse_evidence(super().to_python(value))


EVIDENCE_HELP = _("One link a line: a label, a vertical bar, then the address, e.g. “Visits | /supervision/visits/”.")


class CaseFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False)

    def __init__(self, data=None, *, departments):
        super().__init__(data)
        self.fields["state"].choices = [("", _("All states")), *State.choices]
        self.fields["department"].queryset = departments
        self.fields["department"].empty_label = _("All departments")


class CaseOpenForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.serving().order_by("code"))
    facts_zh = forms.CharField(label=_("Facts (Chinese)"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    facts_en = forms.CharField(label=_("Facts (English)"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    evidence = EvidenceField(label=_("Evidence links"), help_text=EVIDENCE_HELP, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CaseStepForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    evidence = EvidenceField(label=_("Evidence links"), help_text=EVIDENCE_HELP, required=False)


class CaseDecideForm(CaseStepForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect, required=False
    )
    notice_title_zh = forms.CharField(label=_("Notice title (Chinese)"), max_length=200, required=False)
    notice_title_en = forms.CharField(label=_("Notice title (English)"), max_length=200, required=False)
    notice_text_zh = forms.CharField(
        label=_("Notice public text (Chinese)"),
        help_text=_(
            "Only for criticism in a public notice. Name the department and the facts; "
            "never an applicant's name, ID number or phone."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    notice_text_en = forms.CharField(
        label=_("Notice public text (English)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class MeetingForm(forms.Form):
    held_on = forms.DateField(
        label=_("Date of the meeting"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    attendees = forms.CharField(label=_("Attendees"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    reports = forms.CharField(label=_("Reports discussed"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    cases = forms.ModelMultipleChoiceField(
        label=_("Cases discussed"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, data=None, *, cases, owners):
        super().__init__(data)
        self.fields["cases"].queryset = cases
        for i in range(1, DECISION_ROWS + 1):
            self.fields[f"decision_{i}"] = forms.CharField(
                label=_("Decision %(n)s") % {"n": i}, widget=forms.Textarea(attrs={"rows": 2}), required=False
            )
            self.fields[f"owner_{i}"] = forms.ModelChoiceField(
                label=_("Owner of decision %(n)s") % {"n": i}, queryset=owners, required=False
            )
            self.fields[f"days_{i}"] = forms.IntegerField(
                label=_("Working days for decision %(n)s") % {"n": i}, min_value=1, max_value=60, required=False
            )

    def decisions(self) -> list[dict]:
        return [
            {
                "description": self.cleaned_data.get(f"decision_{i}", ""),
                "owner": self.cleaned_data.get(f"owner_{i}"),
                "working_days": self.cleaned_data.get(f"days_{i}"),
            }
            for i in range(1, DECISION_ROWS + 1)
        ]


class ActionDoneForm(forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


